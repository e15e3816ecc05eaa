// Built images on disk: `images/<id>/image.json` beside `images/<id>/rootfs/`. Reads,
// lists and removes them; building is build.ts's job.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SandboxError } from '../errors.js';
import { imagesDir, type RuntimePaths } from '../layout.js';
import { IMAGE_ID_LENGTH, recipeHash, type ImageRecipe } from './recipe.js';
import { overlaysUsing, removeAside } from './tree.js';

/** An image id: IMAGE_ID_LENGTH lowercase hex characters (the recipe hash). */
export const IMAGE_ID_PATTERN = new RegExp(`^[0-9a-f]{${IMAGE_ID_LENGTH}}$`);

/** The name of an image's manifest, written last: its presence means the image is complete. */
export const MANIFEST_NAME = 'image.json';

/** What `image.json` holds (validated on every read: it is an edge). */
const ManifestSchema = z.object({
  id: z.string().regex(IMAGE_ID_PATTERN),
  recipeVersion: z.number().int(),
  suite: z.string(),
  packages: z.array(z.string()),
  /** Where the packages came from, for people. */
  mirror: z.string(),
  /** ISO 8601 time the build finished. */
  createdAt: z.string(),
  /** Disk space of the rootfs, each inode once, in bytes. */
  sizeBytes: z.number().int().nonnegative(),
  fileCount: z.number().int().nonnegative(),
  buildSeconds: z.number().nonnegative(),
});

/** The contents of `image.json`. */
export type ImageManifest = z.infer<typeof ManifestSchema>;

/** A built image: its manifest plus where its root filesystem is. */
export interface ImageInfo extends ImageManifest {
  /** Absolute path of the root filesystem (files owned by SANDBOX_ID_BASE + n). */
  rootfs: string;
}

/** Paths of one image. */
export function imagePaths(paths: RuntimePaths, id: string) {
  const dir = path.join(path.resolve(imagesDir(paths)), id);
  return { dir, manifest: path.join(dir, MANIFEST_NAME), rootfs: path.join(dir, 'rootfs') };
}

/** Serialises a manifest the way it is stored. */
export function manifestText(manifest: ImageManifest): string {
  return `${JSON.stringify(ManifestSchema.parse(manifest), null, 2)}\n`;
}

/**
 * The image with this id if it is complete (valid manifest naming the same id, rootfs
 * present), else null. Cheap: one small file read and one stat.
 */
export function findImage(paths: RuntimePaths, id: string): ImageInfo | null {
  if (!IMAGE_ID_PATTERN.test(id)) return null;
  const p = imagePaths(paths, id);
  let text: string;
  try {
    text = readFileSync(p.manifest, 'utf8');
  } catch {
    return null; // not built (or not finished: the manifest is written last)
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success || parsed.data.id !== id || !existsSync(p.rootfs)) return null;
  return { ...parsed.data, rootfs: p.rootfs };
}

/** Every complete image under the state dir, newest first. Incomplete ones are skipped. */
export async function listImages(paths: RuntimePaths): Promise<ImageInfo[]> {
  let names: string[];
  try {
    names = await readdir(imagesDir(paths));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SandboxError('STATE_CORRUPT', `cannot read ${imagesDir(paths)}`, { cause: err });
  }
  return names
    .filter((n) => IMAGE_ID_PATTERN.test(n))
    .map((n) => findImage(paths, n))
    .filter((i): i is ImageInfo => i !== null)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/**
 * The image built from `recipe`.
 * @throws SandboxError IMAGE_NOT_FOUND when it has not been built (run `pier image build`)
 */
export async function currentImage(paths: RuntimePaths, recipe: ImageRecipe): Promise<ImageInfo> {
  const id = recipeHash(recipe);
  const image = findImage(paths, id);
  if (image === null) {
    throw new SandboxError(
      'IMAGE_NOT_FOUND',
      `no image ${id} (${recipe.suite}, recipe v${recipe.version}) under ${imagesDir(paths)}; run \`pier image build\``,
    );
  }
  return image;
}

/**
 * Throws INVALID_ARGUMENT when sandboxes have the image mounted as their lower layer:
 * removing files from under a live overlay is undefined behaviour.
 */
export function assertImageUnused(image: { id: string; rootfs: string }): void {
  const users = overlaysUsing(image.rootfs);
  if (users.length > 0) {
    throw new SandboxError('INVALID_ARGUMENT', `image ${image.id} is the lower layer of ${users.length} mounted sandbox(es): ${users.join(', ')}`, {
      userMessage: `Image ${image.id} is in use by ${users.length} sandbox(es); remove them first.`,
    });
  }
}

/**
 * Deletes an image. It is first renamed aside (`.remove-<id>-<pid>`) so that it stops
 * being visible at once, even if the deletion is interrupted.
 * @throws SandboxError INVALID_ARGUMENT (bad id, or in use), IMAGE_NOT_FOUND
 */
export async function removeImage(paths: RuntimePaths, id: string): Promise<void> {
  if (!IMAGE_ID_PATTERN.test(id)) {
    throw new SandboxError('INVALID_ARGUMENT', `not an image id: "${id}"`, { userMessage: `"${id}" is not an image id.` });
  }
  const p = imagePaths(paths, id);
  if (!existsSync(p.dir) || !statSync(p.dir).isDirectory()) {
    throw new SandboxError('IMAGE_NOT_FOUND', `no image ${id} under ${imagesDir(paths)}`, { userMessage: `There is no image ${id}.` });
  }
  assertImageUnused({ id, rootfs: p.rootfs });
  await removeAside(p.dir);
}
