// Who may reach what in the classroom, against a real server with real sandboxes: every route
// and socket in protocol/classroom.ts's header (the table is checked against that header, so
// none is forgotten) refused to the wrong people (anonymous, a student, a peer of the same
// class, a student of another class, another instructor) and granted to the right ones, so
// nothing passes vacuously; cross-site requests refused; staff and owner cookies httpOnly
// and SameSite; a watcher that cannot type.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SessionView } from '../../protocol/http.js';
import type { ClassView, Grid, MemberView, RecordingList, RejoinLink, StaffView } from '../../protocol/classroom.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { rootSuite } from '../helpers/root.js';
import { sandboxesOfSession, testConfig, upgradeStatus } from '../helpers/playground.js';
import { openDashboardFeed } from '../../cli/bench/class-client.js';
import { parseCsv } from '../../e2e/helpers/csv.js';
import {
  ClassroomClient,
  INSTRUCTOR_PASSWORD,
  LESSON_A,
  addInstructor,
  createClass,
  firstTerminal,
  joinClass,
  openTerminal,
  runInTerminal,
  setupAdmin,
  signIn,
  startClassSession,
  until,
} from '../../e2e/helpers/classroom.js';

/** Everybody the tests act as. */
type Who = 'anon' | 'admin' | 'inst1' | 'inst2' | 'studentA' | 'peer' | 'studentB';
/** What a refusal may answer (never 2xx, never a leak of what exists). */
const REFUSED = [401, 403, 404];
const EVIL_ORIGIN = 'http://evil.example';

/** The fixture every case reads its ids from. */
interface Fixture {
  c1: ClassView;
  c2: ClassView;
  a: MemberView;
  peer: MemberView;
  b: MemberView;
  sessionA: SessionView;
  sessionB: SessionView;
  termA: string;
  termB: string;
  recA: string;
  spare: StaffView;
  rejoinToken: string;
  /** The peer's class session, made by the POST /api/sessions case. */
  peerSession: string;
}

/** One route: the wrong people (refused), the right ones (2xx) and what they send. */
interface Case {
  /** `METHOD /pattern` exactly as in protocol/classroom.ts's header. */
  route: string;
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  wrong: Who[];
  right: Who[];
  /** The status the right people get. */
  ok: number;
  /** State-changing: a cross-site Origin must be refused (403) before anything happens. */
  mutates?: boolean;
}

const I_WRONG: Who[] = ['anon', 'studentA', 'peer', 'studentB', 'inst2'];
const c1 = (f: Fixture) => `/api/classes/${f.c1.id}`;

/** Every HTTP route of the header (WS below), in an order where destructive ones come last. */
const CASES: Case[] = [
  { route: 'GET /api/admin/users', path: () => '/api/admin/users', wrong: ['anon', 'studentA', 'inst1'], right: ['admin'], ok: 200 },
  { route: 'GET /api/admin/host', path: () => '/api/admin/host', wrong: ['anon', 'studentA', 'inst1'], right: ['admin'], ok: 200 },
  { route: 'GET /api/admin/sessions', path: () => '/api/admin/sessions', wrong: ['anon', 'studentA', 'inst1'], right: ['admin'], ok: 200 },
  { route: 'POST /api/admin/sessions/:session/extend', path: (f) => `/api/admin/sessions/${f.sessionB.id}/extend`, wrong: ['anon', 'studentA', 'studentB', 'inst1', 'inst2'], right: ['admin'], ok: 200, mutates: true },
  { route: 'POST /api/admin/users', path: () => '/api/admin/users', body: () => ({ username: 'intruder', password: 'intruder-password', role: 'admin' }), wrong: ['anon', 'studentA', 'inst1'], right: [], ok: 201, mutates: true },
  { route: 'GET /api/classes', path: () => '/api/classes', wrong: ['anon', 'studentA'], right: ['inst1', 'inst2', 'admin'], ok: 200 },
  { route: 'POST /api/classes', path: () => '/api/classes', body: () => ({ name: 'made by the test', lessons: [LESSON_A] }), wrong: ['anon', 'studentA'], right: ['inst1'], ok: 201, mutates: true },
  { route: 'GET /api/classes/:class', path: c1, wrong: I_WRONG, right: ['inst1', 'admin'], ok: 200 },
  { route: 'PUT /api/classes/:class', path: c1, body: () => ({ stuckMinutes: 11 }), wrong: I_WRONG, right: ['inst1'], ok: 200, mutates: true },
  { route: 'GET /api/classes/:class/grid', path: (f) => `${c1(f)}/grid`, wrong: I_WRONG, right: ['inst1', 'admin'], ok: 200 },
  { route: 'GET /api/classes/:class/students/:student', path: (f) => `${c1(f)}/students/${f.a.studentId}`, wrong: I_WRONG, right: ['inst1', 'admin'], ok: 200 },
  { route: 'POST /api/classes/:class/students/:student/rejoin', path: (f) => `${c1(f)}/students/${f.peer.studentId}/rejoin`, wrong: I_WRONG, right: ['inst1'], ok: 200, mutates: true },
  { route: 'POST /api/classes/:class/hands/:student/resolve', path: (f) => `${c1(f)}/hands/${f.a.studentId}/resolve`, wrong: I_WRONG, right: ['inst1'], ok: 204, mutates: true },
  { route: 'POST /api/classes/:class/announcements', path: (f) => `${c1(f)}/announcements`, body: () => ({ text: 'from the access test' }), wrong: I_WRONG, right: ['inst1'], ok: 201, mutates: true },
  { route: 'POST /api/classes/:class/actions', path: (f) => `${c1(f)}/actions`, body: () => ({ action: 'extend-all', minutes: 5 }), wrong: I_WRONG, right: ['inst1'], ok: 200, mutates: true },
  { route: 'GET /api/classes/:class/results.csv', path: (f) => `${c1(f)}/results.csv?lang=en`, wrong: I_WRONG, right: ['inst1', 'admin'], ok: 200 },
  { route: 'GET /api/classes/:class/results.json', path: (f) => `${c1(f)}/results.json`, wrong: I_WRONG, right: ['inst1', 'admin'], ok: 200 },
  { route: 'GET /api/classes/:class/recordings', path: (f) => `${c1(f)}/recordings?student=${f.a.studentId}`, wrong: I_WRONG, right: ['inst1', 'admin'], ok: 200 },
  { route: 'GET /api/me/classes/:class', path: c1me, wrong: ['anon', 'studentB', 'inst2'], right: ['studentA', 'peer'], ok: 200 },
  { route: 'POST /api/me/classes/:class/hand', path: (f) => `${c1me(f)}/hand`, body: () => ({ message: 'peer needs help' }), wrong: ['anon', 'studentB', 'inst2'], right: ['peer'], ok: 200, mutates: true },
  { route: 'DELETE /api/me/classes/:class/hand', path: (f) => `${c1me(f)}/hand`, wrong: ['anon', 'studentB', 'inst2'], right: ['peer'], ok: 204, mutates: true },
  { route: 'GET /api/sessions/:id/recordings', path: (f) => `/api/sessions/${f.sessionA.id}/recordings`, wrong: ['anon', 'peer', 'studentB', 'inst2'], right: ['studentA'], ok: 200 },
  { route: 'GET /api/recordings/:recording', path: (f) => `/api/recordings/${f.recA}`, wrong: ['anon', 'peer', 'studentB', 'inst2'], right: ['studentA', 'inst1'], ok: 200 },
  { route: 'GET /api/recordings/:recording/cast', path: (f) => `/api/recordings/${f.recA}/cast`, wrong: ['anon', 'peer', 'studentB', 'inst2'], right: ['studentA', 'inst1'], ok: 200 },
  { route: 'POST /api/sessions', path: () => '/api/sessions', body: (f) => ({ lessonId: LESSON_A, classId: f.c1.id }), wrong: ['anon', 'studentB', 'inst2'], right: ['peer'], ok: 201, mutates: true },
  { route: 'DELETE /api/admin/users/:user', path: (f) => `/api/admin/users/${f.spare.id}`, wrong: ['anon', 'studentA', 'inst1', 'inst2'], right: ['admin'], ok: 204, mutates: true },
  // The peer's session (made by the POST /api/sessions case): Alice's terminal stays for the socket tests.
  { route: 'POST /api/classes/:class/students/:student/reset', path: (f) => `${c1(f)}/students/${f.peer.studentId}/reset`, body: (f) => ({ sessionId: f.peerSession, node: 'node1' }), wrong: I_WRONG, right: ['inst1'], ok: 204, mutates: true },
  { route: 'POST /api/admin/sessions/:session/end', path: (f) => `/api/admin/sessions/${f.peerSession}/end`, wrong: ['anon', 'studentA', 'peer', 'inst1', 'inst2'], right: ['admin'], ok: 204, mutates: true },
];
function c1me(f: Fixture): string {
  return `/api/me/classes/${f.c1.id}`;
}

/** Routes open to anyone (no role to check), proven below each in its own test. */
const OPEN_ROUTES = ['GET /api/auth/me', 'POST /api/auth/setup', 'POST /api/auth/sign-in', 'GET /api/join/:code', 'POST /api/join', 'POST /api/rejoin', 'GET /api/me/sessions'];
/** Staff-only account routes, proven in their own tests (they end sign-ins). */
const ACCOUNT_ROUTES = ['POST /api/auth/sign-out', 'POST /api/auth/password'];
/** Sockets, proven in their own tests. */
const SOCKET_ROUTES = ['WS /ws/classes/:class/events', 'WS /ws/classes/:class/terminals/:terminal', 'WS /ws/me/classes/:class/events', 'WS /ws/admin/terminals/:terminal'];

/** The routes protocol/classroom.ts's header lists, as `METHOD /pattern`. */
function headerRoutes(): string[] {
  const file = fileURLToPath(new URL('../../protocol/classroom.ts', import.meta.url));
  const routes: string[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\/\/ (GET|POST|PUT|DELETE|WS)\s+(\/\S+)/.exec(line);
    if (m) routes.push(`${m[1]} ${m[2]!.replace(/\?.*$/, '')}`);
  }
  return routes;
}

describe('classroom access (acceptance 2)', { ...rootSuite(), timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let cleanup: () => void;
  let base = '';
  let spareTab: ClassroomClient;
  const f = {} as Fixture;
  const who = {} as Record<Exclude<Who, 'anon'>, ClassroomClient>;
  const sessions: { client: ClassroomClient; id: string }[] = [];
  /** A client acting as `w` (anonymous: a fresh browser every time). */
  const as = (w: Who): ClassroomClient => (w === 'anon' ? new ClassroomClient(base) : who[w]);

  before(async () => {
    const c = testConfig({});
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    const admin = await setupAdmin(base);
    who.admin = admin.client;
    who.inst1 = await addInstructor(who.admin, 'inst-one');
    who.inst2 = await addInstructor(who.admin, 'inst-two');
    f.spare = await who.admin.expect<StaffView>(201, 'POST', '/api/admin/users', { username: 'spare-one', password: INSTRUCTOR_PASSWORD, role: 'instructor' });
    spareTab = await signIn(base, 'spare-one', INSTRUCTOR_PASSWORD);
    f.c1 = await createClass(who.inst1, 'Class One Secret', [LESSON_A]);
    f.c2 = await createClass(who.inst2, 'Class Two Secret', [LESSON_A]);
    const a = await joinClass(base, f.c1.joinCode, 'Alice');
    const peer = await joinClass(base, f.c1.joinCode.toLowerCase(), 'Peer');
    const b = await joinClass(base, f.c2.joinCode, 'Bob');
    [who.studentA, f.a, who.peer, f.peer, who.studentB, f.b] = [a.client, a.member, peer.client, peer.member, b.client, b.member];
    f.sessionA = await startClassSession(who.studentA, f.c1.id, LESSON_A);
    f.sessionB = await startClassSession(who.studentB, f.c2.id, LESSON_A);
    sessions.push({ client: who.studentA, id: f.sessionA.id }, { client: who.studentB, id: f.sessionB.id });
    f.termA = firstTerminal(f.sessionA);
    f.termB = firstTerminal(f.sessionB);
    await runInTerminal(who.studentA, f.termA, 'echo alice-$((20+1))');
    const recs = await until(
      'a recording of Alice’s terminal',
      async () => (await who.studentA.call<RecordingList>('GET', `/api/sessions/${f.sessionA.id}/recordings`)).body,
      (r) => (r?.recordings?.length ?? 0) > 0,
      20_000,
    );
    f.recA = recs.recordings[0]!.id;
    await who.studentA.expect(200, 'POST', `/api/me/classes/${f.c1.id}/hand`, { message: 'Alice needs help' });
    f.rejoinToken = '';
  });

  after(async () => {
    for (const { client, id } of sessions) await client.call('DELETE', `/api/sessions/${id}`).catch(() => undefined);
    await server?.close();
    cleanup?.();
    for (const { id } of sessions) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
  });

  test('the table covers every route and socket of protocol/classroom.ts’s header', () => {
    const listed = headerRoutes();
    assert.ok(listed.length >= 30, `the header lists ${listed.length} routes`);
    const covered = new Set([...CASES.map((c) => c.route), ...OPEN_ROUTES, ...ACCOUNT_ROUTES, ...SOCKET_ROUTES]);
    assert.deepEqual(listed.filter((r) => !covered.has(r)), [], 'routes of the header without an access case');
  });

  for (const c of CASES) {
    test(`${c.route}: refused to ${c.wrong.join(', ')}; granted to ${c.right.join(', ') || 'nobody here'}`, async () => {
      const path = c.path(f);
      const body = c.body?.(f);
      for (const w of c.wrong) {
        const r = await as(w).call(c.route.split(' ')[0]!, path, body);
        assert.ok(REFUSED.includes(r.status), `${c.route} as ${w} answered ${r.status}: ${JSON.stringify(r.body ?? null).slice(0, 200)}`);
        const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? '');
        for (const secret of ['Class One Secret', 'Alice', f.c1.joinCode]) assert.ok(!text.includes(secret), `${c.route} as ${w} leaked "${secret}"`);
      }
      if (c.mutates) {
        for (const w of c.right) {
          const r = await as(w).call(c.route.split(' ')[0]!, path, body, { origin: EVIL_ORIGIN });
          assert.equal(r.status, 403, `${c.route} as ${w} from another site answered ${r.status}`);
        }
      }
      for (const w of c.right) {
        const r = await as(w).call(c.route.split(' ')[0]!, path, body);
        assert.equal(r.status, c.ok, `${c.route} as ${w}: ${JSON.stringify(r.body ?? null).slice(0, 300)}`);
        if (c.route === 'POST /api/sessions') {
          f.peerSession = (r.body as SessionView).id;
          sessions.push({ client: as(w), id: f.peerSession });
          await until('the peer’s lesson ready', async () => (await as(w).call<{ phase: string }>('GET', `/api/sessions/${f.peerSession}/lesson`)).body, (b) => b?.phase === 'ready');
        }
        if (c.route === 'POST /api/classes/:class/students/:student/rejoin') f.rejoinToken = new URL((r.body as RejoinLink).url).searchParams.get('token') ?? (r.body as RejoinLink).url.split('/').pop() ?? '';
      }
    });
  }

  test('the refused attacks changed nothing: no "intruder" account, one class made (by its instructor)', async () => {
    const users = await who.admin.expect<{ users: StaffView[] }>(200, 'GET', '/api/admin/users');
    assert.ok(!users.users.some((u) => u.username === 'intruder'), 'a refused POST /api/admin/users created an account');
    const mine = await who.inst1.expect<{ classes: { name: string }[] }>(200, 'GET', '/api/classes');
    assert.equal(mine.classes.filter((c) => c.name === 'made by the test').length, 1, 'exactly the instructor’s own POST made a class');
  });

  test('an instructor sees only their classes; the admin sees all', async () => {
    const one = await who.inst1.expect<{ classes: { id: string }[] }>(200, 'GET', '/api/classes');
    const two = await who.inst2.expect<{ classes: { id: string }[] }>(200, 'GET', '/api/classes');
    const all = await who.admin.expect<{ classes: { id: string }[] }>(200, 'GET', '/api/classes');
    assert.ok(one.classes.some((c) => c.id === f.c1.id) && !one.classes.some((c) => c.id === f.c2.id));
    assert.ok(two.classes.some((c) => c.id === f.c2.id) && !two.classes.some((c) => c.id === f.c1.id));
    assert.ok(all.classes.some((c) => c.id === f.c1.id) && all.classes.some((c) => c.id === f.c2.id));
  });

  test('a class’s instructor cannot reach a student of another class through their own class', async () => {
    for (const path of [`${c1(f)}/students/${f.b.studentId}`, `${c1(f)}/recordings?student=${f.b.studentId}`]) {
      const r = await who.inst1.call('GET', path);
      if (path.includes('recordings')) {
        assert.ok(REFUSED.includes(r.status) || (r.status === 200 && (r.body as RecordingList).recordings.length === 0), `${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      } else assert.ok(REFUSED.includes(r.status), `${path} answered ${r.status}`);
    }
    for (const [method, path, body] of [
      ['POST', `${c1(f)}/students/${f.b.studentId}/rejoin`, undefined],
      ['POST', `${c1(f)}/hands/${f.b.studentId}/resolve`, undefined],
      ['POST', `${c1(f)}/students/${f.b.studentId}/reset`, { sessionId: f.sessionB.id, node: 'node1' }],
    ] as const) {
      const r = await who.inst1.call(method, path, body);
      assert.ok(REFUSED.includes(r.status), `${method} ${path} answered ${r.status}`);
    }
    const grid = await who.inst1.expect<Grid>(200, 'GET', `${c1(f)}/grid`);
    assert.ok(!grid.students.some((s) => s.id === f.b.studentId || s.displayName === 'Bob'), 'class one’s grid lists a student of class two');
  });

  test('a student cannot see another student’s session, progress or terminal socket', async () => {
    for (const w of ['peer', 'studentB', 'inst2'] as const) {
      for (const path of [`/api/sessions/${f.sessionA.id}`, `/api/sessions/${f.sessionA.id}/lesson`]) {
        const r = await as(w).call('GET', path);
        assert.ok(REFUSED.includes(r.status), `${path} as ${w}: ${r.status}`);
      }
      const checkR = await as(w).call('POST', `/api/sessions/${f.sessionA.id}/lesson/steps/1/check`, {});
      assert.ok(REFUSED.includes(checkR.status), `check of Alice’s step as ${w}: ${checkR.status}`);
      const mine = await as(w).call<{ sessions: { id: string }[] }>('GET', '/api/me/sessions');
      assert.ok(!JSON.stringify(mine.body ?? '').includes(f.sessionA.id), `${w}'s /api/me/sessions lists Alice’s session`);
    }
    for (const w of ['anon', 'peer', 'studentB', 'inst1', 'inst2'] as const) {
      const c = as(w);
      for (const path of [`/ws/terminals/${f.termA}`, `/ws/sessions/${f.sessionA.id}/events`]) {
        const r = await upgradeStatus(c.wsUrl(path), c.upgradeHeaders());
        assert.ok(REFUSED.includes(r.status), `${path} as ${w}: ${r.status}`);
      }
    }
  });

  test('anyone’s routes: me, setup only once, sign-in, join preview, join, rejoin, my sessions', async () => {
    const anon = new ClassroomClient(base);
    const me = await anon.expect<{ staff: unknown; setupNeeded: boolean; memberships: unknown[] }>(200, 'GET', '/api/auth/me');
    assert.equal(me.staff, null);
    assert.equal(me.setupNeeded, false);
    assert.deepEqual(me.memberships, []);
    const meA = await who.studentA.expect<{ memberships: MemberView[] }>(200, 'GET', '/api/auth/me');
    assert.deepEqual(meA.memberships.map((m) => m.classId), [f.c1.id]);
    for (const w of ['anon', 'studentA', 'inst1', 'admin'] as const) {
      const r = await as(w).call('POST', '/api/auth/setup', { username: 'second-admin', password: 'second-admin-pw' });
      assert.equal(r.status, 409, `setup after the admin exists, as ${w}: ${r.status}`);
    }
    assert.equal((await anon.call('POST', '/api/auth/sign-in', { username: 'inst-one', password: 'not the password' })).status, 401);
    assert.equal((await anon.call('POST', '/api/auth/sign-in', { username: 'inst-one', password: INSTRUCTOR_PASSWORD }, { origin: EVIL_ORIGIN })).status, 403, 'sign-in from another site');
    assert.equal((await anon.call('GET', `/api/join/${f.c1.joinCode}`)).status, 200);
    assert.equal((await anon.call('POST', '/api/join', { code: f.c1.joinCode, displayName: 'Cross' }, { origin: EVIL_ORIGIN })).status, 403, 'join from another site');
    const r = await new ClassroomClient(base).call('POST', '/api/rejoin', { token: 'not-a-token' });
    assert.ok(r.status >= 400 && r.status < 500, `a made-up rejoin token answered ${r.status}`);
    assert.ok(f.rejoinToken, 'the rejoin link case ran first and gave a token');
    const other = new ClassroomClient(base);
    assert.equal((await other.call('POST', '/api/rejoin', { token: f.rejoinToken }, { origin: EVIL_ORIGIN })).status, 403, 'rejoin from another site');
    const moved = await other.expect<MemberView>(200, 'POST', '/api/rejoin', { token: f.rejoinToken });
    assert.equal(moved.studentId, f.peer.studentId, 'the rejoin link makes the new browser that student');
    assert.equal((await other.call('GET', `/api/me/classes/${f.c1.id}`)).status, 200);
    assert.equal((await anon.call<{ sessions: unknown[] }>('GET', '/api/me/sessions')).status, 200);
  });

  test('POST /api/auth/password is staff-only (S): refused to anon and a student', async () => {
    for (const w of ['anon', 'studentA'] as const) {
      const r = await as(w).call('POST', '/api/auth/password', { current: INSTRUCTOR_PASSWORD, next: 'a-new-password-1' });
      assert.ok(REFUSED.includes(r.status), `password change as ${w}: ${r.status}`);
    }
  });

  test('POST /api/auth/sign-out (anyone, idempotent): 204 and nothing changed for a non-staff caller; 403 cross-site', async () => {
    for (const w of ['anon', 'studentA'] as const) {
      assert.equal((await as(w).call('POST', '/api/auth/sign-out', undefined, { origin: EVIL_ORIGIN })).status, 403, `a cross-site sign-out as ${w}`);
      assert.equal((await as(w).call('POST', '/api/auth/sign-out')).status, 204, `sign-out as ${w}`);
    }
    assert.equal((await who.studentA.call('GET', `/api/me/classes/${f.c1.id}`)).status, 200, 'a student’s sign-out cost them their class');
    assert.equal((await who.inst1.call('GET', `/api/classes/${f.c1.id}`)).status, 200, 'someone else’s sign-out signed the instructor out');
  });

  test('sign-out ends the sign-in; a password change ends the other sign-ins; both refused cross-site', async () => {
    const tab = await signIn(base, 'inst-one', INSTRUCTOR_PASSWORD);
    assert.equal((await tab.call('POST', '/api/auth/sign-out', undefined, { origin: EVIL_ORIGIN })).status, 403);
    assert.equal((await tab.call('GET', '/api/classes')).status, 200, 'a cross-site sign-out did not sign out');
    const stolen = tab.copy();
    assert.equal((await tab.call('POST', '/api/auth/sign-out')).status, 204);
    assert.ok(!tab.jar.has('pier_staff'), `sign-out did not clear the staff cookie: ${tab.setCookies.at(-1) ?? 'no Set-Cookie'}`);
    assert.equal((await stolen.call('GET', '/api/classes')).status, 401, 'the signed-out cookie still works');

    await who.admin.expect(201, 'POST', '/api/admin/users', { username: 'pw-change', password: INSTRUCTOR_PASSWORD });
    const one = await signIn(base, 'pw-change', INSTRUCTOR_PASSWORD);
    const two = await signIn(base, 'pw-change', INSTRUCTOR_PASSWORD);
    assert.equal((await one.call('POST', '/api/auth/password', { current: INSTRUCTOR_PASSWORD, next: 'changed-password-1' }, { origin: EVIL_ORIGIN })).status, 403);
    assert.equal((await one.call('POST', '/api/auth/password', { current: 'wrong-current-pw', next: 'changed-password-1' })).status, 401);
    assert.equal((await one.call('POST', '/api/auth/password', { current: INSTRUCTOR_PASSWORD, next: 'changed-password-1' })).status, 204);
    assert.equal((await two.call('GET', '/api/classes')).status, 401, 'another sign-in survived the password change');
    assert.equal((await new ClassroomClient(base).call('POST', '/api/auth/sign-in', { username: 'pw-change', password: INSTRUCTOR_PASSWORD })).status, 401, 'the old password still works');
    await signIn(base, 'pw-change', 'changed-password-1');
  });

  test('a deleted account cannot sign in, and its sign-in ended', async () => {
    const r = await new ClassroomClient(base).call('POST', '/api/auth/sign-in', { username: 'spare-one', password: INSTRUCTOR_PASSWORD });
    assert.equal(r.status, 401, 'the deleted (disabled) account still signs in');
    assert.equal((await spareTab.call('GET', '/api/classes')).status, 401, 'the deleted account’s sign-in goes on');
  });

  test('the dashboard socket: refused to the wrong people and cross-site, a grid first for the right ones', async () => {
    const path = `/ws/classes/${f.c1.id}/events`;
    for (const w of I_WRONG) {
      const c = as(w);
      const r = await upgradeStatus(c.wsUrl(path), c.upgradeHeaders());
      assert.ok(REFUSED.includes(r.status), `${path} as ${w}: ${r.status}`);
    }
    const cross = await upgradeStatus(who.inst1.wsUrl(path), who.inst1.upgradeHeaders(EVIL_ORIGIN));
    assert.equal(cross.status, 403, 'the dashboard socket from another site');
    for (const w of ['inst1', 'admin'] as const) {
      const feed = await openDashboardFeed(who[w], f.c1.id);
      const first = await feed.waitFor((e) => e.type === 'grid');
      assert.equal(feed.events[0]?.event.type, 'grid');
      assert.ok(first.type === 'grid' && first.grid.students.some((s) => s.id === f.a.studentId));
      feed.close();
    }
  });

  test('the member socket: refused to the wrong people and cross-site, granted to the student', async () => {
    const path = `/ws/me/classes/${f.c1.id}/events`;
    for (const w of ['anon', 'studentB', 'inst2'] as const) {
      const c = as(w);
      const r = await upgradeStatus(c.wsUrl(path), c.upgradeHeaders());
      assert.ok(REFUSED.includes(r.status), `${path} as ${w}: ${r.status}`);
    }
    assert.equal((await upgradeStatus(who.studentA.wsUrl(path), who.studentA.upgradeHeaders(EVIL_ORIGIN))).status, 403);
    assert.equal((await upgradeStatus(who.studentA.wsUrl(path), who.studentA.upgradeHeaders())).status, 101);
  });

  test('watching a terminal: refused to the wrong people, to a mismatched class and cross-site; watch cannot type, join can', async () => {
    for (const mode of ['watch', 'join']) {
      const path = `/ws/classes/${f.c1.id}/terminals/${f.termA}?mode=${mode}`;
      for (const w of I_WRONG) {
        const c = as(w);
        const r = await upgradeStatus(c.wsUrl(path), c.upgradeHeaders());
        assert.ok(REFUSED.includes(r.status), `${path} as ${w}: ${r.status}`);
      }
      assert.equal((await upgradeStatus(who.inst1.wsUrl(path), who.inst1.upgradeHeaders(EVIL_ORIGIN))).status, 403, `${mode} from another site`);
      // Another class's terminal through one's own class, and one's terminal through another class.
      const wrongClass = [
        [who.inst1, `/ws/classes/${f.c1.id}/terminals/${f.termB}?mode=${mode}`],
        [who.inst2, `/ws/classes/${f.c2.id}/terminals/${f.termA}?mode=${mode}`],
      ] as const;
      for (const [c, p] of wrongClass) assert.ok(REFUSED.includes((await upgradeStatus(c.wsUrl(p), c.upgradeHeaders())).status), `${p} was not refused`);
    }
    const watch = await openTerminal(who.inst1, `/ws/classes/${f.c1.id}/terminals/${f.termA}?mode=watch`);
    await watch.waitFor(/alice-21/);
    watch.conn.input('touch /root/typed-by-watcher\r');
    // A read-only socket's keys never reach the shell: no echo of them in the watcher's own stream.
    await assert.rejects(watch.waitFor(/typed-by-watcher/, 1500), /never showed/);
    const own = await openTerminal(who.studentA, `/ws/terminals/${f.termA}`);
    own.conn.input('ls /root/typed-by-watcher 2>&1; echo "@@w-$((1+1))@@"\r');
    await own.waitFor(/@@w-2@@/);
    assert.match(own.text(), /No such file/, 'a read-only watcher typed into the student’s shell');
    const join = await openTerminal(who.inst1, `/ws/classes/${f.c1.id}/terminals/${f.termA}?mode=join`);
    join.conn.input('echo joined-$((40+2))\r');
    await own.waitFor(/joined-42/);
    await Promise.all([watch.conn.close(), join.conn.close(), own.conn.close()]);
  });

  test("the admin's read-only terminal: refused to everyone else and cross-site; the admin's keys never reach the shell", async () => {
    const path = `/ws/admin/terminals/${f.termA}`;
    for (const w of ['anon', 'studentA', 'peer', 'inst1', 'inst2'] as const) {
      const c = as(w);
      const r = await upgradeStatus(c.wsUrl(path), c.upgradeHeaders());
      assert.ok(REFUSED.includes(r.status), `${path} as ${w}: ${r.status}`);
    }
    assert.equal((await upgradeStatus(who.admin.wsUrl(path), who.admin.upgradeHeaders(EVIL_ORIGIN))).status, 403);
    const watch = await openTerminal(who.admin, path);
    watch.conn.input('touch /root/typed-by-admin\r');
    await assert.rejects(watch.waitFor(/typed-by-admin/, 1500), /never showed/);
    const own = await openTerminal(who.studentA, `/ws/terminals/${f.termA}`);
    own.conn.input('ls /root/typed-by-admin 2>&1; echo "@@a-$((2+1))@@"\r');
    await own.waitFor(/@@a-3@@/);
    assert.match(own.text(), /No such file/, 'a read-only admin typed into the student’s shell');
    await watch.waitFor(/@@a-3@@/);
    await Promise.all([watch.conn.close(), own.conn.close()]);
  });

  test('a class whose watching needs a raised hand: refused (403) until the student raises it, and again once resolved', async () => {
    await who.inst2.expect(200, 'PUT', `/api/classes/${f.c2.id}`, { watchNeedsHelp: true });
    const path = `/ws/classes/${f.c2.id}/terminals/${f.termB}?mode=watch`;
    const status = async () => (await upgradeStatus(who.inst2.wsUrl(path), who.inst2.upgradeHeaders())).status;
    assert.equal(await status(), 403, 'watching without a raised hand');
    await who.studentB.expect(200, 'POST', `/api/me/classes/${f.c2.id}/hand`, { message: 'please look' });
    assert.equal(await status(), 101, 'watching with the hand raised');
    await who.inst2.expect(204, 'POST', `/api/classes/${f.c2.id}/hands/${f.b.studentId}/resolve`);
    assert.equal(await status(), 403, 'watching after the hand was resolved');
  });

  test('a display name that looks like a spreadsheet formula is exported as text (CSV injection)', async () => {
    const formula = '=HYPERLINK("http://evil.example","x")';
    await joinClass(base, f.c1.joinCode, formula);
    const csv = await who.inst1.call<string>('GET', `${c1(f)}/results.csv?lang=en`);
    assert.equal(csv.status, 200);
    const names = parseCsv(String(csv.body)).map((r) => r[0] ?? '');
    assert.ok(names.some((n) => n.includes('HYPERLINK')), 'the student is not in the CSV');
    for (const n of names) assert.doesNotMatch(n, /^[=+\-@]/, `a CSV cell starts like a formula: ${n}`);
  });

  test('staff and owner cookies are httpOnly and SameSite', async () => {
    const tab = await signIn(base, 'inst-one', INSTRUCTOR_PASSWORD);
    const staff = tab.setCookies.find((l) => l.startsWith('pier_staff='));
    assert.ok(staff, `sign-in set no pier_staff cookie: ${tab.setCookies.join(' | ')}`);
    assert.match(staff, /;\s*HttpOnly/i);
    assert.match(staff, /;\s*SameSite=(Lax|Strict)/i);
    const { client } = await joinClass(base, f.c1.joinCode, 'Cookie Check');
    const owner = client.setCookies.find((l) => l.startsWith('pier_owner='));
    assert.ok(owner, 'joining set no pier_owner cookie');
    assert.match(owner, /;\s*HttpOnly/i);
    assert.match(owner, /;\s*SameSite=(Lax|Strict)/i);
    assert.notEqual(staff.split(';')[0]!.split('=')[1], owner.split(';')[0]!.split('=')[1]);
  });
});
