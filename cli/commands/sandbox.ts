// pier sandbox: run a command in a fresh sandbox, and manage sandboxes by hand (create,
// exec, ls, stats, rm, gc).
import { parseArgs } from 'node:util';
import { UsageError } from '../main.js';
import { parseSize } from '../../server/config.js';
import { openRuntime } from '../../server/runtime.js';
import { OWNER_PID_LABEL, type SandboxDriver, type SandboxLimits } from '../../sandbox/index.js';

const HELP = `usage:
  pier sandbox run [--memory SIZE] [--pids N] [--cpus N] [--disk SIZE] [--inodes N]
                   [--hostname NAME] [--json] -- CMD [ARG…]
      Runs CMD in a fresh sandbox (with a tty when stdin is one), passes its output and
      exit code through, and removes the sandbox.
  pier sandbox create [limits…] [--hostname NAME] [--network ID] [--json]
  pier sandbox exec ID -- CMD [ARG…]
  pier sandbox ls [--json]
  pier sandbox stats ID [--json]
  pier sandbox rm ID…
  pier sandbox gc [--json]      remove broken sandboxes and leftovers; adopt live ones`;

const LIMIT_OPTIONS = {
  memory: { type: 'string' },
  pids: { type: 'string' },
  cpus: { type: 'string' },
  disk: { type: 'string' },
  inodes: { type: 'string' },
  hostname: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function limitsFrom(values: Record<string, string | boolean | undefined>): Partial<SandboxLimits> {
  const limits: Partial<SandboxLimits> = {};
  const size = (key: string): number | undefined => {
    const v = values[key];
    if (typeof v !== 'string') return undefined;
    const n = parseSize(v);
    if (n === null || n <= 0) throw new UsageError(`--${key}: not a size: "${v}" (try 256m or 1g)`);
    return n;
  };
  const num = (key: string, integer: boolean): number | undefined => {
    const v = values[key];
    if (typeof v !== 'string') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new UsageError(`--${key}: not a positive ${integer ? 'integer' : 'number'}: "${v}"`);
    return n;
  };
  const memory = size('memory');
  const disk = size('disk');
  const pids = num('pids', true);
  const cpus = num('cpus', false);
  const inodes = num('inodes', true);
  if (memory !== undefined) limits.memoryBytes = memory;
  if (disk !== undefined) limits.diskBytes = disk;
  if (pids !== undefined) limits.pids = pids;
  if (cpus !== undefined) limits.cpus = cpus;
  if (inodes !== undefined) limits.inodes = inodes;
  return limits;
}

/** Splits `… -- CMD ARG…` into options and the command. */
function splitCommand(argv: string[]): { options: string[]; cmd: string[] } {
  const i = argv.indexOf('--');
  return i < 0 ? { options: argv, cmd: [] } : { options: argv.slice(0, i), cmd: argv.slice(i + 1) };
}

/** Exit code of a command that ended by `signal`, as shells report it. */
function signalExit(signal: string | null): number {
  const n = signal ? (({ SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 }) as Record<string, number>)[signal] : undefined;
  return 128 + (n ?? 1);
}

/** Connects this process's terminal or pipes to a command inside the sandbox. */
async function attach(driver: SandboxDriver, id: string, cmd: string[]): Promise<number> {
  if (process.stdin.isTTY && process.stdout.isTTY) {
    const term = await driver.execTty(id, { cmd, size: { cols: process.stdout.columns, rows: process.stdout.rows } });
    process.stdin.setRawMode(true);
    process.stdin.resume();
    const onInput = (d: Buffer) => term.write(d);
    const onResize = () => term.resize(process.stdout.columns, process.stdout.rows);
    process.stdin.on('data', onInput);
    process.stdout.on('resize', onResize);
    term.onData((d) => process.stdout.write(d));
    return new Promise((resolve) => {
      term.onExit(({ exitCode, signal }) => {
        process.stdin.off('data', onInput);
        process.stdout.off('resize', onResize);
        process.stdin.setRawMode(false);
        process.stdin.pause();
        resolve(signal ? 128 + signal : exitCode);
      });
    });
  }
  const child = await driver.execPiped(id, { cmd });
  process.stdin.pipe(child.stdin);
  child.stdout.pipe(process.stdout);
  child.stderr.pipe(process.stderr);
  const { exitCode, signal } = await child.exited;
  process.stdin.unpipe(child.stdin);
  process.stdin.pause();
  return exitCode ?? signalExit(signal);
}

async function runSub(argv: string[]): Promise<number> {
  const { options, cmd } = splitCommand(argv);
  const { values } = parseArgs({ args: options, options: LIMIT_OPTIONS, strict: true });
  if (values.help) return (console.log(HELP), 0);
  if (cmd.length === 0) throw new UsageError('nothing to run: pier sandbox run [options] -- CMD [ARG…]');
  const { driver } = openRuntime();
  const t0 = performance.now();
  // Tied to this process: if it dies without cleaning up, `pier sandbox gc` removes it.
  const info = await driver.create({
    hostname: values.hostname ?? 'node1',
    limits: limitsFrom(values),
    labels: { [OWNER_PID_LABEL]: String(process.pid) },
  });
  const t1 = performance.now();
  // Whatever happens next, the sandbox goes away with this command.
  let destroyed = false;
  const cleanup = async () => {
    if (destroyed) return;
    destroyed = true;
    await driver.destroy(info.id);
  };
  const onSignal = (sig: NodeJS.Signals) => {
    void cleanup().finally(() => process.exit(signalExit(sig)));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  try {
    if (values.json) {
      const result = await driver.run(info.id, { cmd });
      const t2 = performance.now();
      await cleanup();
      const t3 = performance.now();
      const ms = (a: number, b: number) => Math.round((b - a) * 10) / 10;
      console.log(JSON.stringify({ id: info.id, ...result, timings: { createMs: ms(t0, t1), execMs: ms(t1, t2), destroyMs: ms(t2, t3) } }));
      return result.exitCode ?? signalExit(result.signal);
    }
    return await attach(driver, info.id, cmd);
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }
}

async function createSub(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { ...LIMIT_OPTIONS, network: { type: 'string' } }, strict: true });
  if (values.help) return (console.log(HELP), 0);
  const { driver } = openRuntime();
  const info = await driver.create({
    hostname: values.hostname ?? 'node1',
    limits: limitsFrom(values),
    ...(values.network ? { network: values.network } : {}),
  });
  console.log(values.json ? JSON.stringify(info) : info.id);
  return 0;
}

async function execSub(argv: string[]): Promise<number> {
  const { options, cmd } = splitCommand(argv);
  const [id, ...extra] = options;
  if (!id || extra.length > 0 || cmd.length === 0) throw new UsageError('usage: pier sandbox exec ID -- CMD [ARG…]');
  const { driver } = openRuntime();
  return attach(driver, id, cmd);
}

const fmtBytes = (n: number): string =>
  !Number.isFinite(n) ? '∞' : n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)}G` : `${(n / 1024 ** 2).toFixed(0)}M`;

async function lsSub(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
  const { driver } = openRuntime();
  const list = await driver.list();
  if (values.json) return (console.log(JSON.stringify(list)), 0);
  if (list.length === 0) return (console.log('no sandboxes'), 0);
  console.log(['ID', 'STATUS', 'HOSTNAME', 'ADDRESS', 'NETWORK', 'MEMORY', 'CREATED'].join('\t'));
  for (const s of list) {
    console.log([s.id, s.status, s.hostname, s.address || '-', s.network || '-', fmtBytes(s.limits.memoryBytes), s.createdAt || '-', s.problem ?? ''].join('\t'));
  }
  return 0;
}

async function statsSub(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
  const [id] = positionals;
  if (!id) throw new UsageError('usage: pier sandbox stats ID');
  const { driver } = openRuntime();
  const s = await driver.stats(id);
  if (values.json) return (console.log(JSON.stringify(s)), 0);
  console.log(`memory ${fmtBytes(s.memoryBytes)} / ${fmtBytes(s.memoryLimitBytes)}`);
  console.log(`cpu    ${(s.cpuUsageUsec / 1e6).toFixed(2)} s`);
  console.log(`pids   ${s.pids} / ${s.pidsLimit}`);
  console.log(`disk   ${fmtBytes(s.diskUsedBytes)} / ${fmtBytes(s.diskLimitBytes)}`);
  return 0;
}

async function rmSub(argv: string[]): Promise<number> {
  if (argv.length === 0) throw new UsageError('usage: pier sandbox rm ID…');
  const { driver } = openRuntime();
  let status = 0;
  for (const id of argv) {
    if (!(await driver.get(id))) {
      console.error(`pier sandbox rm: no sandbox ${id}`);
      status = 1;
      continue;
    }
    await driver.destroy(id);
    console.log(`removed ${id}`);
  }
  return status;
}

async function gcSub(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
  const { driver } = openRuntime();
  const report = await driver.reconcile();
  if (values.json) return (console.log(JSON.stringify(report)), 0);
  console.log(`adopted ${report.adopted.length} live sandbox(es); removed ${report.removed.length} broken; ${report.orphans.length} leftover object(s) removed`);
  for (const o of report.orphans) console.log(`  - ${o}`);
  for (const s of report.skipped) console.log(`left alone (state unreadable, may be live): ${s}`);
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  run: runSub,
  create: createSub,
  exec: execSub,
  ls: lsSub,
  stats: statsSub,
  rm: rmSub,
  gc: gcSub,
};

/** `pier sandbox …` */
export async function sandboxCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '--help' || sub === '-h') return (console.log(HELP), sub ? 0 : 2);
  const fn = SUBCOMMANDS[sub];
  if (!fn) throw new UsageError(`unknown subcommand "${sub}"\n${HELP}`);
  return fn(rest);
}
