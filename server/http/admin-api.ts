// The admin page's session routes (protocol/classroom.ts): every live session with its owner
// or student, class, age and resources, the host's capacity and queue, and the actions end
// and extend. Admin only: anyone else gets 401/403 before anything is read.
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { SessionId } from '../../protocol/http.js';
import { ClassSettings, type AdminSession, type AdminSessions } from '../../protocol/classroom.js';
import type { Classroom } from '../classroom/service.js';
import { ServerError } from '../errors.js';
import type { SessionManager } from '../sessions/manager.js';
import type { Store } from '../store/store.js';
import { parseBody } from './body.js';
import type { Params, Router } from './router.js';

/** What one session's sandboxes use now. */
export interface SessionUsage {
  memoryBytes: number;
  pids: number;
  diskUsedBytes: number;
}

/** What the admin routes need. */
export interface AdminApiOptions {
  classroom: Pick<Classroom, 'staffOf'>;
  sessions: Pick<SessionManager<unknown>, 'liveSessions' | 'end' | 'extend' | 'liveOwnerOf'>;
  store: Pick<Store, 'getClass' | 'getMember'>;
  /** Usage of every live session's sandboxes, by session id. */
  usage: () => Promise<Map<string, SessionUsage>>;
  capacity: () => AdminSessions['capacity'];
}

const EmptyBody = z.object({}).strict().optional();

/** Adds the routes to the API's router. */
export function addAdminRoutes<R extends { req: IncomingMessage; params: Params; body: unknown }>(router: Router<(r: R) => Promise<{ status: number; body?: unknown }>>, o: AdminApiOptions): void {
  const adminOf = (req: IncomingMessage) => {
    const staff = o.classroom.staffOf(req);
    if (staff === null) throw new ServerError('NOT_SIGNED_IN', 'no valid staff cookie');
    if (staff.role !== 'admin') throw new ServerError('ADMIN_ONLY', `${staff.username} is no admin`);
    return staff;
  };
  const classNames = new Map<string, string | null>();
  const className = (classId: string): string | null => {
    if (!classNames.has(classId)) {
      const row = o.store.getClass(classId);
      const parsed = row === null ? null : ClassSettings.safeParse(JSON.parse(row.settings));
      classNames.set(classId, parsed?.success ? parsed.data.name : null);
    }
    return classNames.get(classId) ?? null;
  };
  const list = async (): Promise<AdminSession[]> => {
    const usage = await o.usage();
    return o.sessions.liveSessions().map((s) => {
      const use = usage.get(s.id) ?? { memoryBytes: 0, pids: 0, diskUsedBytes: 0 };
      const member = s.memberId === null ? null : o.store.getMember(s.memberId);
      return {
        id: s.id,
        owner: member?.displayName ?? `browser ${s.owner.slice(0, 8)}`,
        classId: s.classId,
        className: s.classId === null ? null : className(s.classId),
        lessonId: s.lessonId,
        createdAt: s.createdAt,
        expiresAt: s.expiresAt,
        lastActivity: s.lastActivity,
        nodes: s.nodes,
        terminals: s.terminals,
        ...use,
      };
    });
  };
  /** The live session in the path; 404 when there is none. */
  const liveSession = (params: Params): { id: string; owner: string } => {
    const id = SessionId.safeParse(params.session);
    const owner = id.success ? o.sessions.liveOwnerOf(id.data) : null;
    if (!id.success || owner === null) throw new ServerError('SESSION_NOT_FOUND', 'no such live session');
    return { id: id.data, owner };
  };
  router
    .add('GET', '/api/admin/sessions', async ({ req }) => {
      adminOf(req);
      const body: AdminSessions = { capacity: o.capacity(), sessions: await list() };
      return { status: 200, body };
    })
    .add('POST', '/api/admin/sessions/:session/end', async ({ req, params, body }) => {
      adminOf(req);
      parseBody(EmptyBody, body);
      await o.sessions.end(liveSession(params).id, 'ended');
      return { status: 204 };
    })
    .add('POST', '/api/admin/sessions/:session/extend', async ({ req, params, body }) => {
      adminOf(req);
      parseBody(EmptyBody, body);
      const s = liveSession(params);
      await o.sessions.extend(s.id, s.owner);
      const row = (await list()).find((x) => x.id === s.id);
      if (row === undefined) throw new ServerError('SESSION_NOT_FOUND', 'ended meanwhile');
      return { status: 200, body: row };
    });
}
