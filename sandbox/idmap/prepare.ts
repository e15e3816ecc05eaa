// What a sandbox with its own host id range needs before `runc run`: its root overlay over
// an idmapped view of the shared image, an idmapped view of the offline image store, and a
// user namespace holding its share of the kernel's counters — all made in one helper call.
// The shared trees are never copied or re-chowned.
import { mkdir, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SANDBOX_ID_BASE } from '../layout.js';
import { currentMounts, unmount } from '../host/mounts.js';
import { mountOverlay } from '../rootfs/overlay.js';
import type { IdRange } from '../types.js';
import { overlayOp, runIdmap, umountOp, userNamespaceOp, viewOp, type IdmapOp } from './helper.js';

/** Name of the directory beside an image's rootfs holding transient idmapped views of it. */
export const IDMAPPED_DIR = 'idmapped';

/**
 * Where sandbox `sandboxId`'s idmapped view of the image is mounted while its overlay is
 * made: `images/<hash>/idmapped/<sandboxId>`. Beside the image, so that the overlay's
 * `lowerdir=` still names the image it uses (image removal checks it, image/tree.ts).
 */
export const idmappedLowerPath = (imageRootfs: string, sandboxId: string): string =>
  path.join(path.dirname(path.resolve(imageRootfs)), IDMAPPED_DIR, sandboxId);

/** What prepareSandboxFilesystem needs. */
export interface SandboxPrepareInput {
  sandboxId: string;
  range: IdRange;
  imageRootfs: string;
  upper: string;
  work: string;
  rootfs: string;
  /** Host directory of the offline image store, or null when none is built. */
  imageStore: string | null;
  /** Where the user namespace is pinned and the store's view mounted (in the sandbox's dir). */
  pin: string;
  storeView: string;
}

/**
 * Mounts the sandbox's root overlay and, with a range of its own, makes its user namespace
 * and store view. With the shared range the image is the lower layer as it is and runc makes
 * the namespace. Otherwise the lower layer is an idmapped read-only view of the image
 * (on-disk owners SANDBOX_ID_BASE+n seen as range.hostId+n), mounted only until the overlay
 * exists: overlayfs keeps private clones of its layers, so no view mount is left to leak.
 * @returns the user namespace for runc to join (none: runc makes one) and the directory to
 *   bind at the store's place (or null)
 */
export async function prepareSandboxFilesystem(i: SandboxPrepareInput): Promise<{ userNamespacePath: string | undefined; store: string | null }> {
  if (i.range.index === null) {
    await mountOverlay(i.imageRootfs, i.upper, i.work, i.rootfs);
    return { userNamespacePath: undefined, store: i.imageStore };
  }
  const view = idmappedLowerPath(i.imageRootfs, i.sandboxId);
  await Promise.all([
    mkdir(view, { recursive: true, mode: 0o700 }),
    mkdir(i.rootfs, { recursive: true }),
    writeFile(i.pin, '', { mode: 0o600 }),
    i.imageStore === null ? undefined : mkdir(i.storeView, { mode: 0o700 }),
  ]);
  const ops: IdmapOp[] = [
    overlayOp({ image: i.imageRootfs, view, upper: i.upper, work: i.work, target: i.rootfs, fromId: SANDBOX_ID_BASE, range: i.range }),
    userNamespaceOp(i.pin, i.range),
  ];
  if (i.imageStore !== null) ops.push(viewOp(i.imageStore, i.storeView, SANDBOX_ID_BASE, i.range));
  try {
    await runIdmap(ops);
  } finally {
    // The helper removes the view itself; this covers a helper that failed half-way.
    if (currentMounts().some((m) => m.mountPoint === view)) await unmount(view);
    await rmdir(view).catch(() => undefined);
  }
  return { userNamespacePath: i.pin, store: i.imageStore === null ? null : i.storeView };
}

/**
 * After `runc run`: the container's init holds its user namespace and its own bind of the
 * store, so the host-side pin and view are unmounted (their files removed). Idempotent.
 */
export async function releaseSandboxIdMounts(files: { pin: string; storeView: string }): Promise<void> {
  const targets = [files.storeView, files.pin];
  const mounted = new Set(currentMounts().map((m) => m.mountPoint));
  const live = targets.filter((t) => mounted.has(t));
  // umount2 in the helper: umount(8) costs ~15 ms here, a large part of the extra start time.
  if (live.length > 0) {
    await runIdmap([umountOp(live)]).catch(async () => {
      for (const t of live) await unmount(t);
    });
  }
  for (const target of targets) await rm(target, { recursive: true, force: true });
}
