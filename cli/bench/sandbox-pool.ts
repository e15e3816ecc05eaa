// `pier bench sandbox`, pooled half: a Start that claims a warm sandbox (server/sessions/
// pool.ts, the server's own pool code) until a command runs inside — through a fresh
// `runc exec`, and through the sandbox's pre-spawned shell (what a student's first
// terminal is). Refills finish before each claim, as between two students' clicks.
import { pino } from 'pino';
import { OWNER_PID_LABEL, type SandboxDriver, type SandboxTty } from '../../sandbox/index.js';
import { WarmPool } from '../../server/sessions/pool.js';
import { DEFAULT_TERMINAL_SIZE, TERMINAL_COMMAND } from '../../server/sessions/manager.js';
import { summarize, type Summary } from './stats.js';

/** Timings of pooled starts. */
export interface PooledBench {
  /** claim → `runc exec echo` printed its first byte. */
  start: Summary;
  /** claim → a line typed into the pre-spawned shell has run (its output is back). */
  shell: Summary;
  /** claim and hand-over alone (the relabel). */
  claim: Summary;
}

/** Waits for `pattern` in the output of `tty`; resolves with the time it appeared. */
function outputMatch(tty: SandboxTty, pattern: RegExp, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (sub.dispose(), reject(new Error(`no ${pattern} in ${timeoutMs} ms: ${JSON.stringify(out.slice(-200))}`))), timeoutMs);
    const sub = tty.onData((d) => {
      out += d.toString('utf8');
      if (pattern.test(out)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(performance.now());
      }
    });
  });
}

/** Time until `cmd` run by `runc exec` prints its first stdout byte. */
async function execFirstByte(driver: SandboxDriver, id: string, t0: number): Promise<number> {
  const child = await driver.execPiped(id, { cmd: ['echo', 'ready'] });
  const first = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', () => resolve(performance.now()));
    void child.exited.then((e) => (e.exitCode === 0 ? undefined : reject(new Error(`exec exited ${e.exitCode ?? e.signal}: ${e.error ?? ''}`))));
  });
  await child.exited;
  return first - t0;
}

/** `runs` pooled starts of each kind, alternating, each on a sandbox claimed from a pool of 2. */
export async function benchPooled(driver: SandboxDriver, runs: number, log: (line: string) => void): Promise<PooledBench> {
  const pool = new WarmPool({
    driver,
    log: pino({ level: 'silent' }),
    serverId: `bench-${process.pid}`,
    size: 2,
    defaultKey: { limits: {}, outbound: false },
    fingerprint: 'bench',
    shell: { cmd: TERMINAL_COMMAND, size: DEFAULT_TERMINAL_SIZE },
    // Tied to this process: if it dies, `pier sandbox gc` removes what it left.
    labels: { [OWNER_PID_LABEL]: String(process.pid) },
    refillIdleMs: 0,
  });
  const start: number[] = [];
  const shell: number[] = [];
  const claim: number[] = [];
  pool.start();
  try {
    for (let i = 0; i < runs * 2; i++) {
      await pool.idle();
      const t0 = performance.now();
      const warm = pool.claim({ limits: {}, outbound: false });
      if (!warm) throw new Error('the pool was empty after its refill');
      await pool.handOver(warm, `bench-${i}`);
      claim.push(performance.now() - t0);
      try {
        if (i % 2 === 0) {
          const tty = await pool.takeShell(warm.sandbox.id, DEFAULT_TERMINAL_SIZE);
          if (!tty) throw new Error('the warm sandbox has no shell');
          // The typed line echoes back as `$((i))`: only the command's own output matches.
          const seen = outputMatch(tty, /pooled-\d+-ok/, 30_000);
          tty.write(`echo pooled-$((${i}))-ok\n`);
          shell.push((await seen) - t0);
          tty.kill('SIGHUP');
        } else {
          start.push(await execFirstByte(driver, warm.sandbox.id, t0));
          pool.dropShell(warm.sandbox.id);
        }
      } finally {
        await driver.destroyNetwork(warm.networkId);
      }
      if ((i + 1) % 20 === 0) log(`  pooled: ${(i + 1) / 2}/${runs}`);
    }
  } finally {
    await pool.close();
    await pool.drain();
  }
  return { start: summarize(start), shell: summarize(shell), claim: summarize(claim) };
}
