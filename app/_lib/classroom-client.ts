// The browser's calls to the classroom routes of pier's API (protocol/classroom.ts): staff
// accounts, classes, the grid, hands, announcements, results, joining and recordings. Each
// answer is validated with the shared zod schema; failures come back as results, never thrown.
import {
  AdminHost,
  AdminSession,
  AdminSessions,
  Announcement,
  ClassActionResult,
  ClassList,
  ClassView,
  Grid,
  HandView,
  JoinPreview,
  Me,
  MemberView,
  MySessions,
  RecordingList,
  RecordingView,
  RejoinLink,
  StaffList,
  StaffView,
  StudentClassView,
  StudentHistory,
  type ClassActionRequest,
  type ClassInput,
  type ClassUpdate,
  type CreateStaffRequest,
  type RaiseHandRequest,
  type ResetNodeRequest,
} from '../../protocol/classroom';
import { SessionView } from '../../protocol/http';
import type { LessonLang } from '../../protocol/lesson';
import { call, type ApiResult } from './api-client';

const enc = encodeURIComponent;
const classPath = (classId: string) => `/api/classes/${enc(classId)}`;

// ── accounts ───────────────────────────────────────────────────────────────────────

/** GET /api/auth/me: who this browser is (staff, memberships, whether set-up is needed). */
export function getMe(): Promise<ApiResult<Me>> {
  return call('GET', '/api/auth/me', Me);
}

/**
 * POST /api/auth/setup: creates the first (admin) account and signs it in; `setupCode` (from
 * the server's log) is needed unless the browser runs on the server's own host.
 */
export function setupAdmin(username: string, password: string, setupCode?: string): Promise<ApiResult<StaffView>> {
  return call('POST', '/api/auth/setup', StaffView, setupCode ? { username, password, setupCode } : { username, password });
}

/** POST /api/auth/sign-in */
export function signIn(username: string, password: string): Promise<ApiResult<StaffView>> {
  return call('POST', '/api/auth/sign-in', StaffView, { username, password });
}

/** POST /api/auth/sign-out */
export function signOut(): Promise<ApiResult<void>> {
  return call<void>('POST', '/api/auth/sign-out', null, {});
}

/** POST /api/auth/password: other sign-ins of the account end. */
export function changePassword(current: string, next: string): Promise<ApiResult<void>> {
  return call<void>('POST', '/api/auth/password', null, { current, next });
}

/** GET /api/admin/users */
export function listStaff(): Promise<ApiResult<StaffList>> {
  return call('GET', '/api/admin/users', StaffList);
}

/** GET /api/admin/host: the sandbox runtime and its known escapes. */
export function getAdminHost(): Promise<ApiResult<AdminHost>> {
  return call('GET', '/api/admin/host', AdminHost);
}

/** POST /api/admin/users: adds an instructor (or admin). */
export function createStaff(request: CreateStaffRequest): Promise<ApiResult<StaffView>> {
  return call('POST', '/api/admin/users', StaffView, request);
}

/** DELETE /api/admin/users/:user: disables the account. */
export function disableStaff(userId: string): Promise<ApiResult<void>> {
  return call<void>('DELETE', `/api/admin/users/${enc(userId)}`, null);
}

/** GET /api/admin/sessions: host capacity and every live session. */
export function listAdminSessions(): Promise<ApiResult<AdminSessions>> {
  return call('GET', '/api/admin/sessions', AdminSessions);
}

/** POST /api/admin/sessions/:session/end: ends a session (its sandboxes are removed). */
export function endAdminSession(sessionId: string): Promise<ApiResult<void>> {
  return call<void>('POST', `/api/admin/sessions/${enc(sessionId)}/end`, null, {});
}

/** POST /api/admin/sessions/:session/extend */
export function extendAdminSession(sessionId: string): Promise<ApiResult<AdminSession>> {
  return call('POST', `/api/admin/sessions/${enc(sessionId)}/extend`, AdminSession, {});
}

/** The admin's read-only socket of any live terminal. */
export function adminTerminalPath(terminalId: string): string {
  return `/ws/admin/terminals/${enc(terminalId)}`;
}

// ── classes (instructor) ─────────────────────────────────────────────────────────────

/** GET /api/classes: an instructor's own classes, an admin's all. */
export function listClasses(): Promise<ApiResult<ClassList>> {
  return call('GET', '/api/classes', ClassList);
}

/** POST /api/classes */
export function createClass(input: ClassInput): Promise<ApiResult<ClassView>> {
  return call('POST', '/api/classes', ClassView, input);
}

/** GET /api/classes/:class */
export function getClass(classId: string): Promise<ApiResult<ClassView>> {
  return call('GET', classPath(classId), ClassView);
}

/** PUT /api/classes/:class: any subset of the settings. */
export function updateClass(classId: string, update: ClassUpdate): Promise<ApiResult<ClassView>> {
  return call('PUT', classPath(classId), ClassView, update);
}

/** GET /api/classes/:class/grid, lesson titles in `lang`. */
export function getGrid(classId: string, lang: LessonLang): Promise<ApiResult<Grid>> {
  return call('GET', `${classPath(classId)}/grid?lang=${lang}`, Grid);
}

/** GET /api/classes/:class/students/:student */
export function getStudentHistory(classId: string, studentId: string, lang: LessonLang): Promise<ApiResult<StudentHistory>> {
  return call('GET', `${classPath(classId)}/students/${enc(studentId)}?lang=${lang}`, StudentHistory);
}

/** POST …/students/:student/rejoin: a personal link that moves the student to another browser. */
export function createRejoinLink(classId: string, studentId: string): Promise<ApiResult<RejoinLink>> {
  return call('POST', `${classPath(classId)}/students/${enc(studentId)}/rejoin`, RejoinLink, {});
}

/** POST …/students/:student/reset: replaces one node of the student's session. */
export function resetStudentNode(classId: string, studentId: string, request: ResetNodeRequest): Promise<ApiResult<void>> {
  return call<void>('POST', `${classPath(classId)}/students/${enc(studentId)}/reset`, null, request);
}

/** POST …/hands/:student/resolve */
export function resolveHand(classId: string, studentId: string): Promise<ApiResult<void>> {
  return call<void>('POST', `${classPath(classId)}/hands/${enc(studentId)}/resolve`, null, {});
}

/** POST …/announcements */
export function announce(classId: string, text: string): Promise<ApiResult<Announcement>> {
  return call('POST', `${classPath(classId)}/announcements`, Announcement, { text });
}

/** POST …/actions: extend or end every live session of the class. */
export function classAction(classId: string, request: ClassActionRequest): Promise<ApiResult<ClassActionResult>> {
  return call('POST', `${classPath(classId)}/actions`, ClassActionResult, request);
}

/** GET …/recordings?student= */
export function listStudentRecordings(classId: string, studentId: string): Promise<ApiResult<RecordingList>> {
  return call('GET', `${classPath(classId)}/recordings?student=${enc(studentId)}`, RecordingList);
}

/** Where the results export downloads from (a plain link, not a fetch). */
export function resultsUrl(classId: string, format: 'csv' | 'json', lang: 'en' | 'ko'): string {
  return format === 'csv' ? `${classPath(classId)}/results.csv?lang=${lang}` : `${classPath(classId)}/results.json`;
}

// ── students ─────────────────────────────────────────────────────────────────────────

/** GET /api/join/:code: the class behind a code (rate-limited against guessing). */
export function previewJoin(code: string): Promise<ApiResult<JoinPreview>> {
  return call('GET', `/api/join/${enc(code)}`, JoinPreview);
}

/** POST /api/join: this browser becomes a student of the class. */
export function joinClass(code: string, displayName: string): Promise<ApiResult<MemberView>> {
  return call('POST', '/api/join', MemberView, { code, displayName });
}

/** POST /api/rejoin: this browser takes over the student of a rejoin link. */
export function rejoin(token: string): Promise<ApiResult<MemberView>> {
  return call('POST', '/api/rejoin', MemberView, { token });
}

/** GET /api/me/sessions: every live session of this browser. */
export function mySessions(): Promise<ApiResult<MySessions>> {
  return call('GET', '/api/me/sessions', MySessions);
}

/** GET /api/me/classes/:class, lesson titles in `lang`. */
export function myClass(classId: string, lang: LessonLang): Promise<ApiResult<StudentClassView>> {
  return call('GET', `/api/me/classes/${enc(classId)}?lang=${lang}`, StudentClassView);
}

/** POST /api/me/classes/:class/hand */
export function raiseHand(classId: string, request: RaiseHandRequest): Promise<ApiResult<HandView>> {
  return call('POST', `/api/me/classes/${enc(classId)}/hand`, HandView, request);
}

/** DELETE /api/me/classes/:class/hand */
export function lowerHand(classId: string): Promise<ApiResult<void>> {
  return call<void>('DELETE', `/api/me/classes/${enc(classId)}/hand`, null);
}

/** POST /api/sessions {lessonId, classId}: starts a lesson as a student of the class. */
export function startClassSession(lessonId: string, classId: string): Promise<ApiResult<SessionView>> {
  return call('POST', '/api/sessions', SessionView, { lessonId, classId });
}

// ── recordings ───────────────────────────────────────────────────────────────────────

/** GET /api/sessions/:id/recordings: the recordings of one of this browser's sessions. */
export function sessionRecordings(sessionId: string): Promise<ApiResult<RecordingList>> {
  return call('GET', `/api/sessions/${enc(sessionId)}/recordings`, RecordingList);
}

/** GET /api/recordings/:recording */
export function getRecording(recordingId: string): Promise<ApiResult<RecordingView>> {
  return call('GET', `/api/recordings/${enc(recordingId)}`, RecordingView);
}

/** The asciicast file of a recording; `download` makes it an attachment. */
export function castUrl(recordingId: string, download = false): string {
  return `/api/recordings/${enc(recordingId)}/cast${download ? '?download=1' : ''}`;
}
