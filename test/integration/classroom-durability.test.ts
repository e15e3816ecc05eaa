// What the classroom acknowledged survives a crash: the server (its own process) is killed
// with SIGKILL right after a join, right after a check passes (and one fails), and right
// after a hand is raised; after each restart the roster, the progress with its attempts and
// the open help request are there, for the instructor and for the student.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionView } from '../../protocol/http.js';
import type { ClassView, Grid, MemberView, StudentClassView } from '../../protocol/classroom.js';
import { freePort } from '../../e2e/helpers/server.js';
import { rootSuite } from '../helpers/root.js';
import { sandboxesOfSession, withTimeout } from '../helpers/playground.js';
import {
  ADMIN_PASSWORD,
  ClassroomClient,
  LESSON_A,
  LESSON_A_COMMANDS,
  check,
  createClass,
  firstTerminal,
  joinClass,
  runInTerminal,
  setupAdmin,
  signIn,
  startClassSession,
} from '../../e2e/helpers/classroom.js';

const CHILD = fileURLToPath(new URL('../helpers/server-child.ts', import.meta.url));

/** Starts the server process; resolves once it prints "ready". */
async function startChild(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^ready /m.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    }),
    60_000,
    'the server did not start',
  );
  return child;
}

/** SIGKILL (a crash: no handler runs) and wait for the exit. */
async function crash(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGKILL');
  await exited;
}

describe('classroom durability (acceptance 3)', { ...rootSuite(), timeout: 6 * 60_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-classroom-durability-'));
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let base = '';
  let klass: ClassView;
  let student: ClassroomClient;
  let member: MemberView;
  let session: SessionView;

  /** The instructor after a restart (signing in again if the sign-in did not survive: not what this test is about). */
  let signedIn: ClassroomClient | null = null;
  const staff = async (): Promise<ClassroomClient> => {
    if (signedIn && (await signedIn.call('GET', `/api/classes/${klass.id}`)).status === 200) return signedIn;
    signedIn = await signIn(base, 'admin', ADMIN_PASSWORD);
    return signedIn;
  };
  const restart = async (): Promise<void> => {
    await crash(child!);
    child = await startChild(env);
  };
  const studentRow = async (): Promise<Grid['students'][number] | undefined> => {
    const grid = await (await staff()).expect<Grid>(200, 'GET', `/api/classes/${klass.id}/grid`);
    return grid.students.find((s) => s.id === member.studentId);
  };

  after(async () => {
    if (child && session) await student.call('DELETE', `/api/sessions/${session.id}`).catch(() => undefined);
    if (child) await crash(child);
    if (session) {
      // A last clean start adopts and ends nothing of ours twice; the session was ended above.
      assert.deepEqual(await sandboxesOfSession(session.id), [], 'sandboxes of the test session left');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('a join acknowledged is on the roster after SIGKILL', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...process.env, PIER_DATABASE: path.join(dir, 'pier.db'), PIER_PORT: String(port), PIER_HOST: '127.0.0.1', PIER_LOG_LEVEL: 'error' };
    child = await startChild(env);
    const admin = await setupAdmin(base);
    signedIn = admin.client;
    klass = await createClass(admin.client, 'Durable class', [LESSON_A]);
    const joined = await joinClass(base, klass.joinCode, '김민준');
    [student, member] = [joined.client, joined.member];
    await restart();

    const row = await studentRow();
    assert.ok(row, 'the student who joined is not on the roster after the crash');
    assert.equal(row.displayName, '김민준');
    const mine = await student.expect<StudentClassView>(200, 'GET', `/api/me/classes/${klass.id}`);
    assert.equal(mine.studentId, member.studentId, 'the browser is no longer that student');
  });

  test('a check acknowledged (one failed, then passed) is in the grid after SIGKILL', async () => {
    session = await startClassSession(student, klass.id, LESSON_A);
    const failed = await check(student, session.id, 1);
    assert.equal(failed.passed, false, 'step 1 passed before the student did anything');
    await runInTerminal(student, firstTerminal(session), LESSON_A_COMMANDS[1]!);
    const passed = await check(student, session.id, 1);
    assert.equal(passed.passed, true, `step 1 did not pass: ${passed.failures.join(' ')}`);
    await restart();

    const cell = (await studentRow())?.cells.find((c) => c.lessonId === LESSON_A && c.step === 1);
    assert.ok(cell, 'no cell for step 1 after the crash');
    assert.equal(cell.status, 'passed');
    assert.equal(cell.attempts, 1, 'the failed attempt was lost');
    assert.ok(cell.passedAt, 'no first-passed time');
    const state = await student.expect<{ passed: number[] }>(200, 'GET', `/api/sessions/${session.id}/lesson`);
    assert.ok(state.passed.includes(1), 'the student’s own lesson state lost the pass');
    const view = await student.expect<StudentClassView>(200, 'GET', `/api/me/classes/${klass.id}`);
    assert.equal(view.lessons.find((l) => l.id === LESSON_A)?.passed, 1);
  });

  test('a raised hand acknowledged is still open after SIGKILL', async () => {
    await student.expect(200, 'POST', `/api/me/classes/${klass.id}/hand`, { message: '도와주세요 help', lessonId: LESSON_A, step: 2 });
    await restart();

    const row = await studentRow();
    assert.ok(row?.hand, 'the open help request is gone after the crash');
    assert.equal(row.hand.message, '도와주세요 help');
    assert.equal(row.hand.step, 2);
    const view = await student.expect<StudentClassView>(200, 'GET', `/api/me/classes/${klass.id}`);
    assert.ok(view.hand, 'the student no longer sees their raised hand');
    // And a resolution is durable too: resolved, crashed, still resolved.
    await (await staff()).expect(204, 'POST', `/api/classes/${klass.id}/hands/${member.studentId}/resolve`);
    await restart();
    assert.equal((await studentRow())?.hand, null, 'a resolved hand came back after the crash');
  });
});
