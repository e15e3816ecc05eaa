// `pier bench sandbox`: cold start (create → a command running inside) and teardown of real
// sandboxes, pooled start (a warm sandbox claimed → a command running, sandbox-pool.ts), with
// `docker run` of the same root filesystem side by side when a Docker engine answers.
import { spawn } from 'node:child_process';
import { benchPooled, type PooledBench } from './sandbox-pool.js';
import type { SandboxRuntime, UidMode } from '../../sandbox/index.js';
import { summarize, type Summary } from './stats.js';

/** Timings of one uid mode. */
export interface ModeBench {
  /** create() until a command inside has printed its first byte. */
  coldStart: Summary;
  /** create() alone: disk, overlay, runc, network. */
  create: Summary;
  /** `runc exec` of a command until its first byte. */
  exec: Summary;
  teardown: Summary;
}

/** Result of one benchmark run, as printed with --json. */
export interface SandboxBench extends ModeBench {
  runs: number;
  /** The mode of the top-level timings (the configured one, default `per-sandbox`). */
  mode: UidMode;
  /**
   * The other mode, measured in the same run, alternating with the first one run by run
   * (so both meet the same machine); null with `compareModes: false`.
   */
  other: null | (ModeBench & { mode: UidMode });
  docker: null | { runs: number; run: Summary; note: string };
  /** docker p50 / pier cold start p50. */
  speedup: number | null;
  /** Pooled starts in the same run (null with `pooled: false`). */
  pooled: PooledBench | null;
  /** cold start / pooled start (runc exec) and / pooled start through the warm shell, at p50 and p95. */
  pooledSpeedup: { p50: number; p95: number; shellP50: number; shellP95: number } | null;
  /** docker p50 / pooled start p50 (null without an engine). */
  dockerVsPooled: number | null;
}

/** Time from spawning `file args` until it prints its first stdout byte, then waits for exit. */
function timeToFirstByte(file: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first = NaN;
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => (first = performance.now() - t0));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 && !Number.isNaN(first) ? resolve(first) : reject(new Error(`${file} exited ${code}: ${err}`))));
  });
}

/** `docker` argv prefix: `-H <host>` when the engine listens on a private socket. */
let dockerPrefix: string[] = [];

/** Exit code of `file args` (stdio ignored), null when it cannot run or takes over `timeoutMs`. */
function exitCodeOf(file: string, args: string[], timeoutMs = 60_000): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: 'ignore', timeout: timeoutMs });
    child.on('error', () => resolve(null));
    child.on('close', (code) => resolve(code));
  });
}

async function dockerAvailable(): Promise<boolean> {
  return (await exitCodeOf('docker', [...dockerPrefix, 'info', '--format', '{{.ServerVersion}}'], 5000)) === 0;
}

/** Imports the sandbox image's rootfs into Docker once (tagged by image id). */
async function dockerImage(rootfs: string, id: string): Promise<string> {
  const tag = `pier-bench:${id}`;
  if ((await exitCodeOf('docker', [...dockerPrefix, 'image', 'inspect', tag])) === 0) return tag;
  const tar = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const imp = spawn('docker', [...dockerPrefix, 'import', '-', tag], { stdio: ['pipe', 'ignore', 'inherit'] });
  tar.stdout.pipe(imp.stdin);
  await new Promise((resolve, reject) => imp.on('close', (c) => (c === 0 ? resolve(c) : reject(new Error(`docker import exited ${c}`)))));
  return tag;
}

/** Runs the sandbox benchmark: `runs` sequential cold starts and teardowns. */
export async function benchSandbox(
  rt: SandboxRuntime,
  runs: number,
  log: (line: string) => void,
  options: { dockerHost?: string; mode?: UidMode; compareModes?: boolean; pooled?: boolean } = {},
): Promise<SandboxBench> {
  const { driver } = rt;
  dockerPrefix = options.dockerHost ? ['-H', options.dockerHost] : [];
  const image = await rt.images.current();
  const mode: UidMode = options.mode ?? 'per-sandbox';
  const otherMode: UidMode = mode === 'shared' ? 'per-sandbox' : 'shared';
  const modes: UidMode[] = options.compareModes === false ? [mode] : [mode, otherMode];
  // One warm-up per mode so first-use costs (seccomp translation, firewall) are not counted.
  for (const m of modes) {
    const warm = await driver.create({ hostname: 'bench', uidMode: m });
    await driver.destroy(warm.id);
  }

  const samples = new Map(modes.map((m) => [m, { cold: [] as number[], create: [] as number[], exec: [] as number[], teardown: [] as number[] }]));
  for (let i = 0; i < runs * modes.length; i++) {
    const m = modes[i % modes.length] ?? mode;
    const { cold, create, exec, teardown } = samples.get(m)!;
    const t0 = performance.now();
    const s = await driver.create({ hostname: 'bench', uidMode: m });
    const t1 = performance.now();
    const child = await driver.execPiped(s.id, { cmd: ['echo', 'ready'] });
    const first = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', () => resolve(performance.now()));
      void child.exited.then((e) => (e.exitCode === 0 ? undefined : reject(new Error(`exec exited ${e.exitCode ?? e.signal}: ${e.error ?? ''}`))));
    });
    await child.exited;
    create.push(t1 - t0);
    exec.push(first - t1);
    cold.push(first - t0);
    const t2 = performance.now();
    await driver.destroy(s.id);
    teardown.push(performance.now() - t2);
    if ((i + 1) % (10 * modes.length) === 0) log(`  pier: ${(i + 1) / modes.length}/${runs}`);
  }
  const summary = (m: UidMode): ModeBench => {
    const x = samples.get(m)!;
    return { coldStart: summarize(x.cold), create: summarize(x.create), exec: summarize(x.exec), teardown: summarize(x.teardown) };
  };

  let docker: SandboxBench['docker'] = null;
  if (await dockerAvailable()) {
    const tag = await dockerImage(image.rootfs, image.id);
    await timeToFirstByte('docker', [...dockerPrefix, 'run', '--rm', '--network', 'none', tag, 'echo', 'ready']);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      times.push(await timeToFirstByte('docker', [...dockerPrefix, 'run', '--rm', '--network', 'none', tag, 'echo', 'ready']));
      if ((i + 1) % 10 === 0) log(`  docker: ${i + 1}/${runs}`);
    }
    docker = { runs, run: summarize(times), note: `docker run --rm of the same rootfs (${tag})` };
  } else {
    log('  docker: no Docker engine answers on this host; baseline skipped');
  }
  const main = summary(mode);
  const coldStart = main.coldStart;
  const pooled = options.pooled === false ? null : await benchPooled(driver, runs, log);
  const ratio = (a: number, b: number) => Math.round((a / b) * 10) / 10;
  return {
    pooled,
    pooledSpeedup: pooled
      ? { p50: ratio(coldStart.p50, pooled.start.p50), p95: ratio(coldStart.p95, pooled.start.p95), shellP50: ratio(coldStart.p50, pooled.shell.p50), shellP95: ratio(coldStart.p95, pooled.shell.p95) }
      : null,
    dockerVsPooled: pooled && docker ? ratio(docker.run.p50, pooled.start.p50) : null,
    runs,
    mode,
    ...main,
    other: modes.length > 1 ? { mode: otherMode, ...summary(otherMode) } : null,
    docker,
    speedup: docker ? Math.round((docker.run.p50 / coldStart.p50) * 10) / 10 : null,
  };
}
