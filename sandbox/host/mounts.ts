// Mount bookkeeping: what is mounted under a directory (from /proc/self/mountinfo), and
// unmounting that tolerates "not mounted" so teardown can be repeated safely.
import { readFileSync } from 'node:fs';
import { runCommand, runChecked } from './command.js';
import { SandboxError } from '../errors.js';

/** One line of /proc/self/mountinfo, the fields we use. */
export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  /** Per-superblock options, e.g. overlay's `lowerdir=…`. */
  superOptions: string;
}

/** Decodes the octal escapes (\040 for space…) mountinfo uses in paths. */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Parses mountinfo text. */
export function parseMountInfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const [left, right] = line.split(' - ');
    if (left === undefined || right === undefined) continue;
    const l = left.split(' ');
    const r = right.split(' ');
    const mountPoint = l[4];
    const [fsType, source, superOptions] = r;
    if (mountPoint === undefined || fsType === undefined || source === undefined) continue;
    entries.push({ mountPoint: unescape(mountPoint), fsType, source: unescape(source), superOptions: unescape(superOptions ?? '') });
  }
  return entries;
}

/** The host's current mounts. */
export function currentMounts(): MountEntry[] {
  return parseMountInfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Mounts at or below `dir`, deepest first (the order to unmount them in). */
export function mountsUnder(dir: string, mounts = currentMounts()): MountEntry[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return mounts
    .filter((m) => m.mountPoint === dir || m.mountPoint.startsWith(prefix))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
}

/**
 * Unmounts `target`; "not mounted" counts as done. A busy mount is detached lazily
 * (MNT_DETACH) so teardown never hangs on a straggling process.
 */
export async function unmount(target: string): Promise<void> {
  const result = await runCommand('umount', [target]);
  if (result.code === 0 || /not mounted|no mount point|no such file/i.test(result.stderr)) return;
  if (/busy/i.test(result.stderr)) {
    await runChecked('umount', ['--lazy', target]);
    return;
  }
  throw new SandboxError('COMMAND_FAILED', `umount ${target}: ${result.stderr.trim()}`);
}
