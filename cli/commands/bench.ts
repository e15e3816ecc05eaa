// pier bench: measures what the design promises, as percentiles and ratios against a
// baseline run side by side. Give it a quiet machine.
import { parseArgs } from 'node:util';
import { UsageError } from '../main.js';
import { openRuntime } from '../../server/runtime.js';
import { benchSandbox } from '../bench/sandbox.js';
import { table } from '../bench/stats.js';

const HELP = `usage: pier bench sandbox [--runs N] [--json] [--docker-host unix:///path.sock]
  sandbox   cold start (create → command running), teardown, and docker run of the same
            rootfs when a Docker engine answers (default socket, or --docker-host)`;

/** `pier bench …` */
export async function benchCommand(argv: string[]): Promise<number> {
  const [what, ...rest] = argv;
  if (!what || what === '--help' || what === '-h') return (console.log(HELP), what ? 0 : 2);
  const { values } = parseArgs({ args: rest, options: { runs: { type: 'string' }, json: { type: 'boolean' }, 'docker-host': { type: 'string' } }, strict: true });
  const runs = Number(values.runs ?? 50);
  if (!Number.isInteger(runs) || runs < 1 || runs > 10_000) throw new UsageError('--runs: a whole number from 1 to 10000');
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  if (what === 'sandbox') {
    const dockerHost = values['docker-host'];
    const r = await benchSandbox(openRuntime(), runs, log, dockerHost ? { dockerHost } : {});
    if (values.json) return (console.log(JSON.stringify(r)), 0);
    const rows = [
      { name: 'pier cold start', summary: r.coldStart, note: 'create → command running' },
      { name: '  create', summary: r.create, note: 'disk, overlay, runc run, network' },
      { name: '  exec', summary: r.exec, note: 'runc exec → first byte' },
      { name: 'pier teardown', summary: r.teardown },
      ...(r.docker ? [{ name: 'docker run --rm', summary: r.docker.run, note: r.docker.note }] : []),
    ];
    console.log(table(rows));
    if (r.speedup !== null) console.log(`\npier cold start is ${r.speedup}× faster than docker run (p50).`);
    return 0;
  }
  throw new UsageError(`unknown benchmark "${what}"\n${HELP}`);
}
