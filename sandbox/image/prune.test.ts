import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { requireRoot } from '../../test/helpers/root.js';
import type { RuntimePaths } from '../layout.js';
import { pruneImages } from './prune.js';
import { imagePaths, manifestText } from './store.js';
import { imageSetManifestText, imageSetPaths, imageSetsDir } from './docker-images/store.js';

function tempPaths(t: { after: (fn: () => void) => void }): RuntimePaths {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'pier-prune-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  return { stateDir, runcRoot: path.join(stateDir, 'runc') };
}

/** A complete fake sandbox image of `mib` MiB (as its manifest says). */
function fakeImage(paths: RuntimePaths, id: string, mib = 1): void {
  const p = imagePaths(paths, id);
  mkdirSync(p.rootfs, { recursive: true });
  writeFileSync(path.join(p.rootfs, 'file'), 'x');
  const manifest = { id, recipeVersion: 1, suite: 'bookworm', packages: ['bash'], mirror: 'test', createdAt: '2026-11-22T06:00:00.000Z', sizeBytes: mib * 1024 ** 2, fileCount: 1, buildSeconds: 1 };
  writeFileSync(p.manifest, manifestText(manifest));
}

/** A fake image set; complete unless `complete` is false (no manifest: a build cut short). */
function fakeSet(paths: RuntimePaths, id: string, complete = true): void {
  const p = imageSetPaths(paths, id);
  mkdirSync(p.mountPoint, { recursive: true });
  writeFileSync(p.imageFile, 'store');
  if (!complete) return;
  const manifest = { id, version: 1, suite: 'bookworm', images: [], storeBytes: 1, imageFileBytes: 3 * 1024 ** 2, createdAt: '2026-11-22T06:00:00.000Z', buildSeconds: 1, steps: {} };
  writeFileSync(p.manifest, imageSetManifestText(manifest));
}

const CUR_IMAGE = 'aaaaaaaaaaaa';
const OLD_IMAGE = 'bbbbbbbbbbbb';
const CUR_SET = 'cccccccccccc';
const OLD_SET = 'dddddddddddd';
const HALF_SET = 'eeeeeeeeeeee';

test('prune removes the images and sets of earlier recipes, keeps the current ones and half-built sets', async (t) => {
  const paths = tempPaths(t);
  fakeImage(paths, CUR_IMAGE);
  fakeImage(paths, OLD_IMAGE, 450);
  fakeSet(paths, CUR_SET);
  fakeSet(paths, OLD_SET);
  fakeSet(paths, HALF_SET, false);
  const current = { imageId: CUR_IMAGE, imageSetId: CUR_SET };

  const dry = await pruneImages(paths, current, { dryRun: true });
  assert.deepEqual(dry.removed.map((r) => [r.kind, r.id, r.bytes]), [['image', OLD_IMAGE, 450 * 1024 ** 2], ['image set', OLD_SET, 3 * 1024 ** 2]]);
  assert.deepEqual(dry.kept.map((k) => k.id), [HALF_SET]);
  assert.ok(existsSync(imagePaths(paths, OLD_IMAGE).dir) && existsSync(imageSetPaths(paths, OLD_SET).dir), 'a dry run removes nothing');

  const done = await pruneImages(paths, current);
  assert.deepEqual(done.removed, dry.removed);
  assert.deepEqual(readdirSync(path.join(paths.stateDir, 'images')), [CUR_IMAGE]);
  assert.deepEqual(readdirSync(imageSetsDir(paths)).sort(), [CUR_SET, HALF_SET]);

  assert.deepEqual((await pruneImages(paths, current)).removed, [], 'a second prune finds nothing');
});

test('without a current image or set built, prune keeps every one of that kind and says why', async (t) => {
  const paths = tempPaths(t);
  fakeImage(paths, OLD_IMAGE);
  fakeSet(paths, OLD_SET);
  const r = await pruneImages(paths, { imageId: null, imageSetId: null });
  assert.deepEqual(r.removed, []);
  assert.deepEqual(r.kept.map((k) => [k.id, /pier image build/.test(k.reason)]), [[OLD_IMAGE, true], [OLD_SET, true]]);
});

test('an old image that a mounted overlay is built on is kept', async (t) => {
  if (!requireRoot(t)) return;
  const paths = tempPaths(t);
  fakeImage(paths, CUR_IMAGE);
  fakeImage(paths, OLD_IMAGE);
  const dir = path.join(paths.stateDir, 'overlay');
  for (const d of ['upper', 'work', 'merged']) mkdirSync(path.join(dir, d), { recursive: true });
  const lower = imagePaths(paths, OLD_IMAGE).rootfs;
  execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${dir}/upper,workdir=${dir}/work`, `${dir}/merged`]);
  try {
    const r = await pruneImages(paths, { imageId: CUR_IMAGE, imageSetId: null });
    assert.deepEqual(r.removed, []);
    assert.equal(r.kept[0]?.id, OLD_IMAGE);
    assert.match(r.kept[0]!.reason, /in use by 1 sandbox/);
    assert.ok(existsSync(path.join(lower, 'file')));
  } finally {
    execFileSync('umount', [`${dir}/merged`]);
  }
});
