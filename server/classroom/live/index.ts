// Assembles the classroom's live side for server/main.ts: the live operations, the
// recordings' part in a student's history, the live API routes and the class sockets.
import type { Logger } from 'pino';
import type { LiveApiOptions } from '../../http/classroom-live-api.js';
import type { SessionManager } from '../../sessions/manager.js';
import type { Store } from '../../store/store.js';
import type { Terminal } from '../../terminals/terminal.js';
import { createClassSockets } from '../../ws/class-sockets.js';
import type { UpgradeRouterOptions } from '../../ws/upgrade.js';
import { ClassLive } from './class-live.js';
import type { ClassroomPort } from './port.js';
import { toRecordingView, type Recordings } from './recordings.js';

export { Recordings } from './recordings.js';
export type { ClassroomPort } from './port.js';

/** What the live side needs. */
export interface ClassroomLiveOptions {
  classroom: ClassroomPort;
  store: Store;
  sessions: SessionManager<Terminal>;
  recordings: Recordings;
  log: Logger;
}

/** The live side, ready to hand to the API (`api`) and the upgrade router (`upgrade`). */
export interface ClassroomLiveParts {
  live: ClassLive;
  api: LiveApiOptions;
  upgrade: NonNullable<UpgradeRouterOptions<unknown>['classroom']>;
  close(): void;
}

/** Builds the classroom's live side. */
export function createClassroomLive(o: ClassroomLiveOptions): ClassroomLiveParts {
  const live = new ClassLive({ port: o.classroom, store: o.store, sessions: o.sessions, log: o.log });
  o.classroom.setPresenceSource((owner) => live.presence.isOnline(owner));
  o.classroom.setRecordingSource((classId, memberId) => o.store.recordingsOfClass(classId, memberId).map(toRecordingView));
  return {
    live,
    api: { port: o.classroom, live, recordings: o.recordings, store: o.store, sessions: o.sessions },
    upgrade: {
      sockets: (takeOwnerSlot) => createClassSockets({ port: o.classroom, live, store: o.store, sessions: o.sessions, log: o.log, takeOwnerSlot }),
      opened: (owner, on) => live.socketOpened(owner, on),
      watchersOf: (sessionId) => live.watchersOf(sessionId),
    },
    close: () => live.close(),
  };
}
