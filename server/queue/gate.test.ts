// The queue's refusal as the browser receives it: 503, Retry-After and the place in line
// as machine-readable fields of the ApiError body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../protocol/http.js';
import { errorAnswer } from '../errors.js';
import { QUEUE_RETRY_S, queuedError, throughQueue } from './gate.js';
import { SessionQueue } from './queue.js';

test('a queued start answers 503 with Retry-After, queuePosition and queueWaiting', () => {
  const a = errorAnswer(queuedError('SERVER_FULL', 3, 4));
  assert.equal(a.status, 503);
  assert.equal(a.headers['retry-after'], String(QUEUE_RETRY_S));
  const body = ApiError.parse(a.body);
  assert.equal(body.error.code, 'SERVER_FULL');
  assert.equal(body.error.queuePosition, 3);
  assert.equal(body.error.queueWaiting, 4);
  assert.match(body.error.message, /3rd in line/);
});

test('other errors carry no place in line', () => {
  const body = ApiError.parse(errorAnswer(new Error('boom')).body);
  assert.equal(body.error.queuePosition, undefined);
});

test('throughQueue refuses a newcomer while full with its place', async () => {
  const queue = new SessionQueue({ hasRoom: () => false });
  await assert.rejects(
    throughQueue(queue, 'alice', async () => 'started'),
    (err: unknown) => ApiError.parse(errorAnswer(err).body).error.queuePosition === 1,
  );
});
