import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { imageSetHash, IMAGE_SET } from './recipes.js';
import { currentImageSet, findImageSet, imageSetManifestText, imageSetPaths, type ImageSetManifest } from './store.js';

test('findImageSet: complete sets only (valid manifest naming the same id, store image present)', () => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'pier-sets-'));
  const paths = { stateDir, runcRoot: '/run/none' };
  try {
    const id = imageSetHash(IMAGE_SET);
    const p = imageSetPaths(paths, id);
    assert.equal(p.dir, path.join(stateDir, 'container-images', id));
    assert.equal(findImageSet(paths, id), null, 'nothing built');
    assert.equal(findImageSet(paths, '../etc'), null, 'not an id');
    mkdirSync(p.dir, { recursive: true });
    const manifest: ImageSetManifest = {
      id, version: 1, suite: 'bookworm', images: [{ name: 'nginx', tags: ['docker.io/library/nginx:latest'], layerBytes: 1 }],
      storeBytes: 10, imageFileBytes: 20, createdAt: new Date(0).toISOString(), buildSeconds: 1.5, steps: { import: 1 },
    };
    writeFileSync(p.manifest, imageSetManifestText(manifest));
    assert.equal(findImageSet(paths, id), null, 'no store.img yet: an interrupted build');
    writeFileSync(p.imageFile, '');
    assert.deepEqual(findImageSet(paths, id), { ...manifest, imageFile: p.imageFile, mountPoint: p.mountPoint });
    assert.equal(currentImageSet(paths, IMAGE_SET)?.id, id);
    writeFileSync(p.manifest, JSON.stringify({ ...manifest, id: 'ffffffffffff' }));
    assert.equal(findImageSet(paths, id), null, 'a manifest of another set');
    writeFileSync(p.manifest, JSON.stringify({ ...manifest, storeBytes: -1 }));
    assert.equal(findImageSet(paths, id), null, 'an invalid manifest');
    writeFileSync(p.manifest, '{"id": ');
    assert.equal(findImageSet(paths, id), null, 'a cut-short manifest');
    assert.throws(() => imageSetManifestText({ ...manifest, id: 'nope' }));
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});
