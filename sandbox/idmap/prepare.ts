// What a sandbox with its own host id range needs before `runc run`: its root overlay over
// an idmapped view of the shared image, an idmapped view of the offline image store, and a
// user namespace owned by its range. The shared trees are never copied or re-chowned.
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { SANDBOX_ID_BASE } from '../layout.js';
import { unmount } from '../host/mounts.js';
import { mountOverlay } from '../rootfs/overlay.js';
import type { IdRange } from '../types.js';
import { createUserNamespace, mountIdmapped } from './helper.js';

/** Name of the directory beside an image's rootfs holding transient idmapped views of it. */
export const IDMAPPED_DIR = 'idmapped';

/**
 * Where sandbox `sandboxId`'s idmapped view of the image is mounted while its overlay is
 * made: `images/<hash>/idmapped/<sandboxId>`. Beside the image, so that the overlay's
 * `lowerdir=` still names the image it uses (image removal checks it, image/tree.ts).
 */
export const idmappedLowerPath = (imageRootfs: string, sandboxId: string): string =>
  path.join(path.dirname(path.resolve(imageRootfs)), IDMAPPED_DIR, sandboxId);

/** What mountSandboxRoot needs. */
export interface SandboxRootInput {
  sandboxId: string;
  imageRootfs: string;
  upper: string;
  work: string;
  rootfs: string;
  range: IdRange;
}

/**
 * Mounts the sandbox's root overlay. With the shared range the image is the lower layer as
 * it is; otherwise an idmapped read-only view of it (on-disk owners SANDBOX_ID_BASE+n seen as
 * range.hostId+n) is, mounted only until the overlay exists: overlayfs keeps private clones
 * of its layers, so the view can go at once and leaves no mount to leak.
 */
export async function mountSandboxRoot(input: SandboxRootInput): Promise<void> {
  if (input.range.index === null) {
    await mountOverlay(input.imageRootfs, input.upper, input.work, input.rootfs);
    return;
  }
  const lower = idmappedLowerPath(input.imageRootfs, input.sandboxId);
  try {
    await mountIdmapped(input.imageRootfs, lower, SANDBOX_ID_BASE, input.range);
    await mountOverlay(lower, input.upper, input.work, input.rootfs);
  } finally {
    await unmount(lower);
    await rmdir(lower).catch(() => undefined);
  }
}

/**
 * Before `runc run` of a sandbox with its own range: its user namespace at `pin` and, when
 * an image store is given, an idmapped view of it at `storeView`.
 * @returns the directory to bind at the store's place inside (the view, or the store itself
 *   for the shared range), or null when there is no store
 */
export async function prepareSandboxIds(
  range: IdRange,
  files: { pin: string; storeView: string },
  imageStore: string | null,
): Promise<{ userNamespacePath: string | undefined; store: string | null }> {
  if (range.index === null) return { userNamespacePath: undefined, store: imageStore };
  await createUserNamespace(files.pin, range);
  if (imageStore === null) return { userNamespacePath: files.pin, store: null };
  await mountIdmapped(imageStore, files.storeView, SANDBOX_ID_BASE, range);
  return { userNamespacePath: files.pin, store: files.storeView };
}

/**
 * After `runc run`: the container's init holds its user namespace and its own bind of the
 * store, so the host-side pin and view are unmounted (their files removed). Idempotent.
 */
export async function releaseSandboxIdMounts(files: { pin: string; storeView: string }): Promise<void> {
  for (const target of [files.storeView, files.pin]) {
    await unmount(target);
    await rm(target, { recursive: true, force: true });
  }
}
