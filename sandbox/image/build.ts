// Builds the sandbox image for a recipe, once: mmdebstrap into a temporary directory,
// write the recipe's files, shift ownership, then rename into place atomically.
import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { imagesDir, SANDBOX_ID_BASE, type RuntimePaths } from '../layout.js';
import { writeRecipeFiles } from './customize.js';
import { acquireLock, pidAlive } from './lock.js';
import { chooseMirror } from './mirror.js';
import { mmdebstrapArgs, runMmdebstrap } from './mmdebstrap.js';
import { createProgressParser, stepProgress, type BuildProgress } from './progress.js';
import { recipeHash, type ImageRecipe } from './recipe.js';
import { shiftOwnership } from './shift.js';
import { assertImageUnused, findImage, imagePaths, manifestText, type ImageInfo } from './store.js';
import { asidePath, processesUsing, removeTree } from './tree.js';

/**
 * Mode of the images directory and of each image's: searchable by everyone, because a
 * runtime may resolve a path under it from inside the sandbox's user namespace (as uid
 * SANDBOX_ID_BASE), and Debian packages hold nothing secret.
 */
const IMAGES_DIR_MODE = 0o755;
/** Leftovers of interrupted builds and removals: `.build-<id>-<pid>`, `.remove-<id>-<pid>`. */
const LEFTOVER = /^\.(?:build|remove)-[0-9a-f]+-(\d+)$/;

/** Options of buildImage. */
export interface BuildImageOptions {
  /** Build even when the image exists (it is replaced; refused while sandboxes use it). */
  force?: boolean;
  /** Called as the build moves on; never called for a cached image. */
  onProgress?: (progress: BuildProgress) => void;
  /** Aborting stops mmdebstrap and removes the partial build. */
  signal?: AbortSignal;
}

/**
 * Returns the image of `recipe`, building it first unless it exists.
 *
 * Cached: one manifest read, well under a second (this runs on every `npm start` and
 * `npm test`). Otherwise, holding a per-image lock file (a second caller waits, then gets
 * the finished image): mmdebstrap into `images/.build-<id>-<pid>/rootfs`, write the
 * recipe's files, shift ownership into the sandbox range, write `image.json`, and rename
 * the directory to `images/<id>`. On any failure the temporary directory is removed, so
 * there is never a half image; leftovers of killed builds are swept on the next build.
 * @param paths the runtime's state directory
 * @param recipe what to build (see recipe.ts)
 * @throws SandboxError IMAGE_BUILD_FAILED (with mmdebstrap's last output lines),
 *   COMMAND_NOT_FOUND (no mmdebstrap), HOST_UNSUPPORTED (not root), INVALID_ARGUMENT
 *   (`force` while sandboxes use the image)
 */
export async function buildImage(paths: RuntimePaths, recipe: ImageRecipe, options: BuildImageOptions = {}): Promise<ImageInfo> {
  const id = recipeHash(recipe);
  if (!options.force) {
    const cached = findImage(paths, id);
    if (cached) return cached;
  }
  if (process.getuid?.() !== 0) {
    throw new SandboxError('HOST_UNSUPPORTED', `building image ${id} needs root (mmdebstrap and chown); this is uid ${process.getuid?.()}`, {
      userMessage: 'Building the sandbox image needs root.',
    });
  }
  const dir = imagesDir(paths);
  mkdirSync(dir, { recursive: true, mode: IMAGES_DIR_MODE });
  const progress = options.onProgress ?? (() => {});
  const release = await acquireLock(path.join(dir, `.build-${id}.lock`), {
    onWait: (pid) => progress({ phase: 'waiting', percent: 0, message: `another build of ${id} is running (pid ${pid})` }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const existing = findImage(paths, id);
    if (existing && !options.force) return existing; // the build we waited for
    if (existing) assertImageUnused(existing);
    await sweepLeftovers(dir);
    return await buildLocked(paths, recipe, id, existing, options, progress);
  } finally {
    release();
  }
}

/** The build proper, under the lock. */
async function buildLocked(
  paths: RuntimePaths,
  recipe: ImageRecipe,
  id: string,
  existing: ImageInfo | null,
  options: BuildImageOptions,
  progress: (p: BuildProgress) => void,
): Promise<ImageInfo> {
  const started = Date.now();
  const final = imagePaths(paths, id);
  const tmp = path.join(path.dirname(final.dir), `.build-${id}-${process.pid}`);
  const rootfs = path.join(tmp, 'rootfs');
  let aside: string | null = null;
  try {
    if (existsSync(tmp)) await removeTree(tmp);
    mkdirSync(tmp, { mode: IMAGES_DIR_MODE });

    const mirror = chooseMirror(recipe.suite, recipe.mirror ?? '');
    progress({ phase: 'resolving', percent: 0, message: `${recipe.suite} from ${mirror.description}` });
    const parse = createProgressParser();
    await runMmdebstrap(mmdebstrapArgs(recipe, rootfs, mirror.args), {
      onLine: (line) => {
        const p = parse(line);
        if (p) progress(p);
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });

    progress(stepProgress('customizing', 0.5, `writing ${recipe.files.length} files`));
    writeRecipeFiles(rootfs, recipe.files);

    progress(stepProgress('shifting', 0, `uid/gid +${SANDBOX_ID_BASE}`));
    const stats = shiftOwnership(rootfs);
    progress(stepProgress('shifting', 1, `${stats.files} files`));
    if (options.signal?.aborted) throw new SandboxError('IMAGE_BUILD_FAILED', `building image ${id} was interrupted`);

    const manifest = {
      id,
      recipeVersion: recipe.version,
      suite: recipe.suite,
      packages: [...recipe.packages],
      mirror: mirror.description,
      createdAt: new Date().toISOString(),
      sizeBytes: stats.sizeBytes,
      fileCount: stats.files,
      buildSeconds: Math.round((Date.now() - started) / 100) / 10,
    };
    writeFileSync(path.join(tmp, 'image.json'), manifestText(manifest), { mode: 0o644 });
    aside = install(tmp, final.dir, existing !== null);
  } catch (err) {
    await removeTree(tmp).catch((cleanupErr: unknown) => {
      throw new SandboxError('IMAGE_BUILD_FAILED', `${(err as Error).message}\n(and could not remove ${tmp}: ${(cleanupErr as Error).message})`, { cause: err });
    });
    if (err instanceof SandboxError) throw err;
    throw new SandboxError('IMAGE_BUILD_FAILED', `building image ${id}: ${(err as Error).message}`, { cause: err });
  }
  if (aside !== null) await removeTree(aside); // the replaced image (or our unneeded copy)
  const image = findImage(paths, id);
  if (image === null) throw new SandboxError('IMAGE_BUILD_FAILED', `image ${id} is not readable right after its build (${final.manifest})`);
  progress(stepProgress('done', 1, `image ${id}`));
  return image;
}

/**
 * Renames the finished build to its final name. rename(2) of a directory refuses a
 * non-empty target, so a concurrent builder's image (after a lost lock race) is kept and
 * ours dropped. With `replace`, the old image is renamed aside first.
 * @returns what the caller must delete: the replaced image, or our unused build
 */
function install(tmp: string, finalDir: string, replace: boolean): string | null {
  const aside = asidePath(finalDir);
  if (replace) renameSync(finalDir, aside);
  try {
    renameSync(tmp, finalDir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (replace) renameSync(aside, finalDir); // keep the old image rather than none
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    return tmp; // someone else's complete image is already there
  }
  return replace ? aside : null;
}

/**
 * Removes build and removal directories whose process is gone (killed mid-way), unless
 * something still works in them (an orphaned mmdebstrap): those wait for a later build.
 */
async function sweepLeftovers(dir: string): Promise<void> {
  for (const name of readdirSync(dir)) {
    const pid = Number(LEFTOVER.exec(name)?.[1]);
    if (Number.isNaN(pid) || pid === process.pid || pidAlive(pid)) continue;
    const leftover = path.join(dir, name);
    if (processesUsing(leftover).length === 0) await removeTree(leftover);
  }
}
