// The classroom core's API against a real server (real SQLite file, real sandboxes): set-up,
// sign-in, a class, joining by code with a Korean name, a class lesson session whose failed
// check and pass show in the grid and the results CSV; and the limits: sign-in and
// join-code guessing rate limits, a member's session cap, openPlayground off.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ClassView, Grid, Me, MemberView, MySessions, Results, StaffView, StudentClassView, StudentHistory } from '../../protocol/classroom.js';
import type { SessionView } from '../../protocol/http.js';
import type { CheckResult } from '../../protocol/lesson.js';
import { ClassroomClient } from '../../cli/bench/class-client.js';
import { ClassroomEvents } from '../../server/classroom/events.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { writeLesson } from '../helpers/lesson-fixture.js';
import { rootSuite } from '../helpers/root.js';
import { TerminalClient, sandboxesOfSession, testConfig } from '../helpers/playground.js';

type ErrorBody = { error: { code: string; message: string } };
const ADMIN_PW = 'admin-password-core';
const INSTRUCTOR_PW = 'instructor-password-core';

describe('classroom API', rootSuite(), () => {
  let server: RunningServer;
  let base: string;
  let cleanup: () => void;
  let fixtures: string;
  let admin: ClassroomClient;
  let teacher: ClassroomClient;
  let student: ClassroomClient;
  let klass: ClassView;
  let member: MemberView;
  const sessions: { client: ClassroomClient; id: string }[] = [];
  const cellEvents: { studentId: string; status: string; attempts: number }[] = [];

  before(async () => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'pier-class-lessons-'));
    writeLesson(fixtures, 'class-one', 'title: Class one\ndescription: two steps\ntime: 1\nsteps:\n  - title: Make a file\n  - title: Second\n', {
      'step1.md': 'Run `touch /tmp/done`.',
      'step1.check.sh': '#!/bin/sh\n[ -f /tmp/done ] || { echo "no /tmp/done yet"; exit 1; }\n',
      'step1.solution.sh': '#!/bin/sh\ntouch /tmp/done\n',
      'step2.md': 'Nothing.',
      'step2.check.sh': '#!/bin/sh\nexit 1\n',
      'step2.solution.sh': '#!/bin/sh\ntrue\n',
    });
    writeLesson(fixtures, 'class-two', 'title: Class two\ndescription: one step\ntime: 1\nsteps:\n  - title: Only\n', { 'step1.md': 'Read.' });
    const c = testConfig({ lessonDirs: [fixtures] });
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    server.classroom.events.onCell((e) => cellEvents.push({ studentId: e.studentId, status: e.cell.status, attempts: e.cell.attempts }));
  });

  after(async () => {
    for (const { client, id } of sessions) await client.call('DELETE', `/api/sessions/${id}`);
    await server?.close();
    cleanup?.();
    rmSync(fixtures, { recursive: true, force: true });
    for (const { id } of sessions) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
  });

  test('set-up: needed on a fresh server, from another host only with the code, once', async () => {
    const anon = new ClassroomClient(base);
    const me = await anon.expect<Me>(200, 'GET', '/api/auth/me');
    assert.equal(me.setupNeeded, true);
    assert.equal(me.staff, null);
    assert.equal(me.openPlayground, true);
    // Through a reverse proxy (X-Forwarded-For) the request is not local: the code is needed.
    const proxied = await anon.call<ErrorBody>('POST', '/api/auth/setup', { username: 'head', password: ADMIN_PW }, { headers: { 'x-forwarded-for': '192.0.2.7' } });
    assert.equal(proxied.status, 403);
    assert.equal(proxied.body.error.code, 'SETUP_CODE_REQUIRED');
    const code = server.classroom.accounts.setupCode;
    assert.match(code ?? '', /^[A-Z0-9]{10}$/);
    admin = new ClassroomClient(base);
    const done = await admin.call<StaffView>('POST', '/api/auth/setup', { username: 'Head', password: ADMIN_PW, setupCode: code!.toLowerCase() }, { headers: { 'x-forwarded-for': '192.0.2.7' } });
    assert.equal(done.status, 201, JSON.stringify(done.body));
    const user = done.body;
    assert.equal(user.username, 'head');
    assert.equal(user.role, 'admin');
    const cookie = admin.setCookies.find((l) => l.startsWith('pier_staff='));
    assert.match(cookie ?? '', /^pier_staff=[0-9a-f]{32}\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    assert.equal((await admin.expect<Me>(200, 'GET', '/api/auth/me')).staff?.username, 'head');
    const again = await new ClassroomClient(base).call<ErrorBody>('POST', '/api/auth/setup', { username: 'other', password: ADMIN_PW });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'SETUP_DONE');
    assert.equal(server.classroom.accounts.setupCode, null);
  });

  test('the admin adds an instructor, who signs in; a wrong password is 401', async () => {
    await admin.expect(201, 'POST', '/api/admin/users', { username: 'teacher', password: INSTRUCTOR_PW });
    const taken = await admin.call<ErrorBody>('POST', '/api/admin/users', { username: 'teacher', password: INSTRUCTOR_PW });
    assert.equal(taken.body.error.code, 'USERNAME_TAKEN');
    teacher = new ClassroomClient(base);
    assert.equal((await teacher.call<ErrorBody>('POST', '/api/auth/sign-in', { username: 'teacher', password: 'not-the-password' })).status, 401);
    const me = await teacher.expect<StaffView>(200, 'POST', '/api/auth/sign-in', { username: 'teacher', password: INSTRUCTOR_PW });
    assert.equal(me.role, 'instructor');
    assert.equal((await teacher.call('GET', '/api/admin/users')).status, 403);
  });

  test('the instructor makes a class: limits clamped, a join code, a QR code', async () => {
    klass = await teacher.expect<ClassView>(201, 'POST', '/api/classes', {
      name: '컨테이너 1반',
      lessons: ['class-one', 'class-two'],
      limits: { memoryMiB: 65536, pids: 100 },
      sessionMinutes: 24 * 60,
      maxSessionsPerStudent: 1,
      stuckAttempts: 1,
      stuckMinutes: 1,
    });
    assert.match(klass.joinCode, /^[A-HJKMNP-Z]{3}-[A-HJKMNP-Z]{3}$/);
    assert.equal(klass.joinUrl, `${base}/join/${klass.joinCode}`);
    assert.match(klass.joinQrSvg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(klass.settings.limits.memoryMiB, Math.floor(server.classroom.classById(klass.id)!.settings.limits.memoryMiB!));
    assert.ok(klass.settings.limits.memoryMiB! < 65536, 'memory clamped to the server cap');
    assert.ok(klass.settings.sessionMinutes < 24 * 60, 'session length clamped to sessionMaxLifetime');
    assert.equal(klass.openNow, true);
    const unknown = await teacher.call<ErrorBody>('POST', '/api/classes', { name: 'x', lessons: ['no-such-lesson'] });
    assert.equal(unknown.status, 400);
    assert.equal((await admin.expect<{ classes: { id: string }[] }>(200, 'GET', '/api/classes')).classes.some((c) => c.id === klass.id), true);
  });

  test('a student joins by code (any case) with a Korean name; joining again is the same student', async () => {
    student = new ClassroomClient(base);
    const code = klass.joinCode.replace('-', '').toLowerCase();
    const preview = await student.expect<{ name: string; openNow: boolean }>(200, 'GET', `/api/join/${code}`);
    assert.equal(preview.name, '컨테이너 1반');
    member = await student.expect<MemberView>(201, 'POST', '/api/join', { code, displayName: '  김민준 ' });
    assert.equal(member.displayName, '김민준');
    const again = await student.expect<MemberView>(201, 'POST', '/api/join', { code: klass.joinCode, displayName: 'Someone else' });
    assert.equal(again.studentId, member.studentId);
    assert.equal(again.displayName, '김민준');
    const me = await student.expect<Me>(200, 'GET', '/api/auth/me');
    assert.deepEqual(me.memberships.map((m) => m.studentId), [member.studentId]);
    const view = await student.expect<StudentClassView>(200, 'GET', `/api/me/classes/${klass.id}?lang=ko`);
    assert.deepEqual(view.lessons.map((l) => [l.id, l.steps, l.passed, l.locked]), [['class-one', 2, 0, false], ['class-two', 1, 0, false]]);
    // Not the instructor's routes.
    assert.equal((await student.call('GET', `/api/classes/${klass.id}/grid`)).status, 404);
    assert.equal((await teacher.call('GET', `/api/me/classes/${klass.id}`)).status, 404);
  });

  test('a class session: a failed check then a pass show in the grid, the events and the CSV', async () => {
    const session = await student.expect<SessionView>(201, 'POST', '/api/sessions', { lessonId: 'class-one', classId: klass.id });
    sessions.push({ client: student, id: session.id });
    const node1 = session.nodes[0]!;
    assert.equal(node1.limits.pids, 100, 'the class limits apply');
    const mine = await student.expect<MySessions>(200, 'GET', '/api/me/sessions');
    assert.deepEqual(mine.sessions.map((s) => [s.id, s.classId]), [[session.id, klass.id]]);
    // The member's cap (1 in this class) and a lesson outside the class.
    const second = await student.call<ErrorBody>('POST', '/api/sessions', { lessonId: 'class-one', classId: klass.id });
    assert.equal(second.status, 429);
    assert.equal(second.body.error.code, 'TOO_MANY_SESSIONS');
    const outside = await student.call<ErrorBody>('POST', '/api/sessions', { lessonId: '01-containers-vs-vms', classId: klass.id });
    assert.equal(outside.body.error.code, 'LESSON_NOT_IN_CLASS');
    const stranger = await new ClassroomClient(base).call<ErrorBody>('POST', '/api/sessions', { lessonId: 'class-one', classId: klass.id });
    assert.equal(stranger.status, 404);

    for (let i = 0; i < 100 && (await student.expect<{ phase: string }>(200, 'GET', `/api/sessions/${session.id}/lesson`)).phase !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
    await student.expect(200, 'POST', `/api/sessions/${session.id}/lesson/steps/1/open`);
    const failed = await student.expect<CheckResult>(200, 'POST', `/api/sessions/${session.id}/lesson/steps/1/check`);
    assert.equal(failed.passed, false);
    let grid = await teacher.expect<Grid>(200, 'GET', `/api/classes/${klass.id}/grid`);
    let cell = grid.students[0]!.cells.find((c) => c.lessonId === 'class-one' && c.step === 1)!;
    assert.equal(cell.status, 'in-progress');
    assert.equal(cell.attempts, 1);
    assert.ok(cell.startedAt !== null);

    const term = await TerminalClient.open(student, node1.terminals[0]!.id);
    await term.run('touch /tmp/done');
    const passed = await student.expect<CheckResult>(200, 'POST', `/api/sessions/${session.id}/lesson/steps/1/check`);
    assert.equal(passed.passed, true);
    grid = await teacher.expect<Grid>(200, 'GET', `/api/classes/${klass.id}/grid?lang=ko`);
    const row = grid.students.find((s) => s.id === member.studentId)!;
    assert.equal(row.displayName, '김민준');
    assert.equal(row.online, true);
    assert.deepEqual(row.terminals.map((t) => t.sessionId), [session.id]);
    // Online while the student's browser holds a pier socket (here the terminal), then not.
    await term.close();
    for (let i = 0; i < 100 && (await teacher.expect<Grid>(200, 'GET', `/api/classes/${klass.id}/grid`)).students[0]!.online; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await teacher.expect<Grid>(200, 'GET', `/api/classes/${klass.id}/grid`)).students[0]!.online, false);
    cell = row.cells.find((c) => c.lessonId === 'class-one' && c.step === 1)!;
    assert.deepEqual([cell.status, cell.attempts, cell.stuck], ['passed', 1, false]);
    assert.ok(cell.passedAt !== null);
    assert.deepEqual(grid.lessons.map((l) => [l.id, l.steps.length]), [['class-one', 2], ['class-two', 1]]);
    // The live layer heard each change as it was stored: opened, failed, passed.
    assert.deepEqual(cellEvents.filter((e) => e.studentId === member.studentId).map((e) => `${e.status}/${e.attempts}`), ['in-progress/0', 'in-progress/1', 'passed/1']);

    const csv = await teacher.call<string>('GET', `/api/classes/${klass.id}/results.csv?lang=ko`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
    const text = csv.body as unknown as string;
    const lines = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    assert.equal(lines[0], '학생,레슨,단계,상태,처음 통과한 시각,시도 횟수,걸린 시간(초),풀이 보기 사용');
    assert.equal(lines.length, 4, text);
    assert.match(lines[1]!, /^김민준,class-one,1,passed,\d{4}-\d\d-\d\dT[^,]+,1,\d+,false$/);
    assert.equal(lines[2], '김민준,class-one,2,not-started,,0,0,false');
    const raw = Buffer.from(await (await fetch(`${base}/api/classes/${klass.id}/results.csv`, { headers: { cookie: teacher.cookie! } })).arrayBuffer());
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const results = await teacher.expect<Results>(200, 'GET', `/api/classes/${klass.id}/results.json`);
    assert.equal(results.rows.filter((r) => r.status === 'passed').length, 1);
    const history = await teacher.expect<StudentHistory>(200, 'GET', `/api/classes/${klass.id}/students/${member.studentId}`);
    assert.equal(history.rows[0]!.attempts, 1);
    assert.deepEqual(history.sessions.map((s) => s.id), [session.id]);
  });

  test('a rejoin link makes another browser that student', async () => {
    const link = await teacher.expect<{ url: string }>(200, 'POST', `/api/classes/${klass.id}/students/${member.studentId}/rejoin`);
    const token = new URL(link.url).searchParams.get('token')!;
    assert.match(token, /^[0-9a-f]{32}\.\d+\.[A-Za-z0-9_-]{43}$/);
    const other = new ClassroomClient(base);
    const moved = await other.expect<MemberView>(200, 'POST', '/api/rejoin', { token });
    assert.equal(moved.studentId, member.studentId);
    assert.equal((await other.expect<StudentClassView>(200, 'GET', `/api/me/classes/${klass.id}`)).lessons[0]!.passed, 1);
    assert.equal((await other.call<ErrorBody>('POST', '/api/rejoin', { token: token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })).status, 400);
  });

  test('sign-in is rate-limited per user name: 429 with Retry-After', async () => {
    const guesser = new ClassroomClient(base);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const r = await guesser.call('POST', '/api/auth/sign-in', { username: 'head', password: `guess-${i}-password` });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
    assert.ok(Number(retryAfter) >= 1, `Retry-After ${retryAfter}`);
    // The right password is throttled too while the bucket is empty: no oracle for a guesser.
    assert.equal((await guesser.call('POST', '/api/auth/sign-in', { username: 'head', password: ADMIN_PW })).status, 429);
  });

  test('join-code guessing is rate-limited per address; right codes cost nothing', async () => {
    const right = klass.joinCode;
    for (let i = 0; i < 15; i++) assert.equal((await new ClassroomClient(base).call('GET', `/api/join/${right}`)).status, 200);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 11; i++) {
      const r = await new ClassroomClient(base).call('GET', `/api/join/ZZZ-ZZ${'ABCDEFGHJKM'[i]}`);
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.deepEqual(statuses, [...Array(10).fill(404), 429]);
    assert.ok(Number(retryAfter) >= 1);
    assert.equal((await new ClassroomClient(base).call('POST', '/api/join', { code: 'ZZZ-ZZZ', displayName: 'x' })).status, 429);
  });

  test('password change ends the other sign-ins; disabling an account ends its sign-ins', async () => {
    const tab2 = new ClassroomClient(base);
    await tab2.expect(200, 'POST', '/api/auth/sign-in', { username: 'teacher', password: INSTRUCTOR_PW });
    await teacher.expect(204, 'POST', '/api/auth/password', { current: INSTRUCTOR_PW, next: 'new-instructor-pw' });
    assert.equal((await tab2.call('GET', '/api/classes')).status, 401);
    assert.equal((await teacher.call('GET', '/api/classes')).status, 200);
    const users = await admin.expect<{ users: StaffView[] }>(200, 'GET', '/api/admin/users');
    const teacherId = users.users.find((u) => u.username === 'teacher')!.id;
    await admin.expect(204, 'DELETE', `/api/admin/users/${teacherId}`);
    assert.equal((await teacher.call('GET', '/api/classes')).status, 401);
    await teacher.expect(204, 'POST', '/api/auth/sign-out');
    assert.ok(teacher.setCookies.at(-1)?.startsWith('pier_staff=; '), 'sign-out clears the staff cookie');
    // Idempotent: anyone may sign out (nothing happens without a sign-in).
    await new ClassroomClient(base).expect(204, 'POST', '/api/auth/sign-out');
    const adminTab = admin.copy();
    await adminTab.expect(204, 'POST', '/api/auth/sign-out');
    assert.equal((await admin.call('GET', '/api/classes')).status, 401, 'the signed-out cookie no longer works');
  });
});

describe('classroom API with openPlayground off', rootSuite(), () => {
  test('a free playground is refused with PLAYGROUND_CLOSED; me says so', async () => {
    const c = testConfig({ openPlayground: false });
    const server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    try {
      const anon = new ClassroomClient(`http://127.0.0.1:${server.port}`);
      const r = await anon.call<ErrorBody>('POST', '/api/sessions', {});
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'PLAYGROUND_CLOSED');
      assert.equal((await anon.expect<Me>(200, 'GET', '/api/auth/me')).openPlayground, false);
      assert.ok(server.classroom.events instanceof ClassroomEvents);
    } finally {
      await server.close();
      c.cleanup();
    }
  });
});
