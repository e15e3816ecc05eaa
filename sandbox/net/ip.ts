// Thin wrappers around iproute2 and /proc/sys for the network code: batches of `ip`
// commands (one process for many changes), tolerant link deletion, link listing.
import { writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { runCommand, runChecked } from '../host/command.js';
import { SandboxError } from '../errors.js';

/** Time one `ip` invocation may take; they finish in milliseconds unless the host is stuck. */
export const IP_TIMEOUT_MS = 10_000;

/** Interface names we create or delete: `pierb`/`pierv` plus 10 hex, or test names. */
const IFNAME_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;

/** Throws INVALID_ARGUMENT unless `name` is a plausible interface name (no spaces, ≤15). */
export function checkIfname(name: string): void {
  if (!IFNAME_PATTERN.test(name)) throw new SandboxError('INVALID_ARGUMENT', `bad interface name ${JSON.stringify(name)}`);
}

/**
 * Runs several `ip` commands in one process (`ip -batch -`), stopping at the first error.
 * With `netnsPath` the batch runs inside that network namespace (`nsenter --net=`): one
 * process spawn, two execs. Every line is built from validated names and addresses only.
 */
export async function ipBatch(lines: readonly string[], options: { netnsPath?: string } = {}): Promise<void> {
  const input = `${lines.join('\n')}\n`;
  if (options.netnsPath === undefined) {
    await runChecked('ip', ['-batch', '-'], { input, timeoutMs: IP_TIMEOUT_MS });
  } else {
    await runChecked('nsenter', [`--net=${options.netnsPath}`, 'ip', '-batch', '-'], { input, timeoutMs: IP_TIMEOUT_MS });
  }
}

/** Runs one `ip` command on the host; rejects with COMMAND_FAILED on a non-zero exit. */
export async function ip(args: readonly string[]): Promise<string> {
  return runChecked('ip', args, { timeoutMs: IP_TIMEOUT_MS });
}

/** What `ip link del` says when the link is not there (any more). */
export const LINK_GONE = /Cannot find device|does not exist|No such device/i;

/**
 * Deletes a host link. Idempotent: a link that does not exist is not an error. Deleting
 * either end of a veth pair removes both.
 * @returns true when a link was deleted
 */
export async function deleteLink(name: string): Promise<boolean> {
  checkIfname(name);
  const r = await runCommand('ip', ['link', 'del', 'dev', name], { timeoutMs: IP_TIMEOUT_MS });
  if (r.code === 0) return true;
  // "No such device": the link vanished between ip's lookup and the delete — a veth whose
  // sandbox's network namespace the kernel was just tearing down (destroy runs the
  // filesystem and network teardown in parallel).
  if (LINK_GONE.test(r.stderr)) return false;
  throw new SandboxError('COMMAND_FAILED', `ip link del dev ${name} exited ${r.code}: ${r.stderr.trim()}`);
}

const LinkListSchema = z.array(z.object({ ifname: z.string() }).passthrough());

/** Names of the host's links that start with `prefix`. */
export async function listLinks(prefix: string): Promise<string[]> {
  const out = await ip(['-j', 'link', 'show']);
  const parsed = LinkListSchema.safeParse(JSON.parse(out || '[]'));
  if (!parsed.success) throw new SandboxError('COMMAND_FAILED', `cannot parse \`ip -j link show\`: ${parsed.error.message}`);
  return parsed.data.map((l) => l.ifname).filter((n) => n.startsWith(prefix));
}

/**
 * Sets per-interface sysctls of a host link by writing /proc/sys directly (no process).
 * Keys are relative to /proc/sys/net, e.g. `ipv6/conf/<if>/disable_ipv6`.
 */
export async function setLinkSysctls(ifname: string, values: Record<string, string | number>): Promise<void> {
  checkIfname(ifname);
  for (const [key, value] of Object.entries(values)) {
    const file = `/proc/sys/net/${key.replace('<if>', ifname)}`;
    try {
      await writeFile(file, String(value));
    } catch (err) {
      throw new SandboxError('COMMAND_FAILED', `cannot write ${value} to ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
}
