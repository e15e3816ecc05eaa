import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiFailure, ApiResult } from './api-client';
import { failureFromResponse } from './api-client';
import { ordinal, queueStep, startThroughQueue } from './start-queue';

const queued = (position: number, retryAfter: string | null = '5'): ApiFailure =>
  failureFromResponse(503, { error: { code: 'SERVER_FULL', message: 'full', queuePosition: position, queueWaiting: 4 } }, retryAfter);

test('a 503 with a place in line waits Retry-After; anything else stops', () => {
  assert.deepEqual(queueStep(queued(3)), { kind: 'wait', position: 3, waiting: 4, delayMs: 5000 });
  assert.deepEqual(queueStep(queued(2, '2')), { kind: 'wait', position: 2, waiting: 4, delayMs: 2000 });
  assert.deepEqual(queueStep(queued(2, '0')), { kind: 'wait', position: 2, waiting: 4, delayMs: 1000 }, 'at least a second');
  assert.deepEqual(queueStep(queued(2, '3600')), { kind: 'wait', position: 2, waiting: 4, delayMs: 60_000 }, 'at most a minute');
  assert.deepEqual(queueStep(queued(2, null)), { kind: 'wait', position: 2, waiting: 4, delayMs: 5000 }, 'no header: 5 s');
  assert.deepEqual(queueStep(failureFromResponse(503, { error: { code: 'HOST_BUSY', message: 'busy' } }, '5')), { kind: 'stop' }, 'no place: an error');
  assert.deepEqual(queueStep(failureFromResponse(429, { error: { code: 'RATE_LIMITED', message: 'slow', queuePosition: 1 } }, '5')), { kind: 'stop' });
});

test('ordinals', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '101st', '111th']);
});

test('startThroughQueue asks again after each queued answer until it gets a session', async () => {
  const answers: ApiResult<string>[] = [queued(3), queued(2, '1'), { ok: true, value: 'session-1' }];
  const places: number[] = [];
  const waits: number[] = [];
  const result = await startThroughQueue(async () => answers.shift()!, {
    signal: new AbortController().signal,
    onQueued: (s) => places.push(s.position),
    sleep: async (ms) => (waits.push(ms), true),
  });
  assert.deepEqual(result, { ok: true, value: 'session-1' });
  assert.deepEqual(places, [3, 2]);
  assert.deepEqual(waits, [5000, 1000]);
});

test('startThroughQueue stops on another error, and on cancel while waiting', async () => {
  const other = failureFromResponse(409, { error: { code: 'TOO_MANY_SESSIONS', message: 'max' } });
  const answers: ApiResult<string>[] = [queued(1), other];
  const r = await startThroughQueue(async () => answers.shift()!, { signal: new AbortController().signal, onQueued: () => {}, sleep: async () => true });
  assert.deepEqual(r, other);

  const ctrl = new AbortController();
  let calls = 0;
  const cancelled = await startThroughQueue(
    async () => (calls++, queued(1)),
    { signal: ctrl.signal, onQueued: () => ctrl.abort() },
  );
  assert.deepEqual(cancelled, { cancelled: true });
  assert.equal(calls, 1, 'no ask after the cancel');
});
