// pier doctor: a table of this host's prerequisites, with what to do about each problem.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { checkHost, checkIsolation, checkParentCgroup, detectCgroupMode, currentHostSysctls, renderSysctlDropIn, type HostCheck } from '../../sandbox/index.js';
import type { SandboxRuntime } from '../../sandbox/index.js';
import { openRuntime } from '../../server/runtime.js';

const MARK: Record<HostCheck['status'], string> = { ok: '✓', warn: '!', fail: '✗' };

const HELP = `usage: pier doctor [--json] [--sysctl]
  Checks this host's prerequisites for pier.
  --sysctl  prints the sysctl drop-in sized for the configured uidRanges (setup installs it)`;

/** `pier doctor [--json] [--sysctl]`: exit 1 when a required check fails. */
export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, sysctl: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) return (console.log(HELP), 0);
  const config = loadConfig();
  if (values.sysctl) return (process.stdout.write(renderSysctlDropIn(config.uidRanges, await currentHostSysctls())), 0);
  const checks = await checkHost(config.stateDir, config.runtime);
  const runtime = openRuntime(config);
  checks.push(...(await checkIsolation(runtime.paths, config.uidMode, config.uidRanges)));
  checks.push(await checkParentCgroup(detectCgroupMode(), { memoryBytes: config.hostReserve.memory, cpus: config.hostReserve.cpus, pids: config.hostReserve.pids }));
  checks.push(await runtime.images.check());
  checks.push(imageSetCheck(runtime.imageSet.current()));
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

/** The doctor's line about the offline images of nested `docker`: a warning when missing (sandboxes still work). */
export function imageSetCheck(set: ReturnType<SandboxRuntime['imageSet']['current']>): HostCheck {
  if (set === null) {
    return { name: 'docker image set', status: 'warn', detail: 'not built: `docker run nginx` inside a sandbox will find no image offline', fix: 'pier image build' };
  }
  const names = set.images.map((i) => i.name).join(', ');
  return { name: 'docker image set', status: 'ok', detail: `${set.id} (${set.images.length} images: ${names}; ${(set.imageFileBytes / 1024 ** 2).toFixed(0)} MiB, built ${set.createdAt})` };
}
