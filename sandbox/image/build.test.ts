import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildImage } from './build.js';
import { mmdebstrapArgs } from './mmdebstrap.js';
import { BASE_RECIPE, defaultRecipe, recipeHash } from './recipe.js';
import { imagePaths, manifestText } from './store.js';

test('buildImage returns a cached image at once, without building or progress', async (t) => {
  const stateDir = mkdtempSync(path.join(tmpdir(), 'pier-build-'));
  t.after(() => rmSync(stateDir, { recursive: true, force: true }));
  const paths = { stateDir, runcRoot: path.join(stateDir, 'runc') };
  const id = recipeHash(BASE_RECIPE);
  const p = imagePaths(paths, id);
  mkdirSync(p.rootfs, { recursive: true });
  writeFileSync(p.manifest, manifestText({
    id, recipeVersion: 1, suite: 'bookworm', packages: [...BASE_RECIPE.packages], mirror: 'test',
    createdAt: new Date().toISOString(), sizeBytes: 1, fileCount: 1, buildSeconds: 1,
  }));
  const image = await buildImage(paths, defaultRecipe({ mirror: 'http://unused.invalid/debian' }), {
    onProgress: () => assert.fail('a cached image reports no progress'),
  });
  assert.equal(image.id, id);
  assert.equal(image.rootfs, p.rootfs);
});

test('mmdebstrapArgs: verbose, root mode, directory output, packages, then suite, target, mirrors', () => {
  const args = mmdebstrapArgs({ ...BASE_RECIPE, packages: ['bash', 'podman'] }, '/x/rootfs', ['deb http://m/debian trixie main']);
  assert.deepEqual(args, [
    '--verbose', '--mode=root', '--format=directory', '--variant=apt', '--include=bash,podman',
    '--', 'trixie', '/x/rootfs', 'deb http://m/debian trixie main',
  ]);
  assert.deepEqual(mmdebstrapArgs(BASE_RECIPE, '/t', []).slice(-2), ['trixie', '/t']);
});
