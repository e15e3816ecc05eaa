// Unit tests of the parent cgroup's sizing and of writing and reading its limit files (in a
// scratch directory laid out like /sys/fs/cgroup).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyParentLimits, hostTotals, parentLimits, readParentLimits, sliceProperties, DEFAULT_HOST_RESERVE } from './parent-cgroup.js';

const GiB = 1024 ** 3;

test('parent limits are the host totals minus the reserve, floored', () => {
  assert.deepEqual(parentLimits({ memoryBytes: 24 * GiB, cpus: 2, pids: 4_194_304 }, DEFAULT_HOST_RESERVE), { memoryBytes: 23 * GiB, cpus: 1.5, pids: 4_192_256 });
  assert.deepEqual(parentLimits({ memoryBytes: GiB, cpus: 1, pids: 1000 }, { memoryBytes: 2 * GiB, cpus: 4, pids: 5000 }), { memoryBytes: 256 * 1024 ** 2, cpus: 0.1, pids: 64 });
});

test('hostTotals reads this host', () => {
  const t = hostTotals();
  assert.ok(t.memoryBytes > 256 * 1024 ** 2 && t.cpus >= 1 && t.pids >= 1024, JSON.stringify(t));
});

test('v1 limits are written to each controller and read back', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pier-cg-'));
  try {
    for (const c of ['memory', 'pids', 'cpu']) mkdirSync(path.join(root, c));
    assert.equal(await readParentLimits('hybrid', root), null);
    await applyParentLimits('hybrid', { memoryBytes: 3 * GiB, cpus: 1.5, pids: 900 }, root);
    assert.equal(readFileSync(path.join(root, 'memory/pier/memory.limit_in_bytes'), 'utf8'), String(3 * GiB));
    assert.equal(readFileSync(path.join(root, 'cpu/pier/cpu.cfs_quota_us'), 'utf8'), '150000');
    assert.deepEqual(await readParentLimits('hybrid', root), { memoryBytes: 3 * GiB, cpus: 1.5, pids: 900 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('v2 limits go to the unified parent, controllers enabled first', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pier-cg2-'));
  try {
    writeFileSync(path.join(root, 'cgroup.subtree_control'), '');
    await applyParentLimits('v2', { memoryBytes: GiB, cpus: 0.5, pids: 100 }, root);
    assert.equal(readFileSync(path.join(root, 'cgroup.subtree_control'), 'utf8'), '+memory +pids +cpu');
    assert.equal(readFileSync(path.join(root, 'pier/cpu.max'), 'utf8'), '50000 100000');
    assert.deepEqual(await readParentLimits('v2', root), { memoryBytes: GiB, cpus: 0.5, pids: 100 });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a systemd slice gets the parent limits as its properties', () => {
  assert.deepEqual(sliceProperties({ memoryBytes: 1024 ** 3, cpus: 1.5, pids: 30720 }), ['MemoryMax=1073741824', 'TasksMax=30720', 'CPUQuota=150%']);
});
