import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentile, summarize } from './stats.js';

test('nearest-rank percentiles', () => {
  const v = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(v, 50), 50);
  assert.equal(percentile(v, 95), 95);
  assert.equal(percentile(v, 100), 100);
  assert.equal(percentile([7], 95), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
});

test('summarize sorts and rounds', () => {
  const s = summarize([30, 10, 20.04]);
  assert.deepEqual([s.runs, s.p50, s.min, s.max, s.mean], [3, 20, 10, 30, 20]);
});
