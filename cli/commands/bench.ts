// pier bench: measures what the design promises, as percentiles and ratios against a
// baseline run side by side. Give it a quiet machine.
import { parseArgs } from 'node:util';
import { UsageError } from '../main.js';
import { openRuntime } from '../../server/runtime.js';
import { benchSandbox } from '../bench/sandbox.js';
import { benchDocker, renderDockerBench } from '../bench/docker.js';
import { loadavg } from 'node:os';
import { table } from '../bench/stats.js';
import { BenchInterrupted, benchTerminal } from '../bench/terminal.js';
import { renderTerminalBench } from '../bench/terminal-report.js';
import { benchClass, renderClassBench } from '../bench/class.js';
import { benchDensity, renderDensityBench } from '../bench/density.js';
import { benchBurst, renderBurstBench } from '../bench/burst.js';

const HELP = `usage: pier bench sandbox [--runs N] [--json] [--docker-host unix:///path.sock] [--one-mode] [--no-pool]
       pier bench terminal [--terminals N] [--runs N] [--json] [--url URL]
       pier bench docker [--runs N] [--json]
       pier bench class [--students N] [--json]
       pier bench density [--sessions N] [--json]
       pier bench burst [--students N] [--json]
  sandbox   cold start (create → command running), teardown, and docker run of the same
            rootfs when a Docker engine answers (default socket, or --docker-host); the
            configured uid mode and the other one alternate run by run (--one-mode: only
            the configured one); then pooled start: a warm sandbox claimed from a pool
            of 2 → a command running, by runc exec and through its pre-spawned shell
            (--no-pool: skipped), with its ratio to cold start
  terminal  over the API and terminal sockets: start to first prompt (--runs sessions,
            default 20), keystroke echo with 1 and N terminals typing (default 200), cat of
            a 64 MiB file; starts the server in this process unless --url names one
  docker    inside one sandbox, the Docker Engine and podman interleaved: run --rm busybox
            true, and run -d -p nginx until curl answers (--runs each, default 50); then
            a session's idle host memory with dockerd never started and started
  class     one class of N students (default 60) joining, starting a lesson, typing its
            commands and checking at a human pace while the dashboard is open: check answer
            → dashboard cell (p50/p95) and errors; a server in this process
  density   N idle sessions (default 200), one attached terminal each: host memory per
            session, the server's RSS, terminal helpers' memory, echo p99 of 50 typing
            among them; a server in this process with session and uid-range caps raised
  burst     N students (default 60) pressing Start within one second: time until all are
            at a prompt, and each one's Start → prompt; a server in this process`;

/** `pier bench …` */
export async function benchCommand(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (!what || what === '--help' || what === '-h') return (console.log(HELP), what ? 0 : 2);
  const { values } = parseArgs({
    args: rest,
    options: { runs: { type: 'string' }, json: { type: 'boolean' }, 'docker-host': { type: 'string' }, 'one-mode': { type: 'boolean' }, 'no-pool': { type: 'boolean' }, terminals: { type: 'string' }, url: { type: 'string' }, students: { type: 'string' }, sessions: { type: 'string' } },
    strict: true,
  });
  const runs = Number(values.runs ?? (what === 'terminal' ? 20 : 50));
  if (!Number.isInteger(runs) || runs < 1 || runs > 10_000) throw new UsageError('--runs: a whole number from 1 to 10000');
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (what === 'sandbox') {
    const dockerHost = values['docker-host'];
    const rt = openRuntime();
    const r = await benchSandbox(rt, runs, log, { ...(dockerHost ? { dockerHost } : {}), mode: rt.config.uidMode, compareModes: !values['one-mode'], pooled: !values['no-pool'] });
    if (values.json) return (console.log(JSON.stringify(r)), 0);
    const modeRows = (m: Omit<typeof r, 'runs' | 'other' | 'docker' | 'speedup' | 'pooled' | 'pooledSpeedup' | 'dockerVsPooled'>) => [
      { name: `pier cold start (${m.mode} uid)`, summary: m.coldStart, note: 'create → command running' },
      { name: '  create', summary: m.create, note: 'disk, overlay, runc run, network' },
      { name: '  exec', summary: m.exec, note: 'runc exec → first byte' },
      { name: '  teardown', summary: m.teardown },
    ];
    const rows = [
      ...modeRows(r),
      ...(r.other ? modeRows(r.other) : []),
      ...(r.pooled
        ? [
            { name: 'pier pooled start', summary: r.pooled.start, note: 'warm sandbox claimed → runc exec first byte' },
            { name: '  via its shell', summary: r.pooled.shell, note: 'claimed → a line typed into the pre-spawned shell ran' },
            { name: '  claim', summary: r.pooled.claim, note: 'take from the pool, relabel' },
          ]
        : []),
      ...(r.docker ? [{ name: 'docker run --rm', summary: r.docker.run, note: r.docker.note }] : []),
    ];
    console.log(table(rows));
    if (r.speedup !== null) console.log(`\npier cold start is ${r.speedup}× faster than docker run (p50).`);
    else console.log('\nno Docker engine answers on this host: no docker run baseline.');
    if (r.pooledSpeedup !== null) {
      const x = r.pooledSpeedup;
      console.log(`pier pooled start is ${x.p50}× faster than its cold start at p50 (${x.p95}× at p95); through the warm shell ${x.shellP50}× (${x.shellP95}× at p95).`);
    }
    if (r.dockerVsPooled !== null) console.log(`pier pooled start is ${r.dockerVsPooled}× faster than docker run (p50).`);
    return 0;
  }
  if (what === 'docker') {
    const r = await benchDocker(openRuntime(), runs, log, loadavg().map((n) => n.toFixed(2)).join(', '));
    console.log(values.json ? JSON.stringify(r) : renderDockerBench(r));
    return 0;
  }
  if (what === 'terminal') {
    const terminals = Number(values.terminals ?? 200);
    if (!Number.isInteger(terminals) || terminals < 1 || terminals > 1000) throw new UsageError('--terminals: a whole number from 1 to 1000');
    if (values.url !== undefined && !/^https?:\/\/[^/]+\/?$/.test(values.url)) throw new UsageError('--url: the server\'s base URL, e.g. http://127.0.0.1:3000');
    try {
      const r = await benchTerminal({ terminals, promptRuns: runs, log, ...(values.url !== undefined ? { url: values.url } : {}) });
      console.log(values.json ? JSON.stringify(r) : `\n${renderTerminalBench(r)}`);
      return 0;
    } catch (err) {
      if (!(err instanceof BenchInterrupted)) throw err;
      console.error(`pier bench: ${err.message}; every session it created was ended`);
      return 130;
    }
  }
  if (what === 'class') {
    const students = Number(values.students ?? 60);
    if (!Number.isInteger(students) || students < 1 || students > 500) throw new UsageError('--students: a whole number from 1 to 500');
    const r = await benchClass(students, log);
    console.log(values.json ? JSON.stringify(r) : `\n${renderClassBench(r)}`);
    return r.errors === 0 ? 0 : 1;
  }
  if (what === 'density') {
    const sessions = Number(values.sessions ?? 200);
    if (!Number.isInteger(sessions) || sessions < 1 || sessions > 5000) throw new UsageError('--sessions: a whole number from 1 to 5000');
    const r = await benchDensity(sessions, log);
    console.log(values.json ? JSON.stringify(r) : `\n${renderDensityBench(r)}`);
    return 0;
  }
  if (what === 'burst') {
    const students = Number(values.students ?? 60);
    if (!Number.isInteger(students) || students < 1 || students > 500) throw new UsageError('--students: a whole number from 1 to 500');
    const r = await benchBurst(students, log);
    console.log(values.json ? JSON.stringify(r) : `\n${renderBurstBench(r)}`);
    return r.failed === 0 ? 0 : 1;
  }
  throw new UsageError(`unknown benchmark "${what}"\n${HELP}`);
}
