// `pier bench terminal`: terminals as a browser sees them, over the real JSON API and
// terminal sockets of a real server (in this process, or --url): start to first prompt,
// keystroke echo latency with 1 and N shells typing at once, and `cat` throughput to an
// acknowledging client. Every session it creates is ended through the API however it stops.
import { execFile } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../server/config.js';
import { summarize } from './stats.js';
import { BenchTerminal, Fleet, fleetPlan } from './terminal-fleet.js';
import { carriesEcho, keyFor, stripEscapes } from './terminal-output.js';
import { checkTargets, type CatRun, type EchoResult, type StartToPromptResult, type TerminalBench, type ThroughputResult } from './terminal-report.js';

const execFileAsync = promisify(execFile);

/** Terminals per session (one node each; the API allows 8 per node). */
export const TERMINALS_PER_SESSION = 5;
/** Keystrokes each terminal types in an echo run. */
export const KEYSTROKES_PER_TERMINAL = 50;
/** Each terminal types a key about this often (ms)… */
export const KEY_INTERVAL_MS = 100;
/** …± this fraction of it, at random, so that terminals do not type in lockstep. */
export const KEY_JITTER = 0.3;
/**
 * After the fleet is built and before it types: the host's dirty pages (40 new sandbox
 * disks) are written out with `sync`, then this long passes (ms). The measure is echo
 * under typing, not the writeback of a burst of creations.
 */
export const SETTLE_MS = 1000;
/** An echo not back within this long counts as lost (ms). */
export const ECHO_TIMEOUT_MS = 2000;
/** Size of the file `cat` prints (bytes of base64 text). */
export const CAT_FILE_BYTES = 64 * 1024 ** 2;
/** Where the file is written inside the sandbox. */
export const CAT_FILE_PATH = '/tmp/pier-bench-cat';
/** `cat` runs; the median is reported. */
export const CAT_RUNS = 3;
/** How long writing the file, or one `cat`, may take (ms). */
export const CAT_TIMEOUT_MS = 60_000;
/** Bytes of the echo of Enter ("\r\n") that precede a command's output. */
const ENTER_ECHO_BYTES = 2;
/**
 * In-process only: the per-address creation bucket (config `createRate.address*`, 60 a
 * minute, burst 30 by default) is raised so the bench's ~60 sessions from 127.0.0.1 need
 * not wait. Every session still has its own owner cookie, so the per-owner cap and bucket
 * apply unchanged.
 */
export const BENCH_ADDRESS_PER_MINUTE = 6000;
export const BENCH_ADDRESS_BURST = 1000;

/** What to run. */
export interface TerminalBenchOptions {
  /** Terminals typing at once in the wide echo run. */
  terminals: number;
  /** Sequential sessions timed from start to first prompt. */
  promptRuns: number;
  /** A running server to use instead of starting one in this process. */
  url?: string;
  log: (line: string) => void;
}

/** Thrown when the run was interrupted (SIGINT/SIGTERM) after everything was cleaned up. */
export class BenchInterrupted extends Error {
  override name = 'BenchInterrupted';
}

/** The server the bench talks to, and how to let go of it. */
export interface Target {
  url: string;
  inProcess: boolean;
  note: string;
  /** Sandboxes on the host, and those of the given sessions (null: cannot see the host). */
  sandboxes: ((sessionIds: ReadonlySet<string>) => Promise<{ total: number; ours: number }>) | null;
  /** Ends sessions without the API (in-process fallback when DELETE failed). */
  endDirectly: ((ids: string[]) => Promise<void>) | null;
  close(): Promise<void>;
}

/** Runs the terminal benchmark; cleans up everything it created before it returns or throws. */
export async function benchTerminal(o: TerminalBenchOptions): Promise<TerminalBench> {
  const started = performance.now();
  const controller = new AbortController();
  // Every terminal's pending wait listens on this one signal.
  setMaxListeners(0, controller.signal);
  const onSignal = (signal: NodeJS.Signals): void => {
    o.log(`\n${signal}: ending every session this run created (send it again to quit at once)`);
    controller.abort(new BenchInterrupted(`interrupted by ${signal}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sessionsNeeded = fleetPlan(o.terminals, TERMINALS_PER_SESSION).length + 1;
  let target: Target | null = null;
  let fleet: Fleet | null = null;
  try {
    target = o.url ? remoteTarget(o.url) : await inProcessTarget(sessionsNeeded);
    o.log(`server: ${target.url} (${target.note})`);
    fleet = new Fleet(target.url, controller.signal, o.log);
    const before = target.sandboxes ? (await target.sandboxes(new Set())).total : null;

    o.log(`start to first prompt: ${o.promptRuns} sessions, one after another (after one warm-up)`);
    const startToPrompt = await measureStartToPrompt(fleet, o.promptRuns);

    o.log('echo, 1 terminal; then cat throughput in a second tab of the same session');
    const single = await measureOneSession(fleet, controller.signal, o.log);
    o.log(`echo, ${o.terminals} terminals: creating ${sessionsNeeded - 1} sessions of up to ${TERMINALS_PER_SESSION}`);
    const wide = await measureManyTerminals(fleet, o.terminals, controller.signal, o.log);

    const ids = new Set(fleet.created);
    const failed = await fleet.endAll();
    if (failed.length > 0) throw new Error(`could not end ${failed.length} sessions through the API`);
    const after = target.sandboxes ? await target.sandboxes(ids) : null;
    const result = {
      server: { url: target.url, inProcess: target.inProcess, note: target.note },
      startToPrompt,
      echo: [single.echo, wide.echo],
      throughput: single.throughput,
      violations: single.violations + wide.violations,
      sandboxes: before !== null && after !== null ? { before, after: after.total, leftOver: after.ours } : null,
      rateLimited: fleet.rateLimited,
      durationS: Math.round((performance.now() - started) / 100) / 10,
    };
    return { ...result, targets: checkTargets(result) };
  } catch (err) {
    throw controller.signal.aborted ? controller.signal.reason : err;
  } finally {
    if (fleet && fleet.sessions.size > 0) await cleanUp(fleet, target, o.log);
    await target?.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Ends whatever is still live (after an error or an interrupt), reporting what it could not. */
async function cleanUp(fleet: Fleet, target: Target | null, log: (line: string) => void): Promise<void> {
  log(`ending ${fleet.sessions.size} sessions`);
  const failed = await fleet.endAll();
  if (failed.length > 0 && target?.endDirectly) await target.endDirectly(failed);
  if (target?.sandboxes) {
    const { ours } = await target.sandboxes(new Set(fleet.created));
    if (ours > 0) log(`WARNING: ${ours} sandboxes of this run are still on the host (pier sandbox ls)`);
  }
}

/** A server somebody else runs: nothing to start, nothing of the host to check. */
function remoteTarget(url: string): Target {
  return {
    url: url.replace(/\/+$/, ''),
    inProcess: false,
    note: 'given by --url: its own limits apply (creation is paced by its rate limit)',
    sandboxes: null,
    endDirectly: null,
    close: async () => {},
  };
}

/**
 * The real server in this process on 127.0.0.1, port 0, without Next, with its own
 * database (sessions of a `pier up` on this host are never touched) and a larger
 * per-address creation bucket.
 */
export async function inProcessTarget(sessionsNeeded: number, overrides: Partial<Config> = {}): Promise<Target> {
  const [{ startServer }, { openRuntime }, { SESSION_LABEL }] = await Promise.all([
    import('../../server/main.js'),
    import('../../server/runtime.js'),
    import('../../server/sessions/manager.js'),
  ]);
  const base = loadConfig();
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-bench-'));
  const config: Config = {
    ...base,
    database: path.join(dir, 'pier.db'),
    // A throwaway database: warm sandboxes would outlive it (no later server adopts them).
    warmPool: 0,
    maxSessions: Math.max(base.maxSessions, sessionsNeeded + 1),
    createRate: { ...base.createRate, addressPerMinute: BENCH_ADDRESS_PER_MINUTE, addressBurst: BENCH_ADDRESS_BURST },
    ...overrides,
  };
  // Logs go to stderr, warnings and worse: stdout may carry --json.
  const logger = pino({ level: 'warn', base: { app: 'pier' } }, pino.destination(2));
  let server;
  try {
    server = await startServer({ config, next: false, port: 0, hostname: '127.0.0.1', logger });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const running = server;
  const { driver } = openRuntime(config);
  return {
    url: running.url,
    inProcess: true,
    note: `in this process, own database; per-address create bucket ${BENCH_ADDRESS_BURST} burst, ${BENCH_ADDRESS_PER_MINUTE}/min; one owner cookie per session`,
    sandboxes: async (ids) => {
      const all = await driver.list();
      return { total: all.length, ours: all.filter((s) => ids.has(s.labels[SESSION_LABEL] ?? '')).length };
    },
    endDirectly: async (ids) => {
      await Promise.all(ids.map((id) => running.sessions.end(id, 'ended')));
    },
    close: async () => {
      await running.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One session: echo latency of its terminal typing alone, then `cat` throughput in a second
 * tab (a fresh shell, a fresh screen mirror). The session is ended afterwards.
 */
async function measureOneSession(fleet: Fleet, signal: AbortSignal, log: (line: string) => void): Promise<{ echo: EchoResult; throughput: ThroughputResult; violations: number }> {
  const session = await fleet.createSession();
  const typist = await fleet.attach(session, session.view.nodes[0]!.terminals[0]!.id);
  const echo = await measureEcho([typist], 1, signal);
  const reader = await fleet.attach(session, (await fleet.addTerminal(session)).id);
  const throughput = await measureThroughput(reader, log);
  const violations = typist.conn.violations.length + reader.conn.violations.length;
  await fleet.detach(typist);
  await fleet.detach(reader);
  await fleet.end(session.view.id);
  return { echo, throughput, violations };
}

/** `terminals` terminals in sessions of TERMINALS_PER_SESSION, all typing at once. They stay open: endAll ends them. */
async function measureManyTerminals(fleet: Fleet, terminals: number, signal: AbortSignal, log: (line: string) => void): Promise<{ echo: EchoResult; violations: number }> {
  const terms = await fleet.build(terminals, TERMINALS_PER_SESSION);
  log(`  ${terms.length} terminals at their prompt; settling (sync, ${SETTLE_MS} ms)`);
  await execFileAsync('sync');
  await sleep(SETTLE_MS, undefined, { signal });
  log('  typing');
  const echo = await measureEcho(terms, fleetPlan(terminals, TERMINALS_PER_SESSION).length, signal);
  return { echo, violations: terms.reduce((n, t) => n + t.conn.violations.length, 0) };
}

/** Sequential sessions, POST → first prompt on the terminal socket, after one warm-up. */
async function measureStartToPrompt(fleet: Fleet, runs: number): Promise<StartToPromptResult> {
  const total: number[] = [];
  const create: number[] = [];
  const attach: number[] = [];
  const shell: number[] = [];
  for (let i = 0; i <= runs; i++) {
    let t0 = 0;
    const s = await fleet.createSession(() => (t0 = performance.now()));
    const t1 = performance.now();
    const term = await fleet.attach(s, s.view.nodes[0]!.terminals[0]!.id);
    const t2 = term.readyAt!;
    const t3 = term.firstPromptAt!;
    if (i > 0) {
      total.push(t3 - t0);
      create.push(t1 - t0);
      attach.push(t2 - t1);
      shell.push(t3 - t2);
    }
    await fleet.detach(term);
    await fleet.end(s.view.id);
  }
  return { runs, total: summarize(total), create: summarize(create), attach: summarize(attach), shell: summarize(shell) };
}

/**
 * Every terminal types KEYSTROKES_PER_TERMINAL single keys, one about every KEY_INTERVAL_MS
 * (with jitter, starting at a random moment), each once the previous one's echo came back;
 * latency = key sent → the OUTPUT frame carrying its echo arrived.
 */
export async function measureEcho(terms: BenchTerminal[], sessions: number, signal: AbortSignal): Promise<EchoResult> {
  const latencies: number[] = [];
  let lost = 0;
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  await Promise.all(
    terms.map(async (term) => {
      await sleep(Math.random() * KEY_INTERVAL_MS, undefined, { signal });
      for (let k = 0; k < KEYSTROKES_PER_TERMINAL; k++) {
        const key = keyFor(k);
        const sentAt = performance.now();
        const echoed = term.watch((bytes) => carriesEcho(bytes, key), ECHO_TIMEOUT_MS, `the echo of "${key}"`);
        term.conn.input(key);
        try {
          latencies.push((await echoed) - sentAt);
        } catch (err) {
          if (signal.aborted) throw err;
          lost++;
        }
        const nextAt = sentAt + KEY_INTERVAL_MS * (1 - KEY_JITTER + 2 * KEY_JITTER * Math.random());
        await sleep(Math.max(0, nextAt - performance.now()), undefined, { signal });
      }
    }),
  );
  loop.disable();
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return {
    terminals: terms.length,
    sessions,
    keystrokesPerTerminal: KEYSTROKES_PER_TERMINAL,
    intervalMs: KEY_INTERVAL_MS,
    latency: summarize(latencies),
    lost,
    loopDelay: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
  };
}

/**
 * Writes CAT_FILE_BYTES of base64 (printable) inside, then `cat`s it CAT_RUNS times with
 * the client acknowledging every frame on arrival. Each run types the command first, so
 * its echo is not counted, then Enter; MB/s = OUTPUT bytes / (first output byte → prompt).
 */
async function measureThroughput(term: BenchTerminal, log: (line: string) => void): Promise<ThroughputResult> {
  await term.run(`base64 /dev/urandom | head -c ${CAT_FILE_BYTES} > ${CAT_FILE_PATH}`, CAT_TIMEOUT_MS);
  const runs: CatRun[] = [];
  for (let i = 0; i < CAT_RUNS; i++) {
    const command = `cat ${CAT_FILE_PATH}`;
    const typed = term.watch(() => stripEscapes(term.tail.text).endsWith(command), CAT_TIMEOUT_MS, 'the echo of the command');
    term.conn.input(command);
    await typed;
    const before = term.received + ENTER_ECHO_BYTES;
    let firstAt: number | null = null;
    const promptAt = term.watch(
      (_bytes, at) => {
        if (firstAt === null && term.received > before) firstAt = at;
        return term.tail.endsWithPrompt();
      },
      CAT_TIMEOUT_MS,
      'the prompt after cat',
    );
    term.conn.input('\r');
    const end = await promptAt;
    const bytes = term.received - before;
    if (firstAt === null || bytes < CAT_FILE_BYTES) throw new Error(`cat printed ${bytes} bytes of a ${CAT_FILE_BYTES}-byte file`);
    const ms = end - firstAt;
    runs.push({ bytes, ms: Math.round(ms * 10) / 10, mbPerSecond: Math.round(bytes / ms / 100) / 10 });
    log(`  cat ${i + 1}/${CAT_RUNS}: ${runs[i]!.mbPerSecond} MB/s`);
  }
  const sorted = runs.map((r) => r.mbPerSecond).sort((a, b) => a - b);
  return { fileBytes: CAT_FILE_BYTES, runs, mbPerSecond: sorted[Math.floor(sorted.length / 2)]! };
}
