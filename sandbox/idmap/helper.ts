// Calls of pier-idmap (sandbox/native/pier-idmap.c, built by scripts/setup.sh): an idmapped
// read-only view of a shared tree, and a user namespace owned by a sandbox's own host uid.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from '../errors.js';
import { runCommand } from '../host/command.js';
import type { IdRange } from '../types.js';
import { sandboxLimitArgs } from '../host/shared-limits.js';

/** Time one helper call may take (it makes a process, two maps and a mount: ~2 ms). */
export const IDMAP_HELPER_TIMEOUT_MS = 10_000;
/** The helper's path relative to the repository root. */
export const IDMAP_HELPER_RELATIVE = 'sandbox/native/build/pier-idmap';

/**
 * The helper's absolute path, found from this module upwards (the source tree runs this
 * file from sandbox/idmap/, the build from dist/sandbox/idmap/); null when not built.
 */
export function idmapHelperPath(): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, IDMAP_HELPER_RELATIVE);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

async function runHelper(args: string[]): Promise<void> {
  const helper = idmapHelperPath();
  if (helper === null) {
    throw new SandboxError('HOST_UNSUPPORTED', `${IDMAP_HELPER_RELATIVE} is not built (per-sandbox uid ranges need it)`, {
      userMessage: 'pier-idmap is not built; run scripts/setup.sh (or set uidMode to shared).',
    });
  }
  const r = await runCommand(helper, args, { timeoutMs: IDMAP_HELPER_TIMEOUT_MS });
  if (r.code !== 0) throw new SandboxError('DISK_SETUP_FAILED', `pier-idmap ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
}

/**
 * Mounts a read-only clone of `source` at `target` (created if missing) through which a file
 * owned by `fromId + n` on disk appears owned by `range.hostId + n`. The source tree is
 * neither copied nor changed.
 */
export async function mountIdmapped(source: string, target: string, fromId: number, range: IdRange): Promise<void> {
  await mkdir(target, { recursive: true, mode: 0o700 });
  await runHelper(['mount', String(fromId), String(range.hostId), String(range.size), path.resolve(source), path.resolve(target)]);
}

/**
 * Creates the sandbox's user namespace (uid/gid 0..size-1 → range.hostId..) inside an outer
 * one that holds the sandbox's share of inotify, fanotify and namespace counters
 * (SANDBOX_USER_LIMITS), and bind-mounts it at `pin` for runc to join.
 */
export async function createUserNamespace(pin: string, range: IdRange): Promise<void> {
  await writeFile(pin, '', { mode: 0o600 });
  await runHelper(['userns', String(range.hostId), String(range.size), path.resolve(pin), ...sandboxLimitArgs()]);
}
