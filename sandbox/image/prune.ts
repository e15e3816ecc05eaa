// `pier image prune`: removes what builds of earlier recipes left behind — sandbox images
// and docker image sets other than the current ones. Plan first (what goes, what stays and
// why), then act in one loop. [bwrap]
//
// Why it is safe while sandboxes run:
//   - a sandbox image is the lower layer of its sandboxes' overlays, which are mounted on
//     the host: an image that any overlay names is kept (removing files under a live
//     overlay is undefined behaviour);
//   - an image set is bound into each sandbox's own mount namespace from the host's
//     read-only loop mount. Unmounting the host's mount and deleting the directory leaves
//     those binds working (the loop device keeps the file open); its space comes back when
//     the last sandbox using it ends. New sandboxes only ever use the current set.
import { readdir } from 'node:fs/promises';
import { isSandboxError, SandboxError } from '../errors.js';
import type { RuntimePaths } from '../layout.js';
import { assertImageUnused, listImages, removeImage } from './store.js';
import { removeAside } from './tree.js';
import { findImageSet, imageSetPaths, imageSetsDir, IMAGE_SET_ID_PATTERN } from './docker-images/store.js';

/** One image or image set, as the report names it. */
export interface PruneItem {
  kind: 'image' | 'image set';
  id: string;
  /** Bytes on the host's disk. */
  bytes: number;
}

/** What prune did (or, with dryRun, would do). */
export interface PruneReport {
  removed: PruneItem[];
  kept: Array<PruneItem & { reason: string }>;
}

/**
 * Removes every complete sandbox image but `current.imageId` and every complete image set
 * but `current.imageSetId`, except images still in use. A kind whose current one is not
 * built is left alone entirely: without it, prune cannot tell old from new.
 */
export async function pruneImages(paths: RuntimePaths, current: { imageId: string | null; imageSetId: string | null }, options: { dryRun?: boolean } = {}): Promise<PruneReport> {
  const report: PruneReport = { removed: [], kept: [] };
  const plan: Array<{ item: PruneItem; act: () => Promise<void> }> = [];

  for (const image of await listImages(paths)) {
    const item: PruneItem = { kind: 'image', id: image.id, bytes: image.sizeBytes };
    if (image.id === current.imageId) continue;
    if (current.imageId === null) {
      report.kept.push({ ...item, reason: 'the current image is not built yet (pier image build)' });
      continue;
    }
    try {
      assertImageUnused(image);
      plan.push({ item, act: () => removeImage(paths, image.id) });
    } catch (err) {
      if (!isSandboxError(err, 'INVALID_ARGUMENT')) throw err;
      report.kept.push({ ...item, reason: err.userMessage });
    }
  }

  for (const id of await setIds(paths)) {
    if (id === current.imageSetId) continue;
    const set = findImageSet(paths, id);
    const item: PruneItem = { kind: 'image set', id, bytes: set?.imageFileBytes ?? 0 };
    if (set === null) report.kept.push({ ...item, reason: 'incomplete: a build in progress, or one that was stopped' });
    else if (current.imageSetId === null) report.kept.push({ ...item, reason: 'the current docker image set is not built yet (pier image build)' });
    else plan.push({ item, act: () => removeImageSet(paths, id) });
  }

  for (const { item, act } of plan) {
    if (!options.dryRun) await act();
    report.removed.push(item);
  }
  return report;
}

/** Ids of the directories under container-images/ that look like sets. */
async function setIds(paths: RuntimePaths): Promise<string[]> {
  try {
    return (await readdir(imageSetsDir(paths))).filter((n) => IMAGE_SET_ID_PATTERN.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new SandboxError('STATE_CORRUPT', `cannot read ${imageSetsDir(paths)}`, { cause: err });
  }
}

/** Deletes a set: removeAside detaches its host mount (see the top of this file) first. */
function removeImageSet(paths: RuntimePaths, id: string): Promise<void> {
  return removeAside(imageSetPaths(paths, id).dir);
}
