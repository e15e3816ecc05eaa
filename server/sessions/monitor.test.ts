import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuPercent, toNodeStats } from './monitor.js';

test('CPU percent comes from the usage delta over the wall-clock delta', () => {
  const cases: [number, number, number, number, number][] = [
    // usage µs before, after, ms before, after → percent of one core
    [0, 500_000, 0, 1000, 50],
    [1_000_000, 3_000_000, 0, 1000, 200],
    [0, 1234, 0, 1000, 0.1],
    [0, 0, 0, 1000, 0],
    [5_000, 1_000, 0, 1000, 0], // a reset node's counter went backwards
    [0, 1000, 1000, 1000, 0], // no time passed
  ];
  for (const [u0, u1, t0, t1, want] of cases) assert.equal(cpuPercent({ usageUsec: u0, atMs: t0 }, { usageUsec: u1, atMs: t1 }), want, `${u0}→${u1} over ${t0}→${t1}`);
});

test('a sample becomes the wire form with limits in percent', () => {
  const s = toNodeStats('node2', { memoryBytes: 10, memoryLimitBytes: 20, cpuUsageUsec: 0, pids: 3, pidsLimit: 512, diskUsedBytes: 5, diskLimitBytes: 9 }, 12.5, 0.5, 0);
  assert.deepEqual(s, {
    node: 'node2',
    at: '1970-01-01T00:00:00.000Z',
    memoryBytes: 10,
    memoryLimitBytes: 20,
    cpuPercent: 12.5,
    cpuLimitPercent: 50,
    pids: 3,
    pidsLimit: 512,
    diskUsedBytes: 5,
    diskLimitBytes: 9,
  });
});
