// The pier-owned shell every lesson script runs under: Debian's static bash, copied into a
// host folder pier owns and bound read-only into each sandbox at /.pier, so nothing in the
// student's filesystem (/bin/bash, /bin/sh, setsid, PATH, shared libraries) decides what runs.
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, rename, stat, symlink, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RuntimePaths } from '../layout.js';
import type { SpecBind } from '../spec/build-spec.js';
import { PIER_INIT, pierInitBinary } from '../spec/init.js';

/** Folder inside every sandbox holding pier's shell (a read-only bind of a host folder). */
export const PIER_BIN_DIR = '/.pier';
/** The static bash inside every sandbox; `/.pier/sh` is the same shell in POSIX mode. */
export const PIER_BASH = `${PIER_BIN_DIR}/bash`;
/** Where Debian's `bash-static` puts the shell (usr-merged hosts have both). */
export const HOST_STATIC_BASH = ['/usr/bin/bash-static', '/bin/bash-static'];

/**
 * The bind of pier's shell folder, made (or refreshed) on the host first: a folder, not the
 * file, so a student cannot rename the file's parent away and put their own `bash` in its
 * place (a mount point itself cannot be renamed or removed). Null when the host has no
 * `bash-static` (`scripts/setup.sh` installs it): the sandbox starts, its lesson scripts fail.
 */
export async function interpreterBind(paths: RuntimePaths): Promise<SpecBind | null> {
  const source = HOST_STATIC_BASH.find((p) => existsSync(p));
  if (source === undefined) return null;
  const dir = path.join(paths.stateDir, 'interpreter');
  const target = path.join(dir, 'bash');
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await refresh(source, target);
  // pier's init (spec/init.ts), when scripts/setup.sh built it.
  const init = pierInitBinary();
  if (init !== null) await refresh(init, path.join(dir, path.basename(PIER_INIT)));
  const sh = path.join(dir, 'sh');
  if (!existsSync(sh)) await symlink('bash', sh).catch(async () => rm(sh, { force: true }).then(() => symlink('bash', sh)));
  return { source: dir, destination: PIER_BIN_DIR, readonly: true };
}

/** Copies `source` to `target` (0755) unless the copy is there and as new. */
async function refresh(source: string, target: string): Promise<void> {
  const [from, to] = await Promise.all([stat(source), stat(target).catch(() => null)]);
  if (to === null || to.size !== from.size || to.mtimeMs < from.mtimeMs) {
    // Copied beside and renamed into place: a sandbox starting meanwhile sees the old or the new file, never half.
    const tmp = `${target}.${process.pid}.${Date.now()}`;
    await copyFile(source, tmp);
    await chmod(tmp, 0o755);
    await rename(tmp, target);
  }
}
