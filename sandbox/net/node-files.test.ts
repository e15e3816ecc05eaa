// The per-network files nodes see: the mirror's address for podman and dockerd, and the
// offline hint (pure rendering; the hook itself runs in test/integration/mirror.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { nodeFileBinds, renderMirrorRegistries, renderOfflineHint, writeNodeFiles, NODE_FILE_TARGETS } from './node-files.js';

test('podman: docker.io is located at the mirror (no fallback to Docker Hub), plain HTTP', () => {
  const text = renderMirrorRegistries('10.87.0.1', 5001);
  assert.match(text, /^\[\[registry\]\]\nprefix = "docker\.io"\nlocation = "10\.87\.0\.1:5001"\ninsecure = true$/m);
  assert.doesNotMatch(text, /registry\.mirror/);
});

test('the offline hint is valid bash and names the images', () => {
  const text = renderOfflineHint(['nginx', 'busybox']);
  assert.equal(spawnSync('bash', ['-n'], { input: text }).status, 0);
  assert.match(text, /the shipped images \(nginx, busybox\)/);
});

test('an offline network gets the hint and no mirror files when no mirror runs; an online one no hint', async () => {
  const offline = mkdtempSync(path.join(tmpdir(), 'pier-nodefiles-'));
  await writeNodeFiles(offline, { gateway: '10.87.0.1', outbound: false, mirrorPort: null, offlineImages: [] });
  assert.deepEqual(nodeFileBinds(offline).map((b) => b.destination).sort(), [NODE_FILE_TARGETS.network, NODE_FILE_TARGETS.offlineHint].sort());
  const online = mkdtempSync(path.join(tmpdir(), 'pier-nodefiles-'));
  await writeNodeFiles(online, { gateway: '10.87.0.33', outbound: true, mirrorPort: 5001, offlineImages: [] });
  const binds = nodeFileBinds(online);
  assert.ok(binds.every((b) => b.readonly));
  assert.deepEqual(binds.map((b) => b.destination).sort(), [NODE_FILE_TARGETS.registries, NODE_FILE_TARGETS.mirrorUrl, NODE_FILE_TARGETS.network].sort());
  assert.equal(readFileSync(path.join(online, 'registry-mirror'), 'utf8'), 'http://10.87.0.33:5001\n');
  assert.equal(existsSync(path.join(online, 'offline-hint.sh')), false);
});
