// The sandbox's writable disk: a sparse ext4 file mounted through a loop device, so the
// student meets ENOSPC (bytes) and inode exhaustion at their own limit while the host's
// free space is untouched until blocks are really written.
//
// Measured on the 2-core CI machine: truncate + mkfs.ext4 of a 2 GiB sparse file ~10 ms,
// loop mount ~11 ms; a fresh disk occupies ~1.2 MiB of host space.
import { mkdir, chown, truncate, open, readdir, copyFile, lstat, chmod } from 'node:fs/promises';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { runChecked } from '../host/command.js';
import { SANDBOX_ID_BASE } from '../layout.js';
import type { IdRange } from '../types.js';

/** Directories on the disk. upper/work back the overlay root; the others are bind-mounted
 * over the overlay so that nested overlayfs (podman's and dockerd's storage, a student's own
 * `mount -t overlay`) has a real filesystem below it: overlayfs refuses another overlayfs
 * as its upper layer. */
export const DISK_DIRS = {
  upper: { mode: 0o755 },
  work: { mode: 0o755 },
  root: { mode: 0o700, target: '/root' },
  tmp: { mode: 0o1777, target: '/tmp' },
  containers: { mode: 0o700, target: '/var/lib/containers' },
  // dockerd's data root: overlay2 on the overlay root fails (EINVAL), on ext4 it works.
  docker: { mode: 0o710, target: '/var/lib/docker' },
} as const;

/** At most one inode per this many bytes: inode tables must not eat a small disk. */
export const BYTES_PER_INODE_MIN = 8192;

/** Size, in bytes, above which a disk request is refused as a typo. */
export const DISK_MAX_BYTES = 1024 ** 4;

/**
 * Creates and formats a sparse ext4 image of `sizeBytes` with `inodes` inodes, owned by the
 * sandbox's root (host id `rootId`, the first of its range), and mounts it at `mountPoint`
 * (nodev, nosuid). The loop device is set to auto-clear, so unmounting frees it.
 */
export async function createDisk(image: string, mountPoint: string, sizeBytes: number, inodes: number, rootId: number = SANDBOX_ID_BASE): Promise<void> {
  const handle = await open(image, 'wx', 0o600);
  await handle.close();
  await truncate(image, sizeBytes);
  const owner = `${rootId}:${rootId}`;
  // No journal: the disk lives as long as the sandbox and a journal costs start time.
  // -m 0: no blocks reserved for root — root inside is the student.
  const inodeCount = Math.min(inodes, Math.floor(sizeBytes / BYTES_PER_INODE_MIN));
  await runChecked(
    'mkfs.ext4',
    ['-q', '-F', '-m', '0', '-N', String(inodeCount), '-O', '^has_journal', '-E', `lazy_itable_init=1,nodiscard,root_owner=${owner}`, image],
    { errorCode: 'DISK_SETUP_FAILED' },
  );
  await mkdir(mountPoint, { recursive: true });
  await runChecked('mount', ['-o', 'loop,nodev,nosuid,noatime', image, mountPoint], { errorCode: 'DISK_SETUP_FAILED' });
  for (const [name, { mode }] of Object.entries(DISK_DIRS)) {
    const dir = path.join(mountPoint, name);
    await mkdir(dir, { mode });
    await chmod(dir, mode);
    await chown(dir, rootId, rootId);
  }
}

/**
 * Copies the image's /root (dotfiles) into the disk's root/ directory, owned by the sandbox's
 * root. Only regular files directly in it; the image is ours, but we still refuse links.
 * Owners move from the image's on-disk range (SANDBOX_ID_BASE..) to the sandbox's `range`.
 */
export async function seedHome(imageRootfs: string, diskMount: string, range?: IdRange): Promise<void> {
  const shift = (id: number): number => (range && id >= SANDBOX_ID_BASE && id < SANDBOX_ID_BASE + range.size ? id - SANDBOX_ID_BASE + range.hostId : id);
  const from = path.join(imageRootfs, 'root');
  const to = path.join(diskMount, 'root');
  let names: string[] = [];
  try {
    names = await readdir(from);
  } catch {
    return;
  }
  for (const name of names) {
    const src = path.join(from, name);
    const st = await lstat(src);
    if (!st.isFile()) continue;
    const dst = path.join(to, name);
    await copyFile(src, dst);
    await chown(dst, shift(st.uid), shift(st.gid));
    await chmod(dst, st.mode & 0o7777);
  }
}

/** Bytes used and total on a mounted disk. */
export async function diskUsage(mountPoint: string): Promise<{ usedBytes: number; totalBytes: number }> {
  const s = await statfs(mountPoint);
  return { usedBytes: (s.blocks - s.bfree) * s.bsize, totalBytes: s.blocks * s.bsize };
}
