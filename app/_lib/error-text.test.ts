import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureFromResponse } from './api-client';
import { errorText } from './error-text';
import { translate } from './i18n';

test('known codes are translated; 503 reads as capacity', () => {
  assert.equal(errorText('ko', { status: 429, code: 'RATE_LIMITED', message: 'x' }), translate('ko', 'error.RATE_LIMITED'));
  assert.equal(errorText('en', { status: 503, code: 'NO_CAPACITY', message: 'x' }), translate('en', 'error.UNAVAILABLE'));
  assert.equal(errorText('en', { status: 500, code: 'BOOM', message: 'disk on fire' }), 'Something went wrong: disk on fire');
});

test('failureFromResponse reads the error body, else the status', () => {
  assert.deepEqual(failureFromResponse(429, { error: { code: 'RATE_LIMITED', message: 'slow down' } }), {
    ok: false,
    status: 429,
    code: 'RATE_LIMITED',
    message: 'slow down',
  });
  assert.equal(failureFromResponse(503, undefined).code, 'UNAVAILABLE');
  assert.equal(failureFromResponse(429, 'text').code, 'RATE_LIMITED');
  assert.equal(failureFromResponse(418, null).code, 'HTTP_418');
});
