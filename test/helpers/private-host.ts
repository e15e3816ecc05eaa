// Runs a test scenario in a child process inside a fresh network namespace: its own links,
// nftables ruleset and net sysctls, so host-wide network operations touch nothing of the host.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand, runChecked } from '../../sandbox/host/command.js';
import type * as netModule from '../../sandbox/net/index.js';

/** Each scenario gets the network module, the command helpers and its parameters. */
export type Scenario<P, R> = (net: typeof netModule, cmd: { runChecked: typeof runChecked; runCommand: typeof runCommand }, params: P) => Promise<R>;

/**
 * Runs `scenario` in a child process inside a fresh network namespace `name`: its own links,
 * nft table and sysctls, so host-wide operations touch nothing of this host. Deleting the
 * namespace afterwards removes whatever the child left there.
 * @param options.timeoutMs how long the child may take (default COMMAND_TIMEOUT_MS)
 * @returns what the scenario returned (through JSON)
 */
export async function inPrivateHost<P, R>(name: string, scenario: Scenario<P, R>, params: P, options: { timeoutMs?: number } = {}): Promise<R> {
  await runChecked('ip', ['netns', 'add', name]);
  try {
    await runChecked('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    const repo = fileURLToPath(new URL('../..', import.meta.url));
    const src = [
      // HACK: tsx (esbuild, keepNames) wraps named functions in the scenario's source with
      // its `__name` helper, which does not exist in the child; a no-op stands in for it.
      'const __name = (fn) => fn;',
      `const net = await import(${JSON.stringify(path.join(repo, 'sandbox/net/index.ts'))});`,
      `const cmd = await import(${JSON.stringify(path.join(repo, 'sandbox/host/command.ts'))});`,
      `const out = await (${scenario.toString()})(net, cmd, ${JSON.stringify(params)});`,
      'console.log(JSON.stringify(out));',
    ].join('\n');
    const out = await runChecked('ip', ['netns', 'exec', name, process.execPath, '--import', 'tsx', '--input-type=module', '-e', src], { cwd: repo, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    return JSON.parse(out.trim().split('\n').pop() ?? 'null') as R;
  } finally {
    await runCommand('ip', ['netns', 'del', name]);
  }
}

