// `pier bench docker`: nested containers inside one real sandbox, timed inside it (what a
// student waits for after pressing Enter): `docker run --rm busybox true`, and `docker run
// -d -p 8080:80 nginx` until `curl localhost:8080` answers.
import type { SandboxRuntime } from '../../sandbox/index.js';
import { summarize, type Summary } from './stats.js';

/** Result of one benchmark run, as printed with --json. */
export interface DockerBench {
  runs: number;
  /** `docker run --rm busybox true`, start to exit. */
  runTrue: Summary;
  /** `docker run -d -p 8080:80 nginx` until the welcome page answers, then `docker rm -f`. */
  nginxAnswer: Summary;
  /** The image set the sandbox used. */
  imageSet: string;
}

/** Time a nested command may take before the benchmark gives up. */
const RUN_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * Script run inside: `runs` timed repetitions of `body`, one duration in microseconds per
 * line (`date +%s%N` before and after; the loop itself costs microseconds), each followed
 * by the untimed `cleanup`.
 */
export function timedLoop(runs: number, body: string, cleanup = ''): string {
  return [
    'set -e',
    `for i in $(seq 1 ${runs}); do`,
    '  t0=$(date +%s%N)',
    `  ${body}`,
    '  t1=$(date +%s%N)',
    '  echo $(( (t1 - t0) / 1000 ))',
    ...(cleanup ? [`  ${cleanup}`] : []),
    'done',
  ].join('\n');
}

/** Parses timedLoop's output (microseconds per line) into milliseconds. */
export function parseTimes(stdout: string, runs: number): number[] {
  const times = stdout.split('\n').filter((l) => /^\d+$/.test(l.trim())).map((l) => Number(l) / 1000);
  if (times.length !== runs) throw new Error(`expected ${runs} timings, got ${times.length}: ${stdout.slice(-500)}`);
  return times;
}

/** Runs the docker benchmark in one fresh sandbox (removed at the end). */
export async function benchDocker(rt: SandboxRuntime, runs: number, log: (line: string) => void): Promise<DockerBench> {
  const set = await rt.imageSet.build();
  const s = await rt.driver.create({ hostname: 'bench' });
  try {
    const run = async (script: string): Promise<string> => {
      const r = await rt.driver.run(s.id, { cmd: ['/bin/sh', '-c', script], timeoutMs: RUN_TIMEOUT_MS });
      if (r.exitCode !== 0) throw new Error(`inside the sandbox: exited ${r.exitCode ?? r.signal}: ${r.stderr.slice(-1000)}`);
      return r.stdout;
    };
    // Warm-up: first use creates podman's database and network, reads the image store.
    await run('docker run --rm busybox true && docker run --rm -d --name warm nginx >/dev/null && docker rm -f warm >/dev/null');
    log(`  docker run --rm busybox true × ${runs}`);
    const runTrue = parseTimes(await run(timedLoop(runs, 'docker run --rm busybox true')), runs);
    log(`  docker run -d -p 8080:80 nginx → curl answers × ${runs}`);
    const nginx = parseTimes(
      await run(
        timedLoop(
          runs,
          'docker run -d --name web -p 8080:80 nginx >/dev/null; until curl -fs localhost:8080 >/dev/null; do sleep 0.01; done',
          'docker rm -f web >/dev/null',
        ),
      ),
      runs,
    );
    return { runs, runTrue: summarize(runTrue), nginxAnswer: summarize(nginx), imageSet: set.id };
  } finally {
    await rt.driver.destroy(s.id);
  }
}
