// Removes an image directory safely: never descends into something mounted inside it
// (an interrupted mmdebstrap can leave /proc, /sys or /dev mounted in its chroot).
import { readdirSync, readFileSync, readlinkSync, renameSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { runCommand } from '../host/command.js';
import { currentMounts, mountsUnder, type MountEntry } from '../host/mounts.js';

/**
 * Overlay mounts that use `rootfs` as a lower layer (running sandboxes on an image): named
 * directly, or through a sandbox's idmapped view of it, `<image dir>/idmapped/<sandbox id>`
 * (sandbox/idmap/prepare.ts; the view itself is unmounted once the overlay exists).
 */
export function overlaysUsing(rootfs: string, mounts: MountEntry[] = currentMounts()): string[] {
  const lower = path.resolve(rootfs);
  const views = `${path.dirname(lower)}/idmapped/`;
  const uses = (layer: string): boolean => layer === lower || (layer.startsWith(views) && /^[0-9a-f]{10}$/.test(layer.slice(views.length)));
  return mounts
    .filter((m) => m.fsType === 'overlay')
    .filter((m) => /(?:^|,)lowerdir=([^,]*)/.exec(m.superOptions)?.[1]?.split(':').some(uses))
    .map((m) => m.mountPoint);
}

/**
 * pids of processes still working in `dir`: chrooted inside it (apt, dpkg) or naming it
 * on their command line (mmdebstrap itself, orphaned when its parent was SIGKILLed).
 */
export function processesUsing(dir: string): number[] {
  const prefix = path.resolve(dir);
  const inside = (p: string): boolean => p === prefix || p.startsWith(prefix + path.sep);
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const root = readlinkSync(`/proc/${name}/root`);
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (inside(root) || argv.some(inside)) pids.push(Number(name));
    } catch {
      // the process ended while we looked, or is not ours to inspect: not using dir
    }
  }
  return pids;
}

/**
 * Deletes `dir` recursively after lazily unmounting anything mounted inside it; refuses
 * (STATE_CORRUPT) when a mount stays, rather than delete through it into the host.
 */
export async function removeTree(dir: string): Promise<void> {
  for (const { mountPoint } of mountsUnder(dir)) {
    // -l: detach now even if busy; nothing inside a build chroot should be in use.
    await runCommand('umount', ['-l', mountPoint]);
  }
  const left = mountsUnder(dir).map((m) => m.mountPoint);
  if (left.length > 0) {
    throw new SandboxError('STATE_CORRUPT', `not removing ${dir}: still mounted inside it: ${left.join(', ')}`);
  }
  await rm(dir, { recursive: true, force: true });
}

/** Where `dir` is renamed while it is being deleted (`.remove-<name>-<pid>` beside it). */
export function asidePath(dir: string): string {
  return path.join(path.dirname(dir), `.remove-${path.basename(dir)}-${process.pid}`);
}

/**
 * Renames `dir` aside (asidePath) so that it stops being visible at once, even if the
 * deletion is interrupted, then deletes it with removeTree (mounts inside are detached).
 */
export async function removeAside(dir: string): Promise<void> {
  const aside = asidePath(dir);
  renameSync(dir, aside);
  await removeTree(aside);
}
