import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetPlan, inBatches } from './terminal-fleet.js';

test('fleetPlan splits terminals into sessions of at most perSession', () => {
  const cases: Array<[number, number, number[]]> = [
    [200, 5, new Array<number>(40).fill(5)],
    [7, 5, [5, 2]],
    [1, 5, [1]],
    [5, 5, [5]],
    [0, 5, []],
  ];
  for (const [terminals, per, want] of cases) assert.deepEqual(fleetPlan(terminals, per), want, `${terminals}/${per}`);
});

test('inBatches keeps order and never runs more than `concurrency` at once', async () => {
  let running = 0;
  let most = 0;
  const out = await inBatches([5, 1, 4, 2, 3], 2, async (n) => {
    most = Math.max(most, ++running);
    await new Promise((r) => setImmediate(r));
    running--;
    return n * 10;
  });
  assert.deepEqual(out, [50, 10, 40, 20, 30]);
  assert.equal(most, 2);
});

test('inBatches: after a failure nothing new starts, and it rejects once the items under way settled', async () => {
  const started: number[] = [];
  const settled: number[] = [];
  const items = [0, 1, 2, 3, 4, 5];
  await assert.rejects(
    inBatches(items, 2, async (n) => {
      started.push(n);
      await new Promise((r) => setImmediate(r));
      if (n === 1) throw new Error('boom');
      await new Promise((r) => setImmediate(r));
      settled.push(n);
    }),
    /boom/,
  );
  // 0 and 1 ran together; 1 failed while 0 was under way: nothing else started, and 0 finished first.
  assert.deepEqual(started, [0, 1]);
  assert.deepEqual(settled, [0]);
});
