// The classroom core's routes (protocol/classroom.ts): accounts (set-up, sign-in, sign-out,
// password, admin users), classes, the grid, results, a student's history and rejoin
// link, joining, and a browser's own sessions and class. Parameters and bodies are checked
// here; the Classroom service decides who may see what (404 when not).
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  ClassInput,
  ClassUpdate,
  CreateStaffRequest,
  EntityId,
  JoinRequest,
  PasswordChangeRequest,
  RejoinRequest,
  SetupRequest,
  SignInRequest,
  type MySessions,
  type StaffList, type AdminHost } from '../../protocol/classroom.js';
import type { Classroom, StaffUser } from '../classroom/service.js';
import { resultsCsv } from '../classroom/results.js';
import { ServerError } from '../errors.js';
import { parseBody } from './body.js';
import { langOf } from './lesson-api.js';
import { ownerSetCookie } from './owner-cookie.js';
import { clientOf } from './proxy-trust.js';
import type { Params, Router } from './router.js';
import { staffClearCookie, staffSetCookie } from './staff-cookie.js';

/** What the classroom routes need. */
export interface ClassroomApiOptions {
  classroom: Classroom;
  secret: Buffer;
  log: Logger;
  /** The sandbox runtime's state for the admin page (GET /api/admin/host). */
  hostStatus: () => Promise<AdminHost>;
}

/** What a classroom route reads of api.ts's request. */
interface ClassroomRequest {
  req: IncomingMessage;
  owner: string;
  params: Params;
  body: unknown;
  address: string;
}

/** What a classroom route answers: JSON, or a text document; maybe with cookies. */
export interface ClassroomAnswer {
  status: number;
  body?: unknown;
  /** Set-Cookie values to add. */
  cookies?: string[];
  /** A non-JSON answer (CSV). */
  text?: { contentType: string; body: string; filename?: string };
}

const EmptyBody = z.object({}).strict().optional();
/** A Host header pier would build links for (as in origin.ts). */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
/** Headers a reverse proxy adds: a request carrying one did not come from this host's own browser. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-host'];

const parse = parseBody;

/** Whether the browser's connection was https (directly, or to a trusted proxy). */
const isSecure = (req: IncomingMessage) => clientOf(req).secure;

/** `<scheme>://<host>` of the request, for links shown on the projector. */
function originOf(req: IncomingMessage): string {
  const host = req.headers.host;
  return `${isSecure(req) ? 'https' : 'http'}://${host !== undefined && HOST_HEADER.test(host) ? host : 'localhost'}`;
}

/** Whether the request comes from a browser on this very host (loopback, not through a proxy). */
export function isLocalRequest(req: IncomingMessage): boolean {
  const a = req.socket.remoteAddress ?? '';
  const loopback = a === '::1' || /^(?:::ffff:)?127\./.test(a);
  return loopback && FORWARDING_HEADERS.every((h) => req.headers[h] === undefined);
}

function idParam(params: Params, name: string, code: 'CLASS_NOT_FOUND' | 'STUDENT_NOT_FOUND' | 'USER_NOT_FOUND'): string {
  const r = EntityId.safeParse(params[name]);
  if (!r.success) throw new ServerError(code, `malformed ${name} in path`);
  return r.data;
}

/** Adds the classroom core's routes to the API's router. */
export function addClassroomRoutes<R extends ClassroomRequest>(router: Router<(r: R) => Promise<ClassroomAnswer>>, o: ClassroomApiOptions): void {
  const { classroom } = o;
  /** The signed-in staff member. @throws NOT_SIGNED_IN (401) */
  const staffOf = (req: IncomingMessage): StaffUser => {
    const staff = classroom.staffOf(req);
    if (staff === null) throw new ServerError('NOT_SIGNED_IN', 'no valid staff cookie');
    return staff;
  };
  const adminOf = (req: IncomingMessage): StaffUser => {
    const staff = staffOf(req);
    if (staff.role !== 'admin') throw new ServerError('ADMIN_ONLY', `${staff.username} is no admin`);
    return staff;
  };
  /** The class in the path when the caller is its instructor or an admin; 404 for anyone else (signed in or not). */
  const classOf = (req: IncomingMessage, params: Params) => {
    const classId = idParam(params, 'class', 'CLASS_NOT_FOUND');
    const staff = classroom.staffOf(req);
    if (staff === null) throw new ServerError('CLASS_NOT_FOUND', 'no staff sign-in');
    return { staff, record: classroom.classAccess(staff, classId) };
  };
  const signedIn = (req: IncomingMessage, sessionId: string) => staffSetCookie(sessionId, o.secret, { secure: isSecure(req) });

  router
    .add('GET', '/api/auth/me', async ({ req, owner }) => ({ status: 200, body: classroom.me(classroom.staffOf(req), owner, !isLocalRequest(req)) }))
    .add('POST', '/api/auth/setup', async ({ req, body }) => {
      const r = parse(SetupRequest, body);
      const done = await classroom.accounts.setup(r.username, r.password, { local: isLocalRequest(req), code: r.setupCode });
      o.log.info({ user: done.user.username }, 'first admin account set up');
      return { status: 201, body: done.user, cookies: [signedIn(req, done.sessionId)] };
    })
    .add('POST', '/api/auth/sign-in', async ({ req, body, address }) => {
      const r = parse(SignInRequest, body);
      const done = await classroom.accounts.signIn(r.username, r.password, address);
      return { status: 200, body: done.user, cookies: [signedIn(req, done.sessionId)] };
    })
    .add('POST', '/api/auth/sign-out', async ({ req, body }) => {
      parse(EmptyBody, body);
      // Idempotent, like a DELETE (coordinator, 19:50): anyone gets 204; a staff cookie is cleared.
      const staff = classroom.staffOf(req);
      if (staff !== null) classroom.accounts.signOut(staff.sessionId);
      return { status: 204, cookies: [staffClearCookie({ secure: isSecure(req) })] };
    })
    .add('POST', '/api/auth/password', async ({ req, body }) => {
      const staff = staffOf(req);
      const r = parse(PasswordChangeRequest, body);
      await classroom.accounts.changePassword(staff, r.current, r.next);
      return { status: 204 };
    })
    .add('GET', '/api/admin/users', async ({ req }) => {
      adminOf(req);
      const list: StaffList = { users: classroom.accounts.list() };
      return { status: 200, body: list };
    })
    .add('GET', '/api/admin/host', async ({ req }) => {
      adminOf(req);
      return { status: 200, body: await o.hostStatus() };
    })
    .add('POST', '/api/admin/users', async ({ req, body }) => {
      const admin = adminOf(req);
      const r = parse(CreateStaffRequest, body);
      const user = await classroom.accounts.create(r.username, r.password, r.role);
      o.log.info({ by: admin.username, user: user.username, role: user.role }, 'staff account added');
      return { status: 201, body: user };
    })
    .add('DELETE', '/api/admin/users/:user', async ({ req, params }) => {
      const admin = adminOf(req);
      const userId = idParam(params, 'user', 'USER_NOT_FOUND');
      classroom.accounts.disable(admin, userId);
      o.log.info({ by: admin.username, user: userId }, 'staff account disabled');
      return { status: 204 };
    })
    .add('GET', '/api/classes', async ({ req }) => ({ status: 200, body: classroom.listClasses(staffOf(req)) }))
    .add('POST', '/api/classes', async ({ req, body }) => {
      const staff = staffOf(req);
      const record = classroom.createClass(staff, parse(ClassInput, body));
      return { status: 201, body: await classroom.classView(record, originOf(req)) };
    })
    .add('GET', '/api/classes/:class', async ({ req, params }) => ({ status: 200, body: await classroom.classView(classOf(req, params).record, originOf(req)) }))
    .add('PUT', '/api/classes/:class', async ({ req, params, body }) => {
      const { staff, record } = classOf(req, params);
      return { status: 200, body: await classroom.updateClass(staff, record.id, parse(ClassUpdate, body), originOf(req)) };
    })
    .add('GET', '/api/classes/:class/grid', async ({ req, params }) => ({ status: 200, body: classroom.grid(classOf(req, params).record.id, langOf(req)) }))
    .add('GET', '/api/classes/:class/results.json', async ({ req, params }) => ({ status: 200, body: classroom.results(classOf(req, params).record.id) }))
    .add('GET', '/api/classes/:class/results.csv', async ({ req, params }) => {
      const { record } = classOf(req, params);
      const lang = langOf(req);
      const results = classroom.results(record.id);
      return { status: 200, text: { contentType: 'text/csv; charset=utf-8', body: resultsCsv(results.rows, lang), filename: `results-${record.id}.csv` } };
    })
    .add('GET', '/api/classes/:class/students/:student', async ({ req, params }) => {
      const { record } = classOf(req, params);
      return { status: 200, body: classroom.studentHistory(record.id, idParam(params, 'student', 'STUDENT_NOT_FOUND'), langOf(req)) };
    })
    .add('POST', '/api/classes/:class/students/:student/rejoin', async ({ req, params, body }) => {
      parse(EmptyBody, body);
      const { staff, record } = classOf(req, params);
      return { status: 200, body: classroom.rejoinLink(staff, record.id, idParam(params, 'student', 'STUDENT_NOT_FOUND'), originOf(req)) };
    })
    .add('GET', '/api/join/:code', async ({ params, address }) => ({ status: 200, body: classroom.preview(params.code ?? '', address) }))
    .add('POST', '/api/join', async ({ owner, body, address }) => {
      const r = parse(JoinRequest, body);
      return { status: 201, body: classroom.join(owner, r.code, r.displayName, address) };
    })
    .add('POST', '/api/rejoin', async ({ req, body }) => {
      const r = parse(RejoinRequest, body);
      const { owner, member } = classroom.rejoin(r.token);
      return { status: 200, body: member, cookies: [ownerSetCookie(owner, o.secret, { secure: isSecure(req) })] };
    })
    .add('GET', '/api/me/sessions', async ({ owner }) => {
      const list: MySessions = { sessions: classroom.mySessions(owner) };
      return { status: 200, body: list };
    })
    .add('GET', '/api/me/classes/:class', async ({ req, owner, params }) => ({
      status: 200,
      body: classroom.studentView(owner, idParam(params, 'class', 'CLASS_NOT_FOUND'), langOf(req)),
    }));
}
