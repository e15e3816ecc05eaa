// Shifts the ownership of an image tree into the sandbox uid/gid range once, so the tree
// can serve every sandbox as a read-only overlay lower layer without idmapped mounts.
import { chmodSync, lchownSync, lstatSync, readdirSync, type Stats } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { SANDBOX_ID_BASE, SANDBOX_ID_COUNT } from '../layout.js';

/** Mode bits that chown(2) clears on non-directories and that we put back. */
const SETID_BITS = 0o6000;
/** Permission bits chmod(2) sets (setuid, setgid, sticky, rwx×3). */
const PERMISSION_BITS = 0o7777;
/** Size unit of `st_blocks`, in bytes. */
const BLOCK_BYTES = 512;

/** What a shift saw and did. */
export interface ShiftStats {
  /** Entries walked (files, directories, symlinks, devices…), hard links counted each time. */
  files: number;
  /** Entries whose owner or group changed. */
  shifted: number;
  /** Disk space used by the tree, each inode counted once, in bytes. */
  sizeBytes: number;
}

/** The range a shift maps from `[0, count)` to `[base, base + count)`. */
export interface ShiftRange {
  /** First host id (what id 0 becomes), default SANDBOX_ID_BASE. */
  base: number;
  /** Number of ids mapped, default SANDBOX_ID_COUNT. */
  count: number;
}

const DEFAULT_RANGE: ShiftRange = { base: SANDBOX_ID_BASE, count: SANDBOX_ID_COUNT };

/**
 * The id an owner becomes, or null when it is already inside the shifted range (a second
 * run, or a hard link met before). Throws for an id that no sandbox could map.
 */
export function shiftedId(id: number, range: ShiftRange, file: string): number | null {
  if (id >= range.base && id < range.base + range.count) return null;
  if (id >= 0 && id < range.count) return id + range.base;
  throw new SandboxError(
    'IMAGE_BUILD_FAILED',
    `${file}: owner id ${id} is outside both 0..${range.count - 1} and the shifted range ${range.base}..${range.base + range.count - 1}`,
  );
}

/**
 * Walks `root` (without following symlinks or crossing into other mounts) and adds
 * `range.base` to the uid and gid of every entry that is not shifted yet, with lchown.
 * Setuid/setgid bits cleared by chown are restored right after (never on symlinks, whose
 * mode is meaningless and whose chmod would follow the link).
 *
 * File capabilities (`security.capability` xattrs, e.g. `cap_net_raw=ep` on ping) are
 * dropped by chown, too, and are not restored. That is acceptable: the sandbox's root
 * holds the full container capability set in its own user namespace, so what those
 * files granted is already there for root; only non-root users inside lose it, and
 * lessons run as root. (Restoring them would need namespaced v3 capabilities written
 * with `setcap -n <base>`.)
 *
 * Synchronous on purpose: ~13k files take ~120 ms, cheaper than promise overhead.
 * @param root directory to shift, usually the image's rootfs
 * @param range id range, default SANDBOX_ID_BASE / SANDBOX_ID_COUNT
 * @returns counts and the tree's disk usage
 */
export function shiftOwnership(root: string, range: ShiftRange = DEFAULT_RANGE): ShiftStats {
  const stats: ShiftStats = { files: 0, shifted: 0, sizeBytes: 0 };
  const seenInodes = new Set<number>();
  const rootStat = lstatSync(root);
  if (!rootStat.isDirectory()) {
    throw new SandboxError('IMAGE_BUILD_FAILED', `cannot shift ${root}: not a directory`);
  }

  const visit = (file: string, st: Stats): void => {
    stats.files += 1;
    if (!seenInodes.has(st.ino)) {
      seenInodes.add(st.ino);
      stats.sizeBytes += st.blocks * BLOCK_BYTES;
    }
    const uid = shiftedId(st.uid, range, file);
    const gid = shiftedId(st.gid, range, file);
    if (uid !== null || gid !== null) {
      lchownSync(file, uid ?? st.uid, gid ?? st.gid);
      stats.shifted += 1;
      if (!st.isSymbolicLink() && (st.mode & SETID_BITS) !== 0) chmodSync(file, st.mode & PERMISSION_BITS);
    }
    if (!st.isDirectory()) return;
    for (const name of readdirSync(file)) {
      const child = path.join(file, name);
      const childStat = lstatSync(child);
      // A mount left inside the tree (/proc of an interrupted build) is not the image's.
      if (childStat.dev !== rootStat.dev) continue;
      visit(child, childStat);
    }
  };

  visit(root, rootStat);
  return stats;
}
