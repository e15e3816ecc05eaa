import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMountInfo, mountsUnder } from './mounts.js';

const SAMPLE = [
  '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
  '90 22 7:0 / /var/lib/pier/sandboxes/abc/disk rw,nosuid,nodev,noatime shared:50 - ext4 /dev/loop0 rw',
  '91 22 0:60 / /var/lib/pier/sandboxes/abc/rootfs rw,relatime shared:51 - overlay overlay rw,lowerdir=/x',
  '92 22 0:61 / /var/lib/pier/sandboxes/abcdef rw - tmpfs tmpfs rw',
  '93 22 0:62 / /mnt/with\\040space rw - tmpfs tmpfs rw',
].join('\n');

test('parseMountInfo reads mount points, types and sources', () => {
  const m = parseMountInfo(SAMPLE);
  assert.equal(m.length, 5);
  assert.deepEqual(m[1], { mountPoint: '/var/lib/pier/sandboxes/abc/disk', fsType: 'ext4', source: '/dev/loop0', superOptions: 'rw' });
  assert.equal(m[2]?.superOptions, 'rw,lowerdir=/x');
  assert.equal(m[4]?.mountPoint, '/mnt/with space');
});

test("mountsUnder lists a directory's mounts deepest first, not its siblings", () => {
  const under = mountsUnder('/var/lib/pier/sandboxes/abc', parseMountInfo(SAMPLE)).map((m) => m.mountPoint);
  assert.deepEqual(under, ['/var/lib/pier/sandboxes/abc/rootfs', '/var/lib/pier/sandboxes/abc/disk']);
});
