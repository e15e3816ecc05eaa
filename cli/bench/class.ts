// `pier bench class`: one class of N simulated students (cli/bench/class-student.ts) on a
// real server in this process (own database), real sandboxes and real checks, while the
// instructor's dashboard socket is open; times each check's answer to the dashboard's
// `cell` event (p50/p95) and counts every error. Ends every session it made however it stops.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import type { ClassEvent, ClassView } from '../../protocol/classroom.js';
import { loadConfig, type Config } from '../../server/config.js';
import { summarize, table, type Summary } from './stats.js';
import { ClassroomClient, openDashboardFeed, type FeedClient } from './class-client.js';
import { BENCH_LESSON, runStudent, type CellBoard, type StudentRun } from './class-student.js';

/** Students arrive (join) spread over this long (ms): a class sitting down. */
export const ARRIVAL_SPREAD_MS = 30_000;
/** The target of issue 10: p95 check answer → dashboard cell. */
export const TARGET_P95_MS = 1000;
/** Sessions ended at once at the end. */
const END_CONCURRENCY = 8;

/** What `pier bench class` measured. */
export interface ClassBench {
  at: string;
  students: number;
  lesson: string;
  server: string;
  /** Check passed (API answer) → the dashboard's `cell` (ms; 0 when the cell came first, see cellsBeforeAnswer). */
  passToCell: Summary;
  /** Check failed → the dashboard's `cell` with the new attempt count (ms). */
  failToCell: Summary;
  /** Passing check sent ("Check" clicked) → its API answer, and → the dashboard's `cell` (ms). */
  clickToAnswer: Summary;
  clickToCell: Summary;
  /** Join → the lesson ready and the terminal at its prompt (ms). */
  joinToReady: Summary;
  checks: { passed: number; failed: number };
  /** Cells that came before the check's own answer (counted as 0 ms). */
  cellsBeforeAnswer: number;
  /** How much earlier than the answer those cells came (ms). */
  cellLead: Summary;
  studentsFinished: number;
  errors: number;
  /** The first few errors, with the student's number. */
  errorSamples: string[];
  /** Dashboard frames that did not match protocol/classroom.ts. */
  badFrames: number;
  durationS: number;
  target: { p95Ms: number; met: boolean };
}

/** Runs the class benchmark with `students` students; `log` gets progress lines. */
export async function benchClass(students: number, log: (line: string) => void): Promise<ClassBench> {
  const started = performance.now();
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(new Error(`interrupted by ${signal}`));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const target = await inProcessServer(students);
  const live = new Map<string, ClassroomClient>();
  let feed: FeedClient<ClassEvent> | null = null;
  try {
    log(`server: ${target.url} (in this process, own database)`);
    const admin = new ClassroomClient(target.url);
    await admin.expect(201, 'POST', '/api/auth/setup', { username: 'bench-admin', password: `bench-${Math.random().toString(36).slice(2)}-pw` });
    const klass = await admin.expect<ClassView>(201, 'POST', '/api/classes', { name: `bench class of ${students}`, lessons: [BENCH_LESSON], maxSessionsPerStudent: 1 });
    feed = await openDashboardFeed(admin, klass.id);
    await feed.waitFor((e) => e.type === 'grid');
    const board = cellBoard(feed);
    log(`class ${klass.joinCode}: ${students} students arriving over ${ARRIVAL_SPREAD_MS / 1000} s`);
    let finished = 0;
    const runs: StudentRun[] = await Promise.all(
      Array.from({ length: students }, async (_, i) => {
        await sleep(Math.random() * ARRIVAL_SPREAD_MS, undefined, { signal: controller.signal });
        const r = await runStudent(target.url, i + 1, klass.joinCode, klass.id, board, controller.signal, (c, id) => live.set(id, c));
        finished++;
        if (finished % 10 === 0 || finished === students) log(`  ${finished}/${students} students done`);
        return r;
      }),
    );
    const checks = runs.flatMap((r) => r.checks);
    const seen = (passed: boolean) => checks.filter((c) => c.passed === passed && c.cellAt !== null);
    const latency = (passed: boolean) => seen(passed).map((c) => Math.max(0, c.cellAt! - c.answeredAt));
    const errors = runs.flatMap((r, i) => r.errors.map((e) => `student ${i + 1}: ${e}`));
    const failedEnds = await endAll(live);
    errors.push(...failedEnds);
    const passToCell = summarize(latency(true));
    return {
      at: new Date().toISOString(),
      students,
      lesson: BENCH_LESSON,
      server: target.url,
      passToCell,
      failToCell: summarize(latency(false)),
      clickToAnswer: summarize(checks.filter((c) => c.passed).map((c) => c.answeredAt - c.sentAt)),
      clickToCell: summarize(seen(true).map((c) => c.cellAt! - c.sentAt)),
      joinToReady: summarize(runs.flatMap((r) => (r.readyMs === null ? [] : [r.readyMs]))),
      checks: { passed: checks.filter((c) => c.passed).length, failed: checks.filter((c) => !c.passed).length },
      cellsBeforeAnswer: checks.filter((c) => c.cellAt !== null && c.cellAt < c.answeredAt).length,
      cellLead: summarize(checks.filter((c) => c.cellAt !== null && c.cellAt < c.answeredAt).map((c) => c.answeredAt - c.cellAt!)),
      studentsFinished: runs.filter((r) => r.errors.length === 0 && r.checks.filter((c) => c.passed).length === 2).length,
      errors: errors.length + feed.bad.length,
      errorSamples: errors.slice(0, 10),
      badFrames: feed.bad.length,
      durationS: Math.round((performance.now() - started) / 100) / 10,
      target: { p95Ms: TARGET_P95_MS, met: errors.length === 0 && feed.bad.length === 0 && passToCell.runs > 0 && passToCell.p95 <= TARGET_P95_MS },
    };
  } finally {
    feed?.close();
    if (live.size > 0) {
      log(`ending ${live.size} sessions`);
      await endAll(live);
    }
    await target.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Ends every session in `live` through the API (removing each it ended); returns what failed. */
async function endAll(live: Map<string, ClassroomClient>): Promise<string[]> {
  const failed: string[] = [];
  const ids = [...live.keys()];
  for (let i = 0; i < ids.length; i += END_CONCURRENCY) {
    await Promise.all(
      ids.slice(i, i + END_CONCURRENCY).map(async (id) => {
        const r = await live.get(id)!.call('DELETE', `/api/sessions/${id}`).catch((err: Error) => ({ status: 0, body: err.message }));
        if (r.status === 204 || r.status === 404) live.delete(id);
        else failed.push(`ending session ${id} answered ${r.status}`);
      }),
    );
  }
  return failed;
}

/** The dashboard feed as a CellBoard: waits see `cell` events from the moment they are registered. */
export function cellBoard(feed: Pick<FeedClient<ClassEvent>, 'onEvent'>): CellBoard {
  type Wait = { studentId: string; step: number; match: (status: string, attempts: number) => boolean; done: (at: number | null) => void };
  const waits = new Set<Wait>();
  feed.onEvent = (e, at) => {
    if (e.type !== 'cell') return;
    for (const w of waits) if (w.studentId === e.studentId && w.step === e.cell.step && w.match(e.cell.status, e.cell.attempts)) w.done(at);
  };
  return {
    waitCell: (studentId, step, match, timeoutMs) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => w.done(null), timeoutMs);
        timer.unref();
        const w: Wait = { studentId, step, match, done: (at) => (waits.delete(w), clearTimeout(timer), resolve(at)) };
        waits.add(w);
      }),
  };
}

/**
 * The real server in this process on 127.0.0.1, port 0, without Next, with its own database
 * and room for every student's session (the per-address creation bucket raised: every
 * student comes from 127.0.0.1, as a class behind one NAT address does).
 */
async function inProcessServer(students: number): Promise<{ url: string; close(): Promise<void> }> {
  const { startServer } = await import('../../server/main.js');
  const base = loadConfig();
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-bench-class-'));
  const config: Config = {
    ...base,
    database: path.join(dir, 'pier.db'),
    // A throwaway database: warm sandboxes would outlive it (no later server adopts them).
    warmPool: 0,
    maxSessions: Math.max(base.maxSessions, students + 5),
    createRate: { ...base.createRate, addressPerMinute: Math.max(base.createRate.addressPerMinute, students * 10), addressBurst: Math.max(base.createRate.addressBurst, students * 2) },
  };
  const logger = pino({ level: 'warn', base: { app: 'pier' } }, pino.destination(2));
  try {
    const server = await startServer({ config, next: false, port: 0, hostname: '127.0.0.1', logger });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The report as a table. */
export function renderClassBench(r: ClassBench): string {
  const lines = [
    table([
      { name: 'check passed → dashboard cell', summary: r.passToCell, note: `target p95 ≤ ${r.target.p95Ms} ms` },
      { name: 'check failed → dashboard cell', summary: r.failToCell, note: 'the attempt count' },
      { name: 'cell ahead of the answer by', summary: r.cellLead, note: `${r.cellsBeforeAnswer} cells came first` },
      { name: 'Check clicked → its answer', summary: r.clickToAnswer, note: 'passing checks: the check script runs' },
      { name: 'Check clicked → dashboard cell', summary: r.clickToCell, note: 'passing checks' },
      { name: 'join → lesson ready, prompt', summary: r.joinToReady, note: 'session, setup, terminal' },
    ]),
    '',
    `${r.students} students, ${r.studentsFinished} finished both steps; checks: ${r.checks.passed} passed, ${r.checks.failed} failed`,
    `errors: ${r.errors}${r.badFrames ? ` (${r.badFrames} bad dashboard frames)` : ''}; ${r.durationS} s in all`,
    ...r.errorSamples.map((e) => `  ${e}`),
    `target (p95 ≤ ${r.target.p95Ms} ms, 0 errors): ${r.target.met ? 'met' : 'NOT met'}`,
  ];
  return lines.join('\n');
}
