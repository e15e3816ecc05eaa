// Unit tests of the host id range pool: arithmetic, and claims in a scratch state dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import { SANDBOX_ID_BASE, SANDBOX_ID_COUNT } from '../layout.js';
import { claimIdRange, ID_POOL_BASE, ID_POOL_MAX_RANGES, idRangeOwner, listIdRangeClaims, nthIdRange, releaseIdRangesOf } from './ranges.js';

test('ranges are disjoint, above the image owners and below the largest id', () => {
  assert.deepEqual(nthIdRange(0), { index: 0, hostId: ID_POOL_BASE, size: SANDBOX_ID_COUNT });
  assert.equal(nthIdRange(1).hostId - nthIdRange(0).hostId, SANDBOX_ID_COUNT);
  assert.ok(ID_POOL_BASE > SANDBOX_ID_BASE + SANDBOX_ID_COUNT);
  const last = nthIdRange(ID_POOL_MAX_RANGES - 1);
  assert.ok(last.hostId + last.size - 1 <= 2 ** 32 - 2);
  assert.throws(() => nthIdRange(ID_POOL_MAX_RANGES), (e) => isSandboxError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => nthIdRange(-1), (e) => isSandboxError(e, 'INVALID_ARGUMENT'));
});

test('concurrent claims never share a range; a full pool says so; release frees only its own', async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'pier-ranges-'));
  const paths = { stateDir, runcRoot: path.join(stateDir, 'runc') };
  try {
    const ids = Array.from({ length: 8 }, (_, i) => `00000000${String(i).padStart(2, '0')}`);
    const ranges = await Promise.all(ids.map((id) => claimIdRange(paths, id, 8)));
    assert.equal(new Set(ranges.map((r) => r.hostId)).size, 8);
    await assert.rejects(claimIdRange(paths, 'ffffffffff', 8), (e) => isSandboxError(e, 'ID_RANGES_EXHAUSTED'));
    const first = ranges[0]!;
    assert.equal(await idRangeOwner(paths, first.index!), ids[0]);
    await releaseIdRangesOf(paths, 'eeeeeeeeee', first.index); // not its owner: kept
    assert.equal((await listIdRangeClaims(paths)).length, 8);
    await releaseIdRangesOf(paths, ids[0]!, undefined); // owner, index unknown: found by scan
    assert.equal((await listIdRangeClaims(paths)).length, 7);
    assert.equal((await claimIdRange(paths, 'dddddddddd', 8)).index, first.index, 'the freed range is handed out again');
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
});
