// The built offline image set on disk: `container-images/<id>/store.img` (an ext4 image
// holding podman's image store) and `image-set.json` beside it. The image is mounted
// read-only once on the host at `container-images/<id>/mnt` and bound from there into every
// sandbox. Read-only at the superblock: a bind mount's own `ro` the sandbox's root could
// undo (`mount -o remount,rw,bind`), and the store's files belong to that same root.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SandboxError } from '../../errors.js';
import { runChecked } from '../../host/command.js';
import { currentMounts } from '../../host/mounts.js';
import type { RuntimePaths } from '../../layout.js';
import { acquireLock } from '../lock.js';
import { IMAGE_SET_ID_LENGTH, imageSetHash, type ImageSetRecipe } from './recipes.js';

/** Where image sets live, one directory per set id. */
export const imageSetsDir = (paths: RuntimePaths): string => path.join(paths.stateDir, 'container-images');

/** Mode of the set directories: the sandbox's root (uid 100000) traverses them to the mount. */
export const IMAGE_SET_DIR_MODE = 0o755;

/** A set id: IMAGE_SET_ID_LENGTH lowercase hex characters. */
export const IMAGE_SET_ID_PATTERN = new RegExp(`^[0-9a-f]{${IMAGE_SET_ID_LENGTH}}$`);

/** The name of a set's manifest, written last: its presence means the set is complete. */
export const IMAGE_SET_MANIFEST = 'image-set.json';

const ManifestSchema = z.object({
  id: z.string().regex(IMAGE_SET_ID_PATTERN),
  version: z.number().int(),
  suite: z.string(),
  images: z.array(z.object({ name: z.string(), tags: z.array(z.string()), layerBytes: z.number().int().nonnegative() })),
  /** Bytes used inside the store (du of podman's store). */
  storeBytes: z.number().int().nonnegative(),
  /** Size of store.img on the host's disk (allocated blocks). */
  imageFileBytes: z.number().int().nonnegative(),
  createdAt: z.string(),
  buildSeconds: z.number().nonnegative(),
  /** Seconds per step, for docs/BENCHMARKS.md. */
  steps: z.record(z.string(), z.number().nonnegative()),
});

/** The contents of `image-set.json`. */
export type ImageSetManifest = z.infer<typeof ManifestSchema>;

/** A built set: its manifest plus its files. */
export interface ImageSetInfo extends ImageSetManifest {
  /** The ext4 image file. */
  imageFile: string;
  /** Where the image is (or will be) mounted read-only on the host. */
  mountPoint: string;
}

/** Paths of one set. */
export function imageSetPaths(paths: RuntimePaths, id: string) {
  const dir = path.join(path.resolve(imageSetsDir(paths)), id);
  return {
    dir,
    manifest: path.join(dir, IMAGE_SET_MANIFEST),
    imageFile: path.join(dir, 'store.img'),
    mountPoint: path.join(dir, 'mnt'),
  };
}

/** Serialises a manifest the way it is stored. */
export function imageSetManifestText(manifest: ImageSetManifest): string {
  return `${JSON.stringify(ManifestSchema.parse(manifest), null, 2)}\n`;
}

/** The set with this id if it is complete, else null. One small file read. */
export function findImageSet(paths: RuntimePaths, id: string): ImageSetInfo | null {
  if (!IMAGE_SET_ID_PATTERN.test(id)) return null;
  const p = imageSetPaths(paths, id);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(p.manifest, 'utf8'));
  } catch {
    return null; // absent (not built, or a build in progress) or cut short
  }
  const parsed = ManifestSchema.safeParse(json);
  if (!parsed.success || parsed.data.id !== id || !existsSync(p.imageFile)) return null;
  return { ...parsed.data, imageFile: p.imageFile, mountPoint: p.mountPoint };
}

/** The built set of `recipe`, or null when it is not built. */
export function currentImageSet(paths: RuntimePaths, recipe: ImageSetRecipe): ImageSetInfo | null {
  return findImageSet(paths, imageSetHash(recipe));
}

/** Whether `dir` is a mount point now. */
function isMounted(dir: string): boolean {
  return currentMounts().some((m) => m.mountPoint === dir);
}

/**
 * Mounts the set's store image read-only at its mount point unless it already is (after a
 * reboot it is not), and returns the directory to bind into sandboxes: podman's store.
 * Serialised by a lock file: two sandboxes starting at once must not stack two mounts.
 * @throws SandboxError COMMAND_FAILED when mount fails
 */
export async function mountImageSet(paths: RuntimePaths, set: ImageSetInfo): Promise<string> {
  const store = path.join(set.mountPoint, 'storage');
  if (isMounted(set.mountPoint)) return store;
  const release = await acquireLock(path.join(path.dirname(set.mountPoint), '.mount.lock'));
  try {
    if (!isMounted(set.mountPoint)) {
      mkdirSync(set.mountPoint, { recursive: true, mode: IMAGE_SET_DIR_MODE });
      // ro on a read-only loop device: the superblock itself is read-only.
      await runChecked('mount', ['-t', 'ext4', '-o', 'ro,loop,nodev,nosuid,noload', set.imageFile, set.mountPoint]);
    }
  } finally {
    release();
  }
  if (!existsSync(store)) throw new SandboxError('COMMAND_FAILED', `image set ${set.id}: ${store} is missing from ${set.imageFile}`);
  return store;
}

/**
 * The host directory to bind at NESTED_IMAGE_STORE in a new sandbox: the current set's
 * store, mounted if need be; null when the set is not built (sandboxes then start with an
 * empty image list, and `pier doctor` / `pier image build` say why).
 */
export async function imageSetStoreForSandbox(paths: RuntimePaths, recipe: ImageSetRecipe): Promise<string | null> {
  const set = currentImageSet(paths, recipe);
  return set === null ? null : mountImageSet(paths, set);
}
