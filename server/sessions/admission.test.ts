// Unit tests of the admission decision and of reading the host's free memory and disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { admit, hostAdmission, readHostFree, NODE_FOOTPRINT, HOST_BUSY_RETRY_S } from './admission.js';
import { isServerError } from '../errors.js';

const GiB = 1024 ** 3;

test('admit refuses when a resource would drop below its reserve, counting each node', () => {
  const reserve = { memoryBytes: GiB, diskBytes: 5 * GiB };
  assert.deepEqual(admit({ memoryBytes: 4 * GiB, diskBytes: 50 * GiB }, reserve), { ok: true });
  assert.deepEqual(admit({ memoryBytes: GiB + NODE_FOOTPRINT.memoryBytes, diskBytes: 50 * GiB }, reserve), { ok: true });
  assert.deepEqual(admit({ memoryBytes: GiB + NODE_FOOTPRINT.memoryBytes, diskBytes: 50 * GiB }, reserve, 2), { ok: false, resource: 'memory', freeBytes: GiB + NODE_FOOTPRINT.memoryBytes, reserveBytes: GiB });
  assert.equal(admit({ memoryBytes: 4 * GiB, diskBytes: 5 * GiB }, reserve).ok, false);
  const disk = admit({ memoryBytes: 4 * GiB, diskBytes: 5 * GiB }, reserve);
  assert.equal(!disk.ok && disk.resource, 'disk');
});

test('readHostFree reads MemAvailable and the free space of the directory', () => {
  const free = readHostFree('/tmp');
  const fs = statfsSync('/tmp');
  assert.ok(free.memoryBytes > 0 && free.memoryBytes < 1024 * GiB, `${free.memoryBytes}`);
  assert.ok(Math.abs(free.diskBytes - fs.bavail * fs.bsize) < GiB);
});

test('hostAdmission answers HOST_BUSY with Retry-After when the reserve is more than is free', () => {
  const free = readHostFree('/tmp');
  hostAdmission('/tmp', { memoryBytes: 0, diskBytes: 0 })(1);
  assert.throws(
    () => hostAdmission('/tmp', { memoryBytes: free.memoryBytes * 2, diskBytes: 0 })(1),
    (err: unknown) => isServerError(err, 'HOST_BUSY') && err.status === 503 && err.retryAfterSeconds === HOST_BUSY_RETRY_S && /memory/.test(err.message),
  );
  assert.throws(() => hostAdmission('/tmp', { memoryBytes: 0, diskBytes: free.diskBytes * 2 })(1), (err: unknown) => isServerError(err, 'HOST_BUSY') && /disk/.test(err.message));
});
