import { test } from 'node:test';
import assert from 'node:assert/strict';
import { imageSetCheck } from './doctor.js';

test('a missing docker image set is a warning that says how to build it', () => {
  const c = imageSetCheck(null);
  assert.equal(c.status, 'warn');
  assert.equal(c.fix, 'pier image build');
});

test('a built set lists its images and size', () => {
  const c = imageSetCheck({
    id: 'c1052cd8fec8',
    version: 1,
    suite: 'bookworm',
    images: [{ name: 'nginx', tags: ['latest'], layerBytes: 1 }, { name: 'redis', tags: ['7'], layerBytes: 1 }],
    storeBytes: 1,
    imageFileBytes: 505 * 1024 ** 2,
    createdAt: '2026-11-22T09:35:11.770Z',
    buildSeconds: 100,
    steps: {},
    imageFile: '/x/store.img',
    mountPoint: '/x/mnt',
  });
  assert.equal(c.status, 'ok');
  assert.match(c.detail, /2 images: nginx, redis; 505 MiB/);
});
