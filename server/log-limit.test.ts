// clipForLog and RefusalLog: clipped values, a burst in full, then one summary per interval.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOGGED_VALUE_MAX_CHARS, RefusalLog, clipFields, clipForLog } from './log-limit.js';

test('clipForLog cuts long values and says how much; short ones and undefined pass', () => {
  assert.equal(clipForLog('short'), 'short');
  assert.equal(clipForLog(undefined), undefined);
  const long = clipForLog('x'.repeat(8192));
  assert.equal(long, `${'x'.repeat(LOGGED_VALUE_MAX_CHARS)}…(+${8192 - LOGGED_VALUE_MAX_CHARS} chars)`);
  assert.equal(clipForLog(['a', 'b']), 'a, b', 'a repeated header is joined');
  assert.deepEqual(clipFields({ n: 3, s: 'y'.repeat(300) }), { n: 3, s: `${'y'.repeat(200)}…(+100 chars)` });
});

test('RefusalLog logs the first N of a kind per interval, then one summary line', async () => {
  const lines: Array<[object, string]> = [];
  const log = new RefusalLog({ warn: (fields, message) => lines.push([fields, message]) }, { perInterval: 3, intervalMs: 50 });
  for (let i = 0; i < 100; i++) log.refused('cross-origin WebSocket refused', { origin: 'o'.repeat(8192), i });
  log.refused('another kind', {});
  assert.equal(lines.length, 4, '3 of the first kind, 1 of the other');
  assert.ok(lines.every(([f]) => JSON.stringify(f).length < 400), 'fields are clipped');
  await sleep(120);
  assert.equal(lines.length, 5);
  assert.deepEqual(lines[4], [{ suppressed: 97, intervalMs: 50 }, 'cross-origin WebSocket refused (97 more not logged)']);
  // A new interval logs again.
  log.refused('cross-origin WebSocket refused', { i: 'again' });
  assert.equal(lines.length, 6);
  log.dispose();
});
