// The result of `pier bench terminal`, the targets it is judged by (DESIGN.md "Performance
// targets", issue acceptance) and how it is printed. Pure.
import { table, type Summary } from './stats.js';

/** Keystroke echo latency with `terminals` shells typing at once. */
export interface EchoResult {
  terminals: number;
  sessions: number;
  keystrokesPerTerminal: number;
  /** Each terminal types one key about this often (ms, ± jitter). */
  intervalMs: number;
  /** Key sent → the OUTPUT frame carrying its echo arrived (ms). */
  latency: Summary;
  /** Keystrokes whose echo never came within the timeout. */
  lost: number;
  /**
   * Event-loop delay of the bench process meanwhile (ms): with the server in-process, the
   * server and the clients share this loop, so it bounds what the latency can show.
   */
  loopDelay: { p50: number; p99: number; max: number };
}

/** One `cat` of the file to an acknowledging client. */
export interface CatRun {
  /** OUTPUT bytes from the command's first output byte to the prompt. */
  bytes: number;
  /** First output byte → prompt (ms). */
  ms: number;
  /** bytes / s / 10^6. */
  mbPerSecond: number;
}

/** `cat` of a file of printable bytes in one terminal. */
export interface ThroughputResult {
  fileBytes: number;
  runs: CatRun[];
  /** Median over runs (MB/s, 10^6 bytes). */
  mbPerSecond: number;
}

/** POST /api/sessions → terminal socket → first prompt, over sequential sessions. */
export interface StartToPromptResult {
  runs: number;
  /** POST → first OUTPUT frame ending with the prompt (ms). */
  total: Summary;
  /** POST → 201 (network, sandbox, database). */
  create: Summary;
  /** 201 → `ready` (upgrade, the pty spawned, hello). */
  attach: Summary;
  /** `ready` → prompt (`runc exec` joining the sandbox, the login shell starting). */
  shell: Summary;
}

/** A target and whether this run met it (null: not measured as the target states it). */
export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  met: boolean | null;
}

/** Everything one run measured, as printed with --json. */
export interface TerminalBench {
  server: { url: string; inProcess: boolean; note: string };
  startToPrompt: StartToPromptResult;
  /** One entry per concurrency measured (1, then N). */
  echo: EchoResult[];
  throughput: ThroughputResult;
  /** Stream breaches seen by any client (gaps, overlaps, undecodable frames): must be 0. */
  violations: number;
  /** Sandboxes on the host before and after (in-process runs only); ours left over must be none. */
  sandboxes: { before: number; after: number; leftOver: number } | null;
  /** Creations the server's rate limit answered 429 (each waited out, then tried again). */
  rateLimited: number;
  durationS: number;
  targets: TargetCheck[];
}

/** The targets (DESIGN.md "Performance targets"; the terminal-bench issue). */
export const TERMINAL_TARGETS = {
  /** p99 keystroke echo with this many terminals typing at once… */
  echoTerminals: 200,
  /** …at most this (ms). */
  echoP99Ms: 20,
  /** One terminal streams at least this to an acknowledging client (MB/s). */
  throughputMBps: 50,
  /** Start (POST) to the first prompt, p95 at most (ms). */
  promptP95Ms: 300,
} as const;

/** Judges a run against TERMINAL_TARGETS. */
export function checkTargets(r: Pick<TerminalBench, 'echo' | 'throughput' | 'startToPrompt'>): TargetCheck[] {
  const t = TERMINAL_TARGETS;
  const widest = r.echo.reduce<EchoResult | undefined>((a, e) => (a && a.terminals >= e.terminals ? a : e), undefined);
  const echoOk = widest ? widest.latency.p99 <= t.echoP99Ms && widest.lost === 0 : false;
  return [
    {
      name: `keystroke echo p99, ${t.echoTerminals} terminals`,
      target: `≤ ${t.echoP99Ms} ms, none lost`,
      measured: widest ? `${widest.latency.p99} ms at ${widest.terminals}, ${widest.lost} lost` : 'not measured',
      met: widest && widest.terminals === t.echoTerminals ? echoOk : null,
    },
    {
      name: 'cat throughput, one terminal',
      target: `≥ ${t.throughputMBps} MB/s`,
      measured: `${r.throughput.mbPerSecond} MB/s`,
      met: r.throughput.mbPerSecond >= t.throughputMBps,
    },
    {
      name: 'start to first prompt p95',
      target: `≤ ${t.promptP95Ms} ms`,
      measured: `${r.startToPrompt.total.p95} ms`,
      met: r.startToPrompt.total.p95 <= t.promptP95Ms,
    },
  ];
}

/** The human-readable report: a latency table like `pier bench sandbox`, then throughput and targets. */
export function renderTerminalBench(r: TerminalBench): string {
  const p = r.startToPrompt;
  const rows = [
    { name: 'start to first prompt', summary: p.total, note: 'POST /api/sessions → prompt on the socket' },
    { name: '  create', summary: p.create, note: 'POST → 201' },
    { name: '  attach', summary: p.attach, note: '201 → ready (upgrade, pty spawned)' },
    { name: '  shell', summary: p.shell, note: 'ready → prompt (runc exec, bash -l)' },
    ...r.echo.map((e) => ({
      name: `echo, ${e.terminals} terminal${e.terminals === 1 ? '' : 's'}`,
      summary: e.latency,
      note: `${e.sessions} session${e.sessions === 1 ? '' : 's'}, ${e.lost} lost, loop delay p99 ${e.loopDelay.p99} ms`,
    })),
  ];
  const cat = r.throughput;
  const lines = [
    table(rows),
    '',
    `cat of ${(cat.fileBytes / 1024 ** 2).toFixed(0)} MiB (base64) to an acknowledging client: ${cat.mbPerSecond} MB/s median ` +
      `(${cat.runs.map((c) => `${c.mbPerSecond} MB/s`).join(', ')}; ${cat.runs[0]?.bytes ?? 0} bytes each)`,
    `stream breaches seen by the clients: ${r.violations}`,
  ];
  if (r.sandboxes) lines.push(`sandboxes on the host: ${r.sandboxes.before} before, ${r.sandboxes.after} after; this run's left over: ${r.sandboxes.leftOver}`);
  if (r.rateLimited > 0) lines.push(`creation paced by the server's rate limit: ${r.rateLimited} answers 429, each waited out (Retry-After)`);
  lines.push(`server: ${r.server.url} (${r.server.note}); ${r.durationS} s in all`, '', 'targets:');
  for (const c of r.targets) lines.push(`  ${c.met === null ? 'n/a ' : c.met ? 'met ' : 'MISS'}  ${c.name}: ${c.measured} (target ${c.target})`);
  return lines.join('\n');
}
