import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import type { RuntimePaths } from '../layout.js';
import { BASE_RECIPE, recipeHash } from './recipe.js';
import { currentImage, findImage, imagePaths, listImages, manifestText, removeImage, type ImageManifest } from './store.js';

function tempPaths(t: { after: (fn: () => void) => void }): RuntimePaths {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'pier-store-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  return { stateDir, runcRoot: path.join(stateDir, 'runc') };
}

/** Writes a complete fake image (manifest + empty rootfs). */
function fakeImage(paths: RuntimePaths, id: string, createdAt = '2026-11-22T06:00:00.000Z'): ImageManifest {
  const manifest: ImageManifest = {
    id, recipeVersion: 1, suite: 'bookworm', packages: ['bash'], mirror: 'test', createdAt,
    sizeBytes: 1024, fileCount: 3, buildSeconds: 1.5,
  };
  const p = imagePaths(paths, id);
  mkdirSync(p.rootfs, { recursive: true });
  writeFileSync(p.manifest, manifestText(manifest));
  return manifest;
}

test('findImage returns a complete image with its absolute rootfs', (t) => {
  const paths = tempPaths(t);
  const manifest = fakeImage(paths, 'aaaaaaaaaaaa');
  assert.deepEqual(findImage(paths, 'aaaaaaaaaaaa'), { ...manifest, rootfs: path.join(paths.stateDir, 'images/aaaaaaaaaaaa/rootfs') });
});

test('findImage ignores missing, malformed and half images', (t) => {
  const paths = tempPaths(t);
  assert.equal(findImage(paths, 'bbbbbbbbbbbb'), null, 'missing');
  assert.equal(findImage(paths, '../etc'), null, 'not an id');
  mkdirSync(imagePaths(paths, 'cccccccccccc').rootfs, { recursive: true });
  assert.equal(findImage(paths, 'cccccccccccc'), null, 'no manifest yet');
  writeFileSync(imagePaths(paths, 'cccccccccccc').manifest, '{"id":"cccccccccccc"');
  assert.equal(findImage(paths, 'cccccccccccc'), null, 'truncated JSON');
  writeFileSync(imagePaths(paths, 'cccccccccccc').manifest, '{"id":"cccccccccccc"}');
  assert.equal(findImage(paths, 'cccccccccccc'), null, 'fields missing');
  fakeImage(paths, 'dddddddddddd');
  rmSync(imagePaths(paths, 'dddddddddddd').rootfs, { recursive: true });
  assert.equal(findImage(paths, 'dddddddddddd'), null, 'rootfs missing');
  const other = fakeImage(paths, 'eeeeeeeeeeee');
  writeFileSync(imagePaths(paths, 'eeeeeeeeeeee').manifest, manifestText({ ...other, id: 'ffffffffffff' }));
  assert.equal(findImage(paths, 'eeeeeeeeeeee'), null, 'manifest names another id');
});

test('listImages lists complete images newest first; none without a directory', async (t) => {
  const paths = tempPaths(t);
  assert.deepEqual(await listImages(paths), []);
  fakeImage(paths, '111111111111', '2026-01-01T00:00:00.000Z');
  fakeImage(paths, '222222222222', '2026-03-01T00:00:00.000Z');
  mkdirSync(path.join(paths.stateDir, 'images/.build-333333333333-42/rootfs'), { recursive: true });
  assert.deepEqual((await listImages(paths)).map((i) => i.id), ['222222222222', '111111111111']);
});

test('currentImage finds the recipe\'s image or says to run pier image build', async (t) => {
  const paths = tempPaths(t);
  await assert.rejects(currentImage(paths, BASE_RECIPE), (e) => isSandboxError(e, 'IMAGE_NOT_FOUND') && /pier image build/.test(e.message) && /pier image build/.test(e.userMessage));
  fakeImage(paths, recipeHash(BASE_RECIPE));
  assert.equal((await currentImage(paths, BASE_RECIPE)).id, recipeHash(BASE_RECIPE));
});

test('removeImage deletes an image; refuses bad or unknown ids', async (t) => {
  const paths = tempPaths(t);
  fakeImage(paths, 'abcabcabcabc');
  await removeImage(paths, 'abcabcabcabc');
  assert.equal(existsSync(imagePaths(paths, 'abcabcabcabc').dir), false);
  assert.deepEqual(await listImages(paths), []);
  await assert.rejects(removeImage(paths, 'abcabcabcabc'), (e) => isSandboxError(e, 'IMAGE_NOT_FOUND'));
  await assert.rejects(removeImage(paths, '../../etc'), (e) => isSandboxError(e, 'INVALID_ARGUMENT'));
});
