// The classroom's live routes (protocol/classroom.ts): a student's hand, the instructor's
// resolve, announcements, bulk class actions, resetting a student's node, and terminal
// recordings (lists, a recording's view, its asciicast file). Staff are checked by the
// classroom core (the class's instructor or an admin); anyone else gets 404.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import { z } from 'zod';
import {
  AnnouncementRequest,
  ClassActionRequest,
  EntityId,
  RaiseHandRequest,
  ResetNodeRequest,
  type RecordingList,
  type RecordingView,
} from '../../protocol/classroom.js';
import { SessionId } from '../../protocol/http.js';
import type { ClassLive } from '../classroom/live/class-live.js';
import type { ClassroomPort, LiveStaff } from '../classroom/live/port.js';
import { toRecordingView, type Recordings } from '../classroom/live/recordings.js';
import { ServerError } from '../errors.js';
import type { SessionManager } from '../sessions/manager.js';
import type { RecordingRow, Store } from '../store/store.js';
import { parseBody } from './body.js';
import type { Params, Router } from './router.js';

/** What the live routes need. */
export interface LiveApiOptions {
  port: ClassroomPort;
  live: ClassLive;
  recordings: Recordings;
  store: Pick<Store, 'getRecording' | 'recordingAccess' | 'recordingsOfSession' | 'recordingsOfClass'>;
  sessions: Pick<SessionManager<unknown>, 'ownership'>;
}

/** What a live route reads of api.ts's request. */
interface LiveRequest {
  req: IncomingMessage;
  owner: string;
  params: Params;
  body: unknown;
}

const EmptyBody = z.object({}).strict().optional();

const bodyOf = parseBody;

/** An id in the path: one that cannot be valid names nothing. */
function idParam(params: Params, name: string, code: 'CLASS_NOT_FOUND' | 'STUDENT_NOT_FOUND' | 'RECORDING_NOT_FOUND' | 'SESSION_NOT_FOUND'): string {
  const r = (name === 'id' ? SessionId : EntityId).safeParse(params[name]);
  if (!r.success) throw new ServerError(code, `malformed ${name} in path`);
  return r.data;
}

/** The staff of the request who may see the class in the path (else 404: not revealed). */
function staffOfClass(o: LiveApiOptions, req: IncomingMessage, params: Params): { staff: LiveStaff; classId: string } {
  const classId = idParam(params, 'class', 'CLASS_NOT_FOUND');
  const staff = o.port.staffOf(req);
  if (staff === null) throw new ServerError('CLASS_NOT_FOUND', 'no staff sign-in');
  o.port.classAccess(staff, classId);
  return { staff, classId };
}

/** A recording the caller may see: the owner of its session, or staff of its class. @throws RECORDING_NOT_FOUND */
function visibleRecording(o: LiveApiOptions, req: IncomingMessage, owner: string, id: string): RecordingRow {
  const row = o.store.getRecording(id);
  const access = row === null ? null : o.store.recordingAccess(id);
  if (row === null || access === null) throw new ServerError('RECORDING_NOT_FOUND', `no recording ${id}`);
  if (access.owner === owner) return row;
  const staff = access.classId === null ? null : o.port.staffOf(req);
  if (staff !== null && access.classId !== null) {
    try {
      o.port.classAccess(staff, access.classId);
      return row;
    } catch {
      // not this staff member's class: answered as missing below
    }
  }
  throw new ServerError('RECORDING_NOT_FOUND', `recording ${id} is not the caller's`);
}

const list = (o: LiveApiOptions, rows: RecordingRow[]): RecordingList => ({ recordings: rows.map((r) => viewOf(o, r)) });
const viewOf = (o: LiveApiOptions, r: RecordingRow): RecordingView => ({ ...toRecordingView(r), bytes: o.recordings.liveBytes(r.id) ?? r.bytes });

/** Adds the live routes to the API's router. */
export function addLiveRoutes<R extends LiveRequest>(router: Router<(r: R) => Promise<{ status: number; body?: unknown }>>, o: LiveApiOptions): void {
  router
    .add('POST', '/api/me/classes/:class/hand', async ({ owner, params, body }) => {
      const classId = idParam(params, 'class', 'CLASS_NOT_FOUND');
      return { status: 200, body: o.live.raiseHand(owner, classId, bodyOf(RaiseHandRequest, body ?? {})) };
    })
    .add('DELETE', '/api/me/classes/:class/hand', async ({ owner, params }) => {
      o.live.lowerHand(owner, idParam(params, 'class', 'CLASS_NOT_FOUND'));
      return { status: 204 };
    })
    .add('POST', '/api/classes/:class/hands/:student/resolve', async ({ req, params, body }) => {
      bodyOf(EmptyBody, body);
      const { staff, classId } = staffOfClass(o, req, params);
      o.live.resolveHand(staff, classId, idParam(params, 'student', 'STUDENT_NOT_FOUND'));
      return { status: 204 };
    })
    .add('POST', '/api/classes/:class/announcements', async ({ req, params, body }) => {
      const { staff, classId } = staffOfClass(o, req, params);
      return { status: 201, body: o.live.announce(staff, classId, bodyOf(AnnouncementRequest, body).text) };
    })
    .add('POST', '/api/classes/:class/actions', async ({ req, params, body }) => {
      const { staff, classId } = staffOfClass(o, req, params);
      return { status: 200, body: await o.live.action(staff, classId, bodyOf(ClassActionRequest, body)) };
    })
    .add('POST', '/api/classes/:class/students/:student/reset', async ({ req, params, body }) => {
      const { staff, classId } = staffOfClass(o, req, params);
      await o.live.resetNode(staff, classId, idParam(params, 'student', 'STUDENT_NOT_FOUND'), bodyOf(ResetNodeRequest, body));
      return { status: 204 };
    })
    .add('GET', '/api/classes/:class/recordings', async ({ req, params }) => {
      const { classId } = staffOfClass(o, req, params);
      const student = new URL(req.url ?? '/', 'http://pier.invalid').searchParams.get('student');
      let memberId: string | null = null;
      if (student !== null && student !== '') {
        const m = EntityId.safeParse(student).success ? o.port.memberById(classId, student) : null;
        if (m === null) throw new ServerError('STUDENT_NOT_FOUND', `no student ${student} in class ${classId}`);
        memberId = m.id;
      }
      return { status: 200, body: list(o, o.store.recordingsOfClass(classId, memberId)) };
    })
    .add('GET', '/api/sessions/:id/recordings', async ({ owner, params }) => {
      const id = idParam(params, 'id', 'SESSION_NOT_FOUND');
      if (o.sessions.ownership(id, owner) === null) throw new ServerError('SESSION_NOT_FOUND', `no session ${id} for this owner`);
      return { status: 200, body: list(o, o.store.recordingsOfSession(id)) };
    })
    .add('GET', '/api/recordings/:recording', async ({ req, owner, params }) => ({
      status: 200,
      body: viewOf(o, visibleRecording(o, req, owner, idParam(params, 'recording', 'RECORDING_NOT_FOUND'))),
    }));
}

const CAST_PATH = /^\/api\/recordings\/([^/]+)\/cast$/;

/** Whether a path is a recording's asciicast file (served as bytes, not JSON). */
export function isRecordingCastPath(pathname: string): boolean {
  return CAST_PATH.test(pathname);
}

/**
 * Serves a recording's asciicast file (GET/HEAD) to the owner of its session or the class's
 * staff; `?download=1` as an attachment. A recording still being written is served as far
 * as it is on disk (a valid asciicast: whole lines only).
 * @throws ServerError (the caller answers it)
 */
export function serveRecordingCast(o: LiveApiOptions, req: IncomingMessage, res: ServerResponse, pathname: string, owner: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    throw new ServerError('METHOD_NOT_ALLOWED', `${req.method ?? ''} ${pathname}`);
  }
  const raw = CAST_PATH.exec(pathname)?.[1] ?? '';
  if (!EntityId.safeParse(raw).success) throw new ServerError('RECORDING_NOT_FOUND', 'malformed recording id in path');
  const row = visibleRecording(o, req, owner, raw);
  const file = o.recordings.fileOf(row);
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new ServerError('RECORDING_NOT_FOUND', `recording ${row.id} has no file`);
  }
  const download = new URL(req.url ?? '/', 'http://pier.invalid').searchParams.get('download') === '1';
  res.writeHead(200, {
    'content-type': 'application/x-asciicast',
    'content-length': String(size),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(download ? { 'content-disposition': `attachment; filename="pier-${row.node}-${row.id.slice(0, 8)}.cast"` } : {}),
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file, { start: 0, end: Math.max(0, size - 1) })
    .on('error', () => res.destroy())
    .pipe(res);
}
