// `pier bench docker`: the Docker Engine and podman side by side inside one real sandbox,
// timed inside it (what a student waits for after pressing Enter), runs interleaved so both
// meet the same load: `run --rm busybox true`, and `run -d -p PORT:80 nginx` until `curl`
// answers. Then a session's idle cost on the host: a fresh sandbox whose dockerd never
// started, and the same sandbox once dockerd and containerd run idle.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { SandboxRuntime } from '../../sandbox/index.js';
import { summarize, type Summary } from './stats.js';

/** One engine's timings. */
export interface EngineTimes {
  /** `run --rm busybox true`, start to exit. */
  runTrue: Summary;
  /** `run -d -p PORT:80 nginx` until the welcome page answers (then an untimed `rm -f`). */
  nginxAnswer: Summary;
}

/** A sandbox's memory as the host sees it. */
export interface IdleMemory {
  /** The sandbox's memory cgroup (what its limit counts: RSS and the page cache it touched). */
  cgroupBytes: number;
  /** Proportional set size of its processes (shared pages split among their users). */
  pssBytes: number;
  /** Resident set size of its processes. */
  rssBytes: number;
  processes: string[];
}

/** Result of one benchmark run, as printed with --json. */
export interface DockerBench {
  runs: number;
  docker: EngineTimes;
  podman: EngineTimes;
  /** podman p50 / docker p50 (above 1: docker is faster). */
  ratioRunTrue: number;
  ratioNginx: number;
  idle: { neverStarted: IdleMemory; started: IdleMemory };
  /** The image set the sandbox used (podman's offline store; docker loads from it). */
  imageSet: string;
  /** `uptime`'s load averages when the run began. */
  load: string;
}

/** Time a nested command may take before the benchmark gives up. */
const RUN_TIMEOUT_MS = 10 * 60 * 1000;
/** Time left for dockerd's start-up work (image and network state, containerd's plugins) to go idle. */
const IDLE_SETTLE_MS = 5_000;

/**
 * Script run inside: `runs` rounds of each body in turn (interleaved), one line
 * `<index> <microseconds>` per timed body (`date +%s%N` before and after), each followed by
 * its untimed cleanup.
 */
export function interleavedLoop(runs: number, bodies: readonly { body: string; cleanup?: string }[]): string {
  const lines = ['set -e', `for i in $(seq 1 ${runs}); do`];
  bodies.forEach((b, n) => {
    lines.push('  t0=$(date +%s%N)', `  ${b.body}`, '  t1=$(date +%s%N)', `  echo ${n} $(( (t1 - t0) / 1000 ))`);
    if (b.cleanup) lines.push(`  ${b.cleanup}`);
  });
  lines.push('done');
  return lines.join('\n');
}

/** Parses interleavedLoop's output into milliseconds per body. */
export function parseInterleaved(stdout: string, runs: number, bodies: number): number[][] {
  const times: number[][] = Array.from({ length: bodies }, () => []);
  for (const line of stdout.split('\n')) {
    const m = /^(\d+) (\d+)$/.exec(line.trim());
    if (m) times[Number(m[1])]?.push(Number(m[2]) / 1000);
  }
  times.forEach((t, n) => {
    if (t.length !== runs) throw new Error(`body ${n}: expected ${runs} timings, got ${t.length}: ${stdout.slice(-500)}`);
  });
  return times;
}

/** Host pids of every process in the pid namespace whose inode is `pidNs` (driver.namespaces). */
function namespaceProcesses(pidNs: number): number[] {
  const ns = `pid:[${pidNs}]`;
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/ns/pid`) === ns;
      } catch {
        return false; // ended meanwhile
      }
    });
}

/** Sum of a smaps_rollup field (kB) over processes, in bytes. */
function rollup(pids: readonly number[], field: 'Rss' | 'Pss'): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // ended meanwhile
    }
  }
  return kb * 1024;
}

async function idleMemory(rt: SandboxRuntime, id: string): Promise<IdleMemory> {
  const pidNs = (await rt.driver.namespaces(id)).pid;
  if (!pidNs) throw new Error(`sandbox ${id} has no pid namespace (not running?)`);
  const pids = namespaceProcesses(pidNs);
  const processes = pids.map((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim();
    } catch {
      return '?';
    }
  });
  return { cgroupBytes: (await rt.driver.stats(id)).memoryBytes, pssBytes: rollup(pids, 'Pss'), rssBytes: rollup(pids, 'Rss'), processes };
}

/** Runs the docker benchmark in fresh sandboxes (removed at the end). */
export async function benchDocker(rt: SandboxRuntime, runs: number, log: (line: string) => void, load = ''): Promise<DockerBench> {
  const set = await rt.imageSet.build();
  const s = await rt.driver.create({ hostname: 'bench' });
  try {
    const run = async (script: string): Promise<string> => {
      const r = await rt.driver.run(s.id, { cmd: ['/bin/sh', '-c', script], timeoutMs: RUN_TIMEOUT_MS });
      if (r.exitCode !== 0) throw new Error(`inside the sandbox: exited ${r.exitCode ?? r.signal}: ${r.stderr.slice(-1000)}`);
      return r.stdout;
    };
    // The session's idle cost first: nothing started yet, then dockerd and containerd idle.
    log('  idle memory: dockerd never started');
    const neverStarted = await idleMemory(rt, s.id);
    await run('docker info >/dev/null 2>&1');
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    log('  idle memory: dockerd started, no container');
    const started = await idleMemory(rt, s.id);

    // dockerd's own store is empty: load the offline images podman sees (untimed).
    log('  loading busybox and nginx into dockerd');
    await run('for i in busybox:latest nginx:latest; do podman save docker.io/library/$i | docker load >/dev/null; done');
    // Warm-up: first use of each engine creates its state, networks, reads the images.
    await run('for e in docker podman; do $e run --rm busybox true && $e run --rm -d --name warm nginx >/dev/null && $e rm -f warm >/dev/null; done');
    log(`  run --rm busybox true × ${runs}, docker and podman interleaved`);
    const [dockerTrue, podmanTrue] = parseInterleaved(
      await run(interleavedLoop(runs, [{ body: 'docker run --rm busybox true' }, { body: 'podman run --rm busybox true' }])),
      runs,
      2,
    );
    log(`  run -d -p nginx → curl answers × ${runs}, interleaved`);
    const answer = (engine: string, port: number) => ({
      body: `${engine} run -d --name web -p ${port}:80 nginx >/dev/null; until curl -fs localhost:${port} >/dev/null; do sleep 0.01; done`,
      cleanup: `${engine} rm -f web >/dev/null`,
    });
    const [dockerNginx, podmanNginx] = parseInterleaved(await run(interleavedLoop(runs, [answer('docker', 8080), answer('podman', 8081)])), runs, 2);
    const docker = { runTrue: summarize(dockerTrue!), nginxAnswer: summarize(dockerNginx!) };
    const podman = { runTrue: summarize(podmanTrue!), nginxAnswer: summarize(podmanNginx!) };
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
    return {
      runs,
      docker,
      podman,
      ratioRunTrue: ratio(podman.runTrue.p50, docker.runTrue.p50),
      ratioNginx: ratio(podman.nginxAnswer.p50, docker.nginxAnswer.p50),
      idle: { neverStarted, started },
      imageSet: set.id,
      load,
    };
  } finally {
    await rt.driver.destroy(s.id);
  }
}

/** The printed report of `pier bench docker`. */
export function renderDockerBench(r: DockerBench): string {
  const ms = (n: number) => `${n.toFixed(0)} ms`.padStart(8);
  const mib = (n: number) => `${(n / 1024 ** 2).toFixed(1)} MiB`.padStart(10);
  const row = (name: string, d: Summary, p: Summary, ratio: number) =>
    `${name.padEnd(34)} docker ${ms(d.p50)} /${ms(d.p95)}   podman ${ms(p.p50)} /${ms(p.p95)}   podman/docker p50 ${ratio.toFixed(2)}×`;
  const mem = (name: string, m: IdleMemory) => `${name.padEnd(34)} cgroup ${mib(m.cgroupBytes)}   PSS ${mib(m.pssBytes)}   RSS ${mib(m.rssBytes)}   (${m.processes.join(', ')})`;
  return [
    `inside one sandbox, p50 / p95 of ${r.runs} runs each, interleaved${r.load ? `; load ${r.load}` : ''}`,
    row('run --rm busybox true', r.docker.runTrue, r.podman.runTrue, r.ratioRunTrue),
    row('run -d -p nginx → curl answers', r.docker.nginxAnswer, r.podman.nginxAnswer, r.ratioNginx),
    '',
    'idle host memory of one session (sandbox)',
    mem('dockerd never started', r.idle.neverStarted),
    mem('dockerd + containerd started, idle', r.idle.started),
  ].join('\n');
}
