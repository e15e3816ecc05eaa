// The classroom's WebSockets, reached through the upgrade router (server/ws/upgrade.ts),
// which has already refused a cross-site Origin:
//
//   /ws/classes/:class/events                         staff: the class's instructor or an admin → ClassEvent frames
//   /ws/classes/:class/terminals/:terminal?mode=…     same staff, a terminal of one of the class's live sessions:
//                                                      watch = read-only viewer, join = writer (protocol/terminal.ts)
//   /ws/me/classes/:class/events                      a student of the class (owner cookie) → MemberEvent frames
//
// Who may not see a class, a student or a terminal gets 404 before the upgrade (existence is
// not revealed); watching without the raised hand a class asks for gets 403 WATCH_NEEDS_HAND.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { EntityId } from '../../protocol/classroom.js';
import { TerminalId } from '../../protocol/http.js';
import { LessonLang } from '../../protocol/lesson.js';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../protocol/terminal.js';
import type { ClassLive } from '../classroom/live/class-live.js';
import type { ClassroomPort, LiveStaff } from '../classroom/live/port.js';
import { isServerError } from '../errors.js';
import type { SessionManager } from '../sessions/manager.js';
import type { Store } from '../store/store.js';
import { serveTerminalSocket } from '../terminals/socket.js';
import type { Terminal } from '../terminals/terminal.js';
import { EVENTS_MAX_BUFFERED_BYTES, EVENTS_MAX_PAYLOAD_BYTES } from './events-socket.js';
import { startHeartbeat } from './heartbeat.js';
import { OwnerSocketCounter } from './owner-sockets.js';
import { refuseUpgrade } from './refuse.js';

/** Sockets one staff account may hold open at once (dashboards and watched terminals). */
export const MAX_SOCKETS_PER_STAFF = 64;

const CLASS_EVENTS = /^\/ws\/classes\/([^/]+)\/events$/;
const CLASS_TERMINAL = /^\/ws\/classes\/([^/]+)\/terminals\/([^/]+)$/;
const MEMBER_EVENTS = /^\/ws\/me\/classes\/([^/]+)\/events$/;

/** What the class sockets need. */
export interface ClassSocketsOptions {
  port: ClassroomPort;
  live: ClassLive;
  store: Pick<Store, 'liveSessionsOfClass' | 'openHand'>;
  sessions: Pick<SessionManager<Terminal>, 'terminalSession' | 'attachTerminal'>;
  log: Logger;
  /** Counts a student's socket for `owner`'s per-browser cap; null when it is full (the caller refuses 429). */
  takeOwnerSlot: (socket: Duplex, owner: string) => (() => void) | null;
}

/** The classroom's sockets: `handle` answers whether the path was one of them. */
export interface ClassSockets {
  handle(req: IncomingMessage, socket: Duplex, head: Buffer, pathname: string, owner: string | null): boolean;
  readonly openSockets: number;
  close(): void;
}

/** Creates the classroom's socket handlers. */
export function createClassSockets(o: ClassSocketsOptions): ClassSockets {
  const feeds = new WebSocketServer({ noServer: true, maxPayload: EVENTS_MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const terminals = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const stopHeartbeat = startHeartbeat(feeds);
  const perStaff = new OwnerSocketCounter(MAX_SOCKETS_PER_STAFF);

  /** The staff of the request who may see `classId`, or null (refused 404). */
  const staffFor = (req: IncomingMessage, classId: string): { staff: LiveStaff; settings: { watchNeedsHelp: boolean } } | null => {
    if (!EntityId.safeParse(classId).success) return null;
    const staff = o.port.staffOf(req);
    if (staff === null) return null;
    try {
      return { staff, settings: o.port.classAccess(staff, classId).settings };
    } catch (err) {
      if (isServerError(err) && err.status === 404) return null;
      throw err;
    }
  };

  const staffSlot = (socket: Duplex, staff: LiveStaff): boolean => {
    const release = perStaff.tryOpen(staff.id);
    if (release === null) {
      refuseUpgrade(socket, 429, 'too many open connections for this account');
      return false;
    }
    socket.once('close', release);
    return true;
  };

  /** Sends JSON frames while the socket keeps up; one that stops reading is dropped. */
  const jsonSender = (ws: WebSocket) => (event: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > EVENTS_MAX_BUFFERED_BYTES) return ws.terminate();
    ws.send(JSON.stringify(event));
  };

  const dashboard = (req: IncomingMessage, socket: Duplex, head: Buffer, classId: string): void => {
    const access = staffFor(req, classId);
    if (access === null) return refuseUpgrade(socket, 404);
    if (!staffSlot(socket, access.staff)) return;
    feeds.handleUpgrade(req, socket, head, (ws) => {
      feeds.emit('connection', ws, req);
      ws.on('error', (err) => o.log.debug({ err, classId }, 'dashboard socket error'));
      const off = o.live.feeds.addDashboard(classId, jsonSender(ws));
      ws.on('close', off);
    });
  };

  const memberFeed = (req: IncomingMessage, socket: Duplex, head: Buffer, classId: string, owner: string | null, lang: LessonLang): void => {
    const member = owner !== null && EntityId.safeParse(classId).success ? o.port.memberOf(owner, classId) : null;
    if (member === null || owner === null) return refuseUpgrade(socket, 404);
    if (o.takeOwnerSlot(socket, owner) === null) return;
    feeds.handleUpgrade(req, socket, head, (ws) => {
      feeds.emit('connection', ws, req);
      ws.on('error', (err) => o.log.debug({ err, classId }, 'member socket error'));
      const off = o.live.feeds.addMember(classId, { memberId: member.id, owner, lang }, jsonSender(ws));
      const offline = o.live.presence.opened(owner);
      ws.on('close', () => (off(), offline()));
    });
  };

  const staffTerminal = async (req: IncomingMessage, socket: Duplex, head: Buffer, classId: string, terminalId: string, mode: string | null): Promise<void> => {
    const access = staffFor(req, classId);
    const where = access !== null && TerminalId.safeParse(terminalId).success ? o.sessions.terminalSession(terminalId) : null;
    const session = where === null ? undefined : o.store.liveSessionsOfClass(classId).find((s) => s.id === where.sessionId);
    if (access === null || where === null || session === undefined) return refuseUpgrade(socket, 404);
    if (mode !== 'watch' && mode !== 'join') return refuseUpgrade(socket, 400, 'mode must be watch or join');
    if (access.settings.watchNeedsHelp && (session.memberId === null || o.store.openHand(classId, session.memberId) === null)) {
      return refuseUpgrade(socket, 403, "WATCH_NEEDS_HAND: this class lets staff watch a student's terminal only while the student's hand is raised");
    }
    if (!staffSlot(socket, access.staff)) return;
    let terminal: Terminal;
    try {
      terminal = (await o.sessions.attachTerminal(terminalId, where.owner)).terminal;
    } catch (err) {
      const status = isServerError(err) ? err.status : 503;
      if (status >= 500) o.log.error({ err, terminal: terminalId }, 'cannot open a terminal for staff');
      return refuseUpgrade(socket, status);
    }
    if (socket.destroyed) return;
    terminals.handleUpgrade(req, socket, head, (ws) => {
      terminals.emit('connection', ws, req);
      const left = o.live.watchers.add(where.sessionId, { name: access.staff.username, mode, terminalId });
      ws.on('close', left);
      serveTerminalSocket(ws, terminal, { readOnly: mode === 'watch', log: o.log.child({ area: 'terminal', staff: access.staff.username, mode }) });
      o.log.info({ classId, terminal: terminalId, session: where.sessionId, staff: access.staff.username, mode }, 'staff on a student terminal');
    });
  };

  return {
    handle(req, socket, head, pathname, owner) {
      const url = new URL(req.url ?? '/', 'http://pier.invalid');
      let m: RegExpExecArray | null;
      if ((m = CLASS_EVENTS.exec(pathname))) {
        dashboard(req, socket, head, m[1]!);
        return true;
      }
      if ((m = CLASS_TERMINAL.exec(pathname))) {
        void staffTerminal(req, socket, head, m[1]!, m[2]!, url.searchParams.get('mode')).catch((err: unknown) => {
          o.log.error({ err }, 'staff terminal upgrade failed');
          refuseUpgrade(socket, 500);
        });
        return true;
      }
      if ((m = MEMBER_EVENTS.exec(pathname))) {
        const lang = LessonLang.safeParse(url.searchParams.get('lang'));
        memberFeed(req, socket, head, m[1]!, owner, lang.success ? lang.data : 'en');
        return true;
      }
      return false;
    },
    get openSockets() {
      return feeds.clients.size + terminals.clients.size;
    },
    close() {
      stopHeartbeat();
      for (const wss of [feeds, terminals]) {
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        wss.close();
      }
    },
  };
}
