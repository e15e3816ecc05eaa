// Writes the recipe's files into a freshly installed tree, refusing to follow any symlink
// (an absolute link in the tree would point at the host's own files).
import { appendFileSync, chmodSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import type { RecipeFile } from './recipe.js';

/** Mode of directories created on the way to a recipe file. */
const NEW_DIR_MODE = 0o755;

/** lstat that answers null for a missing path. */
function lstatOrNull(file: string) {
  try {
    return lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * The host path of `file` inside `root`, with every parent directory present and none of
 * them a symlink. Why this is safe: we run as the host's root, and the tree's own links
 * are absolute paths meant for inside the sandbox (`/etc/alternatives/…`); following one
 * here would write to the host. Checking each component with lstat and creating missing
 * ones ourselves means every write lands inside `root` (nothing else changes the tree
 * while the build holds its lock).
 */
function safeTarget(root: string, file: string): string {
  if (!path.isAbsolute(file) || path.normalize(file) !== file || file === '/') {
    throw new SandboxError('IMAGE_BUILD_FAILED', `recipe file path must be absolute and normal: "${file}"`);
  }
  const parts = file.split('/').filter(Boolean);
  let at = root;
  for (const part of parts.slice(0, -1)) {
    at = path.join(at, part);
    const st = lstatOrNull(at);
    if (st === null) mkdirSync(at, { mode: NEW_DIR_MODE });
    else if (!st.isDirectory()) throw new SandboxError('IMAGE_BUILD_FAILED', `cannot write ${file}: ${at} is not a plain directory`);
  }
  const target = path.join(root, file);
  const st = lstatOrNull(target);
  if (st !== null && !st.isFile()) throw new SandboxError('IMAGE_BUILD_FAILED', `cannot write ${file}: it exists and is not a regular file`);
  return target;
}

/**
 * Writes each recipe file under `root` (created or replaced, or appended to with
 * `append`), owned by whoever runs the build (root) and with the recipe's mode.
 * @param root the image's rootfs, before its ownership is shifted
 */
export function writeRecipeFiles(root: string, files: readonly RecipeFile[]): void {
  for (const f of files) {
    const target = safeTarget(root, f.path);
    if (f.append) appendFileSync(target, f.content, { mode: f.mode });
    else writeFileSync(target, f.content, { mode: f.mode });
    chmodSync(target, f.mode); // the mode option only applies to a file being created
  }
}
