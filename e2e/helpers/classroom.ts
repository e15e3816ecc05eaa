// The people of a classroom test over the real API: the admin set up on a fresh server,
// instructors the admin adds and signs in, classes, students who join by code and start a
// class session, and a check after typing the step's command into the real terminal.
import type { SessionView } from '../../protocol/http.js';
import type { CheckResult, LessonState } from '../../protocol/lesson.js';
import type { ClassInput, ClassView, MemberView, StaffView } from '../../protocol/classroom.js';
import { ClassroomClient } from '../../cli/bench/class-client.js';
import { TerminalConnection } from '../../cli/client/terminal-connection.js';

export { ClassroomClient } from '../../cli/bench/class-client.js';

/** Passwords the tests use (10+ characters, as the contract asks). */
export const ADMIN_PASSWORD = 'admin-password-1';
export const INSTRUCTOR_PASSWORD = 'instructor-password-1';

/** The first lesson of the course: its first two steps pass with one command each. */
export const LESSON_A = '01-containers-vs-vms';
/** The second lesson of the test classes. */
export const LESSON_B = '02-namespaces';
/** What passes each step of LESSON_A (the step's own solution, typed by the student). */
export const LESSON_A_COMMANDS: Record<number, string> = {
  1: 'mkdir -p /root/answers && uname -r > /root/answers/kernel',
  2: 'mkdir -p /root/answers && ps -p 1 -o comm= > /root/answers/pid1',
};

/** POST /api/auth/setup on a fresh server: the admin, signed in. */
export async function setupAdmin(base: string, username = 'admin'): Promise<{ client: ClassroomClient; user: StaffView }> {
  const client = new ClassroomClient(base);
  const user = await client.expect<StaffView>(201, 'POST', '/api/auth/setup', { username, password: ADMIN_PASSWORD });
  return { client, user };
}

/** Signs `username` in, in a browser of its own. */
export async function signIn(base: string, username: string, password: string): Promise<ClassroomClient> {
  const client = new ClassroomClient(base);
  await client.expect(200, 'POST', '/api/auth/sign-in', { username, password });
  return client;
}

/** The admin adds an instructor; the instructor signs in in a browser of their own. */
export async function addInstructor(admin: ClassroomClient, username: string): Promise<ClassroomClient> {
  await admin.expect(201, 'POST', '/api/admin/users', { username, password: INSTRUCTOR_PASSWORD, role: 'instructor' });
  return signIn(admin.base, username, INSTRUCTOR_PASSWORD);
}

/** Creates a class with `lessons` (open, default settings otherwise). */
export function createClass(staff: ClassroomClient, name: string, lessons: string[] = [LESSON_A, LESSON_B], extra: Partial<ClassInput> = {}): Promise<ClassView> {
  return staff.expect<ClassView>(201, 'POST', '/api/classes', { name, lessons, ...extra });
}

/** A new browser joins a class with its code (as shown, `ABC-DEF`) and a display name. */
export async function joinClass(base: string, code: string, displayName: string): Promise<{ client: ClassroomClient; member: MemberView }> {
  const client = new ClassroomClient(base);
  const member = await client.expect<MemberView>(201, 'POST', '/api/join', { code, displayName });
  return { client, member };
}

/** Waits until `read()` satisfies `done` (polling every 200 ms) or throws after `timeoutMs`. */
export async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let v = await read();
  while (!done(v)) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; last ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 200));
    v = await read();
  }
  return v;
}

/** A student starts a class session of `lessonId` and waits until its lesson is ready. */
export async function startClassSession(student: ClassroomClient, classId: string, lessonId: string): Promise<SessionView> {
  const session = await student.expect<SessionView>(201, 'POST', '/api/sessions', { lessonId, classId });
  await until(
    `lesson of ${session.id} ready`,
    async () => (await student.call<LessonState>('GET', `/api/sessions/${session.id}/lesson`)).body,
    (s) => s?.phase === 'ready',
  );
  return session;
}

/** The first terminal of node1 of a session. */
export function firstTerminal(session: SessionView): string {
  const id = session.nodes[0]?.terminals[0]?.id;
  if (!id) throw new Error(`session ${session.id} has no terminal`);
  return id;
}

/** A terminal socket of `client` on `pathname` (e.g. /ws/terminals/ID), with the text it showed. */
export async function openTerminal(client: ClassroomClient, pathname: string): Promise<{ conn: TerminalConnection; text: () => string; waitFor: (re: RegExp, ms?: number) => Promise<string> }> {
  const conn = await TerminalConnection.connect(client.wsUrl(pathname), { headers: client.upgradeHeaders() });
  let text = '';
  const decoder = new TextDecoder();
  conn.onOutput = (bytes) => (text += decoder.decode(bytes, { stream: true }));
  conn.onControl = (m) => {
    if (m.type === 'ready' && m.screen !== undefined) text += m.screen;
  };
  await conn.hello({ cols: 120, rows: 40 }, undefined, 15_000);
  const waitFor = async (re: RegExp, ms = 15_000): Promise<string> => {
    const deadline = Date.now() + ms;
    while (!re.test(text)) {
      if (Date.now() > deadline) throw new Error(`terminal never showed ${re}; it shows ${JSON.stringify(text.slice(-400))}`);
      if (conn.closeCode !== null) throw new Error(`terminal closed (${conn.closeCode}) before ${re}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return text;
  };
  return { conn, text: () => text, waitFor };
}

/** Types `line` + Enter into the student's terminal and waits for a marker echoed after it. */
export async function runInTerminal(client: ClassroomClient, terminalId: string, line: string): Promise<void> {
  const t = await openTerminal(client, `/ws/terminals/${terminalId}`);
  const n = Math.floor(Math.random() * 1e9);
  t.conn.input(`${line}; echo "@@ok-$((${n}+1))@@"\r`);
  await t.waitFor(new RegExp(`@@ok-${n + 1}@@`));
  await t.conn.close();
}

/** POST …/check of `step`; returns the result (200 expected). */
export function check(student: ClassroomClient, sessionId: string, step: number): Promise<CheckResult> {
  return student.expect<CheckResult>(200, 'POST', `/api/sessions/${sessionId}/lesson/steps/${step}/check`, {});
}
