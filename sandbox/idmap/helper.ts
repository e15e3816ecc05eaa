// Calls of pier-idmap (sandbox/native/pier-idmap.c, built by scripts/setup.sh): idmapped
// read-only views of shared trees, the sandbox's root overlay over one, a user namespace
// holding the sandbox's share of the kernel's counters, and umount2. Several operations run
// in one call (one process) joined by "+".
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from '../errors.js';
import { runCommand } from '../host/command.js';
import type { IdRange } from '../types.js';
import { sandboxLimitArgs } from '../host/shared-limits.js';

/** Time one helper call may take (a few processes, maps and mounts: a few ms). */
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

/** One helper operation: its name and arguments. */
export type IdmapOp = string[];

/** Throws INVALID_ARGUMENT for a path overlayfs would split (its options use ',' and ':'). */
function checkOverlayPath(p: string): string {
  if (/[,:]/.test(p)) throw new SandboxError('INVALID_ARGUMENT', `overlay path contains ',' or ':': ${p}`);
  return path.resolve(p);
}

/**
 * An idmapped read-only view of `source` at `target` (an existing empty directory): a file
 * owned by `fromId + n` on disk appears owned by `range.hostId + n`.
 */
export const viewOp = (source: string, target: string, fromId: number, range: IdRange): IdmapOp =>
  ['mount', String(fromId), String(range.hostId), String(range.size), path.resolve(source), path.resolve(target)];

/**
 * overlayfs at `target` over a view of `image` at `view` (existing, empty; unmounted and
 * removed again by the helper), upper and work on the sandbox's disk.
 */
export const overlayOp = (o: { image: string; view: string; upper: string; work: string; target: string; fromId: number; range: IdRange }): IdmapOp => [
  'overlay',
  String(o.fromId),
  String(o.range.hostId),
  String(o.range.size),
  ...[o.image, o.view, o.upper, o.work, o.target].map(checkOverlayPath),
];

/**
 * The sandbox's user namespace (uid/gid 0..size-1 → range.hostId..) inside an outer one that
 * holds its share of inotify, fanotify and namespace counters (SANDBOX_USER_LIMITS),
 * bind-mounted at `pin` (an existing empty file) for runc to join.
 */
export const userNamespaceOp = (pin: string, range: IdRange): IdmapOp => ['userns', String(range.hostId), String(range.size), path.resolve(pin), ...sandboxLimitArgs()];

/** umount2 of each target (not mounted counts as done; busy ones are detached). */
export const umountOp = (targets: readonly string[]): IdmapOp => ['umount', ...targets.map((t) => path.resolve(t))];

/**
 * Runs `ops` in order in one helper process.
 * @throws SandboxError HOST_UNSUPPORTED when the helper is not built, DISK_SETUP_FAILED when an
 *   operation fails (the ones before it stay done: the caller's teardown undoes them)
 */
export async function runIdmap(ops: readonly IdmapOp[]): Promise<void> {
  if (ops.length === 0) return;
  const helper = idmapHelperPath();
  if (helper === null) {
    throw new SandboxError('HOST_UNSUPPORTED', `${IDMAP_HELPER_RELATIVE} is not built (per-sandbox uid ranges need it)`, {
      userMessage: 'pier-idmap is not built; run scripts/setup.sh (or set uidMode to shared).',
    });
  }
  const args = ops.flatMap((op, i) => (i === 0 ? op : ['+', ...op]));
  const r = await runCommand(helper, args, { timeoutMs: IDMAP_HELPER_TIMEOUT_MS });
  if (r.code !== 0) throw new SandboxError('DISK_SETUP_FAILED', `pier-idmap ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
}
