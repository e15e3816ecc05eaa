import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseTimes, timedLoop } from './docker.js';

test('timedLoop prints one duration per run, cleanup untimed; parseTimes reads them as ms', () => {
  const script = timedLoop(3, 'sleep 0.05', 'sleep 0.2');
  const t0 = Date.now();
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
  const wall = Date.now() - t0;
  const times = parseTimes(out, 3);
  assert.equal(times.length, 3);
  for (const t of times) assert.ok(t >= 45 && t < 190, `${t} ms: the sleep, not the cleanup`);
  assert.ok(wall >= 600, 'the cleanup ran too');
  assert.throws(() => parseTimes('12\n', 2), /expected 2 timings, got 1/);
});
