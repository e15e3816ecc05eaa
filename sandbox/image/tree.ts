// Removes an image directory safely: never descends into something mounted inside it
// (an interrupted mmdebstrap can leave /proc, /sys or /dev mounted in its chroot).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { runCommand } from '../host/command.js';

/** One line of /proc/self/mountinfo, the fields we use. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  /** Per-superblock options, e.g. overlay's `lowerdir=…`. */
  superOptions: string;
}

/** Undoes mountinfo's octal escapes (`\040` for a space). */
const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));

/** Parses /proc/self/mountinfo text (proc(5)). */
export function parseMountInfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const mountPoint = left.split(' ')[4];
    const [fsType, , superOptions] = right.split(' ');
    if (mountPoint === undefined || fsType === undefined) continue;
    out.push({ mountPoint: unescape(mountPoint), fsType, superOptions: unescape(superOptions ?? '') });
  }
  return out;
}

/** This process's mount table. */
export function readMounts(): MountEntry[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Mount points strictly inside `dir`, deepest first. */
export function mountsUnder(dir: string, mounts: MountEntry[] = readMounts()): string[] {
  const prefix = path.resolve(dir) + path.sep;
  return mounts
    .map((m) => m.mountPoint)
    .filter((p) => p.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Overlay mounts that use `rootfs` as a lower layer (running sandboxes on an image). */
export function overlaysUsing(rootfs: string, mounts: MountEntry[] = readMounts()): string[] {
  const lower = path.resolve(rootfs);
  return mounts
    .filter((m) => m.fsType === 'overlay')
    .filter((m) => /(?:^|,)lowerdir=([^,]*)/.exec(m.superOptions)?.[1]?.split(':').includes(lower))
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
  for (const mountPoint of mountsUnder(dir)) {
    // -l: detach now even if busy; nothing inside a build chroot should be in use.
    await runCommand('umount', ['-l', mountPoint]);
  }
  const left = mountsUnder(dir);
  if (left.length > 0) {
    throw new SandboxError('STATE_CORRUPT', `not removing ${dir}: still mounted inside it: ${left.join(', ')}`);
  }
  await rm(dir, { recursive: true, force: true });
}
