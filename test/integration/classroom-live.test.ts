// The classroom's live parts against a real server and real sandboxes: the instructor's
// dashboard feed (a `cell` within a second of a passing check), watching a student's
// terminal (read-only: the watcher's keys do nothing) and joining it (typing into the
// student's shell), the `watchers` banner events, an announcement on both student feeds,
// hand raise and resolve (and watchNeedsHelp), the terminal recording replaying what was
// typed as a valid asciicast v2 file, and the class actions (extend-all, reset, end-all).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { SessionEvent, type SessionView, type TerminalView } from '../../protocol/http.js';
import type { Announcement, ClassEvent, ClassView, HandView, MemberView, RecordingList, RecordingView } from '../../protocol/classroom.js';
import { FeedClient, openDashboardFeed, openMemberFeed } from '../../cli/bench/class-client.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { rootSuite } from '../helpers/root.js';
import { sandboxesOfSession, testConfig, upgradeStatus } from '../helpers/playground.js';
import {
  ClassroomClient,
  LESSON_A,
  LESSON_A_COMMANDS,
  addInstructor,
  check,
  createClass,
  firstTerminal,
  joinClass,
  openTerminal,
  setupAdmin,
  startClassSession,
  until,
} from '../../e2e/helpers/classroom.js';

/** The first event at or after index `from` of `feed` matching `match`. */
async function eventAfter<T extends { type: string }>(feed: FeedClient<T>, from: number, match: (e: T) => boolean, timeoutMs = 10_000): Promise<{ event: T; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = feed.events.slice(from).find((e) => match(e.event));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching event after #${from} within ${timeoutMs} ms; got ${feed.events.map((e) => e.event.type).join(', ')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('classroom live', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let base: string;
  let instructor: ClassroomClient;
  let cls: ClassView;
  let student: { client: ClassroomClient; member: MemberView };
  let session: SessionView;
  let terminalId: string;
  let studentTerm: Awaited<ReturnType<typeof openTerminal>>;
  let dashboard: FeedClient<ClassEvent>;
  let events: FeedClient<SessionEvent>;

  before(async () => {
    const c = testConfig();
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    const admin = await setupAdmin(base);
    instructor = await addInstructor(admin.client, 'kim');
    cls = await createClass(instructor, 'live class', [LESSON_A]);
    student = await joinClass(base, cls.joinCode, '김민수');
    session = await startClassSession(student.client, cls.id, LESSON_A);
    terminalId = firstTerminal(session);
    studentTerm = await openTerminal(student.client, `/ws/terminals/${terminalId}`);
    events = await FeedClient.open(student.client, `/ws/sessions/${session.id}/events`, SessionEvent);
  });

  after(async () => {
    dashboard?.close();
    events?.close();
    await studentTerm?.conn.close();
    if (session) await student.client.call('DELETE', `/api/sessions/${session.id}`);
    await server?.close();
    cleanup?.();
    if (session) assert.deepEqual(await sandboxesOfSession(session.id), [], 'the session left sandboxes');
  });

  test('the dashboard gets the grid, then a `cell` within a second of a passing check', async () => {
    dashboard = await openDashboardFeed(instructor, cls.id);
    const first = await dashboard.waitFor((e) => e.type === 'grid');
    assert.equal(dashboard.events[0]?.event.type, 'grid', 'the grid comes first');
    const row = first.type === 'grid' ? first.grid.students.find((s) => s.id === student.member.studentId) : undefined;
    assert.ok(row, 'the student is on the grid');
    assert.equal(row.online, true, 'online: the student holds a terminal and an events socket');
    assert.ok(row.terminals.some((t) => t.id === terminalId), 'the row lists the student terminal');
    const n = Math.floor(Math.random() * 1e9);
    studentTerm.conn.input(`${LESSON_A_COMMANDS[1]}; echo "@@ok-$((${n}+1))@@"\r`);
    await studentTerm.waitFor(new RegExp(`@@ok-${n + 1}@@`));
    const from = dashboard.events.length;
    const asked = performance.now();
    const result = await check(student.client, session.id, 1);
    const answered = performance.now();
    assert.equal(result.passed, true, JSON.stringify(result));
    const cell = await eventAfter(dashboard, from, (e) => e.type === 'cell' && e.studentId === student.member.studentId && e.cell.step === 1 && e.cell.status === 'passed');
    const afterAnswer = cell.at - answered;
    console.log(`# check POST → cell event ${(cell.at - asked).toFixed(0)} ms (check ran ${(answered - asked).toFixed(0)} ms; cell ${afterAnswer.toFixed(0)} ms after the answer)`);
    assert.ok(afterAnswer < 1000, `cell ${afterAnswer} ms after the check answered`);
    // A new tab of the student shows on their row as soon as it is opened.
    const fromTab = dashboard.events.length;
    const tab = await student.client.expect<TerminalView>(201, 'POST', `/api/sessions/${session.id}/nodes/node1/terminals`, {});
    const tabSocket = await openTerminal(student.client, `/ws/terminals/${tab.id}`);
    await eventAfter(dashboard, fromTab, (e) => e.type === 'student' && e.student.id === student.member.studentId && e.student.terminals.some((t) => t.id === tab.id), 2000);
    await tabSocket.conn.close();
  });

  test('watch: the instructor sees what the student types; their keys do nothing; the student gets `watchers`, then []', async () => {
    const from = events.events.length;
    const watch = await openTerminal(instructor, `/ws/classes/${cls.id}/terminals/${terminalId}?mode=watch`);
    const errors: string[] = [];
    const prior = watch.conn.onControl;
    watch.conn.onControl = (m) => {
      prior?.(m);
      if (m.type === 'error') errors.push(m.code);
    };
    const on = await eventAfter(events, from, (e) => e.type === 'watchers' && e.watchers.length > 0);
    assert.deepEqual(on.event.type === 'watchers' && on.event.watchers, [{ name: 'kim', mode: 'watch', terminalId }]);
    studentTerm.conn.input('echo "watched-$((40+2))"\r');
    await watch.waitFor(/watched-42/);
    watch.conn.input('touch /tmp/watcher-was-here\r');
    await until('the READ_ONLY answer', async () => errors, (e) => e.includes('READ_ONLY'), 5000);
    studentTerm.conn.input('test -e /tmp/watcher-was-here && echo "present-$((1+1))" || echo "absent-$((1+1))"\r');
    await studentTerm.waitFor(/absent-2/);
    assert.doesNotMatch(studentTerm.text(), /present-2/);
    const left = events.events.length;
    await watch.conn.close();
    const off = await eventAfter(events, left, (e) => e.type === 'watchers');
    assert.deepEqual(off.event.type === 'watchers' && off.event.watchers, []);
  });

  test('join: the instructor types into the student shell; the banner says join', async () => {
    const from = events.events.length;
    const join = await openTerminal(instructor, `/ws/classes/${cls.id}/terminals/${terminalId}?mode=join`);
    const on = await eventAfter(events, from, (e) => e.type === 'watchers' && e.watchers.length > 0);
    assert.deepEqual(on.event.type === 'watchers' && on.event.watchers, [{ name: 'kim', mode: 'join', terminalId }]);
    join.conn.input('echo "joined-$((2+3))"\r');
    await studentTerm.waitFor(/joined-5/);
    // A second events socket opened while someone is on the terminal learns it at once (a reload keeps the banner).
    const again = await FeedClient.open(student.client, `/ws/sessions/${session.id}/events`, SessionEvent);
    const seen = await again.waitFor((e) => e.type === 'watchers');
    assert.ok(seen.type === 'watchers' && seen.watchers[0]?.mode === 'join');
    again.close();
    await join.conn.close();
    await eventAfter(events, events.events.length - 1, (e) => e.type === 'watchers' && e.watchers.length === 0);
  });

  test('an announcement is stored, then reaches the dashboard, the member feed and the session events', async () => {
    const member = await openMemberFeed(student.client, cls.id);
    const initial = await member.waitFor((e) => e.type === 'class');
    assert.equal(member.events[0]?.event.type, 'class', 'the member feed starts with the class view');
    assert.ok(initial.type === 'class' && initial.view.studentId === student.member.studentId);
    const fromEvents = events.events.length;
    const fromDash = dashboard.events.length;
    const text = '<b>쉬는 시간</b> 5 minutes';
    const made = await instructor.expect<Announcement>(201, 'POST', `/api/classes/${cls.id}/announcements`, { text });
    assert.equal(made.text, text);
    assert.equal(made.by, 'kim');
    const onMember = await member.waitFor((e) => e.type === 'announcement');
    assert.deepEqual(onMember.type === 'announcement' && onMember.announcement, made);
    const onSession = await eventAfter(events, fromEvents, (e) => e.type === 'announcement');
    assert.deepEqual(onSession.event.type === 'announcement' && onSession.event.announcement, made);
    await eventAfter(dashboard, fromDash, (e) => e.type === 'announcement' && e.announcement.id === made.id);
    const view = await student.client.expect<{ announcements: Announcement[] }>(200, 'GET', `/api/me/classes/${cls.id}`);
    assert.ok(view.announcements.some((a) => a.id === made.id), 'the announcement was stored');
    member.close();
  });

  test('hands: raised on the grid and to the student, resolved by the instructor; watchNeedsHelp asks for one', async () => {
    const member = await openMemberFeed(student.client, cls.id);
    const watchUrl = `${base.replace('http', 'ws')}/ws/classes/${cls.id}/terminals/${terminalId}?mode=watch`;
    await instructor.expect(200, 'PUT', `/api/classes/${cls.id}`, { watchNeedsHelp: true });
    assert.equal((await upgradeStatus(watchUrl, instructor.upgradeHeaders())).status, 403, 'no hand: no watching');
    const fromDash = dashboard.events.length;
    const hand = await student.client.expect<HandView>(200, 'POST', `/api/me/classes/${cls.id}/hand`, { message: 'stuck on step 2', lessonId: LESSON_A, step: 2 });
    assert.equal(hand.studentId, student.member.studentId);
    await eventAfter(dashboard, fromDash, (e) => e.type === 'student' && e.student.id === hand.studentId && e.student.hand?.message === 'stuck on step 2');
    const onMember = await member.waitFor((e) => e.type === 'hand' && e.hand !== null);
    assert.deepEqual(onMember.type === 'hand' && onMember.hand, hand);
    assert.equal((await upgradeStatus(watchUrl, instructor.upgradeHeaders())).status, 101, 'with the hand up, watching is allowed');
    const fromResolve = dashboard.events.length;
    await instructor.expect(204, 'POST', `/api/classes/${cls.id}/hands/${hand.studentId}/resolve`, {});
    await eventAfter(dashboard, fromResolve, (e) => e.type === 'student' && e.student.id === hand.studentId && e.student.hand === null);
    await member.waitFor((e) => e.type === 'hand' && e.hand === null);
    assert.equal((await upgradeStatus(watchUrl, instructor.upgradeHeaders())).status, 403, 'resolved: no watching again');
    await instructor.expect(200, 'PUT', `/api/classes/${cls.id}`, { watchNeedsHelp: false });
    member.close();
  });

  test("the terminal's recording replays the typed commands' output as asciicast v2", async () => {
    const mine = await student.client.expect<RecordingList>(200, 'GET', `/api/sessions/${session.id}/recordings`);
    const rec = mine.recordings.find((r) => r.terminalId === terminalId);
    assert.ok(rec, `a recording of ${terminalId}: ${JSON.stringify(mine)}`);
    const listed = await instructor.expect<RecordingList>(200, 'GET', `/api/classes/${cls.id}/recordings?student=${student.member.studentId}`);
    assert.ok(listed.recordings.some((r) => r.id === rec.id), 'the instructor lists it');
    assert.equal((await instructor.expect<RecordingView>(200, 'GET', `/api/recordings/${rec.id}`)).id, rec.id);
    const cast = await until(
      'the cast holds the joined command',
      async () => instructor.call<string>('GET', `/api/recordings/${rec.id}/cast?download=1`),
      (r) => typeof r.body === 'string' && r.body.includes('joined-5'),
      5000,
    );
    assert.equal(cast.status, 200);
    assert.equal(cast.headers.get('content-type'), 'application/x-asciicast');
    assert.match(cast.headers.get('content-disposition') ?? '', /^attachment; filename="pier-node1-[0-9a-f]{8}\.cast"$/);
    const [head, ...lines] = (cast.body as string).trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
    assert.ok(head && typeof head === 'object' && !Array.isArray(head));
    const h = head as Record<string, unknown>;
    assert.equal(h.version, 2);
    assert.ok(typeof h.width === 'number' && typeof h.height === 'number' && typeof h.timestamp === 'number');
    let last = 0;
    let output = '';
    for (const line of lines) {
      assert.ok(Array.isArray(line) && line.length === 3 && typeof line[0] === 'number' && (line[1] === 'o' || line[1] === 'r') && typeof line[2] === 'string', JSON.stringify(line));
      assert.ok(line[0] >= last, 'times never go back');
      last = line[0];
      if (line[1] === 'o') output += line[2];
    }
    // What the commands printed (the marker's arithmetic is only ever in the output).
    assert.match(output, /watched-42/);
    assert.match(output, /joined-5/);
    assert.match(output, /absent-2/);
    const own = await student.client.call<string>('GET', `/api/recordings/${rec.id}/cast`);
    assert.equal(own.status, 200);
    assert.equal(own.headers.get('content-disposition'), null);
  });

  test('class actions: extend-all by minutes, reset a student node (a fresh shell), end-all (the student goes offline)', async () => {
    const before = await student.client.expect<SessionView>(200, 'GET', `/api/sessions/${session.id}`);
    assert.deepEqual(await instructor.expect(200, 'POST', `/api/classes/${cls.id}/actions`, { action: 'extend-all', minutes: 10 }), { sessions: 1 });
    const extended = await student.client.expect<SessionView>(200, 'GET', `/api/sessions/${session.id}`);
    assert.equal(Date.parse(extended.expiresAt) - Date.parse(before.expiresAt), 10 * 60_000);

    studentTerm.conn.input('touch /root/before-reset && echo "touched-$((3+4))"\r');
    await studentTerm.waitFor(/touched-7/);
    await instructor.expect(204, 'POST', `/api/classes/${cls.id}/students/${student.member.studentId}/reset`, { sessionId: session.id, node: 'node1' });
    await studentTerm.conn.close();
    studentTerm = await openTerminal(student.client, `/ws/terminals/${terminalId}`);
    studentTerm.conn.input('test -e /root/before-reset && echo "kept-$((1+1))" || echo "fresh-$((1+1))"\r');
    await studentTerm.waitFor(/fresh-2/);
    const recs = await student.client.expect<RecordingList>(200, 'GET', `/api/sessions/${session.id}/recordings`);
    assert.ok(recs.recordings.filter((r) => r.terminalId === terminalId).length >= 2, 'the new shell has a recording of its own');

    const from = events.events.length;
    const fromDash = dashboard.events.length;
    assert.deepEqual(await instructor.expect(200, 'POST', `/api/classes/${cls.id}/actions`, { action: 'end-all' }), { sessions: 1 });
    await eventAfter(events, from, (e) => e.type === 'ended');
    assert.equal((await student.client.call('GET', `/api/sessions/${session.id}`)).status, 404);
    assert.deepEqual(await sandboxesOfSession(session.id), []);
    // The session's sockets closed with it: the student holds none and shows offline at once.
    await eventAfter(dashboard, fromDash, (e) => e.type === 'student' && e.student.id === student.member.studentId && !e.student.online);
  });
});
