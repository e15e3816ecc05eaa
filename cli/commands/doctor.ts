// pier doctor: a table of this host's prerequisites, with what to do about each problem.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { checkHost, type HostCheck } from '../../sandbox/index.js';
import { openRuntime } from '../../server/runtime.js';

const MARK: Record<HostCheck['status'], string> = { ok: '✓', warn: '!', fail: '✗' };

/** `pier doctor [--json]`: exit 1 when a required check fails. */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) return (console.log("usage: pier doctor [--json]\n  Checks this host's prerequisites for pier."), 0);
  const config = loadConfig();
  const checks = await checkHost(config.stateDir);
  checks.push(await openRuntime(config).images.check());
  if (values.json) {
    console.log(JSON.stringify(checks));
  } else {
    const width = Math.max(...checks.map((c) => c.name.length));
    for (const c of checks) {
      console.log(`${MARK[c.status]} ${c.name.padEnd(width)}  ${c.detail}`);
      if (c.status !== 'ok' && c.fix) console.log(`  ${' '.repeat(width)}  → ${c.fix}`);
    }
  }
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}
