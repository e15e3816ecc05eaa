// One simulated student of `pier bench class`, at a human pace over the real API and
// terminal socket: joins with the code, starts the class's lesson, waits for it to be ready,
// and for each step thinks, sometimes checks too early (a failed attempt), types the step's
// command key by key, and checks; each check answer is timed to the dashboard's `cell`.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionView } from '../../protocol/http.js';
import type { CheckResult, LessonState } from '../../protocol/lesson.js';
import type { MemberView } from '../../protocol/classroom.js';
import { ClassroomClient } from './class-client.js';
import { BenchTerminal } from './terminal-fleet.js';

/** The lesson every simulated student takes, and what passes its steps (typed as a student would). */
export const BENCH_LESSON = '01-containers-vs-vms';
export const BENCH_STEPS: readonly { step: number; command: string }[] = [
  { step: 1, command: 'mkdir -p /root/answers && uname -r > /root/answers/kernel' },
  { step: 2, command: 'ps -p 1 -o comm= > /root/answers/pid1' },
];
/** A key about every this many ms (± KEY_JITTER of it): a quick typist. */
export const KEY_MS = 110;
export const KEY_JITTER = 0.5;
/** Reading a step before typing, and looking at the result before checking (ms, uniform). */
export const THINK_MS: readonly [number, number] = [2000, 6000];
export const GLANCE_MS: readonly [number, number] = [800, 2500];
/** Share of steps a student checks once before doing the work (a failed attempt). */
export const EARLY_CHECK_SHARE = 0.3;
/** A dashboard cell not seen this long after its check's answer counts as an error (ms). */
export const CELL_TIMEOUT_MS = 10_000;
/** How long a class session may take to be ready (setup and all) (ms). */
export const READY_TIMEOUT_MS = 120_000;

/** One check, timed: sent at `sentAt`, its answer arrived at `answeredAt`; the dashboard's cell at `cellAt` (null: never). */
export interface TimedCheck {
  passed: boolean;
  sentAt: number;
  answeredAt: number;
  cellAt: number | null;
}

/** The dashboard's `cell` events as they arrive: `waitCell` finds one or waits for it. */
export interface CellBoard {
  /** Resolves with the arrival time of the first cell of (student, step) satisfying `match`, or null after `timeoutMs`. */
  waitCell(studentId: string, step: number, match: (status: string, attempts: number) => boolean, timeoutMs: number): Promise<number | null>;
}

/** What a student did, for the report. */
export interface StudentRun {
  checks: TimedCheck[];
  errors: string[];
  sessionId: string | null;
  /** Join → lesson ready (ms). */
  readyMs: number | null;
}

const between = ([lo, hi]: readonly [number, number]): number => lo + Math.random() * (hi - lo);

/**
 * Runs student `n` against `base` until both steps passed or something failed (recorded,
 * not thrown); `sessions` receives the session as soon as it exists, for cleanup.
 */
export async function runStudent(
  base: string,
  n: number,
  joinCode: string,
  classId: string,
  board: CellBoard,
  signal: AbortSignal,
  onSession: (client: ClassroomClient, id: string) => void,
): Promise<StudentRun> {
  const run: StudentRun = { checks: [], errors: [], sessionId: null, readyMs: null };
  const client = new ClassroomClient(base);
  let term: BenchTerminal | null = null;
  try {
    const joinedAt = performance.now();
    const name = n % 3 === 0 ? `학생 ${n}` : `student ${n}`;
    const member = await client.expect<MemberView>(201, 'POST', '/api/join', { code: joinCode, displayName: name });
    const session = await client.expect<SessionView>(201, 'POST', '/api/sessions', { lessonId: BENCH_LESSON, classId });
    run.sessionId = session.id;
    onSession(client, session.id);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const state = await client.expect<LessonState>(200, 'GET', `/api/sessions/${session.id}/lesson`);
      if (state.phase === 'ready') break;
      if (state.phase === 'failed') throw new Error(`the lesson's setup failed: ${state.message}`);
      if (Date.now() > deadline) throw new Error(`the lesson was not ready within ${READY_TIMEOUT_MS} ms`);
      await sleep(500, undefined, { signal });
    }
    const terminalId = session.nodes[0]?.terminals[0]?.id;
    if (!terminalId) throw new Error('the session has no terminal');
    term = await BenchTerminal.open(client, terminalId, signal);
    await term.firstPrompt();
    run.readyMs = performance.now() - joinedAt;

    let failures = 0;
    for (const { step, command } of BENCH_STEPS) {
      await sleep(between(THINK_MS), undefined, { signal });
      if (Math.random() < EARLY_CHECK_SHARE) {
        const early = await timedCheck(client, session.id, step, board, member.studentId, (status, attempts) => status !== 'passed' && attempts >= failures + 1);
        if (early.passed) throw new Error(`step ${step} passed before its command was typed`);
        failures++;
        run.checks.push(early);
        if (early.cellAt === null) run.errors.push(`no dashboard cell within ${CELL_TIMEOUT_MS} ms after a failed check of step ${step}`);
        await sleep(between(GLANCE_MS), undefined, { signal });
      }
      for (const key of command) {
        term.conn.input(key);
        await sleep(KEY_MS * (1 - KEY_JITTER + 2 * KEY_JITTER * Math.random()), undefined, { signal });
      }
      await term.run('', 30_000);
      await sleep(between(GLANCE_MS), undefined, { signal });
      const result = await timedCheck(client, session.id, step, board, member.studentId, (status) => status === 'passed');
      run.checks.push(result);
      if (!result.passed) throw new Error(`step ${step} did not pass after its command`);
      if (result.cellAt === null) run.errors.push(`no dashboard cell within ${CELL_TIMEOUT_MS} ms after step ${step} passed`);
      failures = 0;
    }
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    run.errors.push((err as Error).message);
  } finally {
    await term?.conn.close().catch(() => undefined);
  }
  return run;
}

/** POST …/check and the time from its answer to the dashboard cell it causes. */
async function timedCheck(
  client: ClassroomClient,
  sessionId: string,
  step: number,
  board: CellBoard,
  studentId: string,
  match: (status: string, attempts: number) => boolean,
): Promise<TimedCheck> {
  const cell = board.waitCell(studentId, step, match, CELL_TIMEOUT_MS + 120_000);
  const sentAt = performance.now();
  const result = await client.expect<CheckResult>(200, 'POST', `/api/sessions/${sessionId}/lesson/steps/${step}/check`, {});
  const answeredAt = performance.now();
  const cellAt = await Promise.race([cell, sleep(CELL_TIMEOUT_MS, null)]);
  return { passed: result.passed, sentAt, answeredAt, cellAt };
}
