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

test('classroom codes are translated, and a page can give a code its own sentence', () => {
  const failure = { status: 429, code: 'RATE_LIMITED', message: 'slow down' };
  assert.equal(errorText('en', failure, { RATE_LIMITED: 'join.rateLimited' }), 'Too many tries from here. Wait a minute, then try again.');
  assert.match(errorText('ko', { status: 401, code: 'BAD_CREDENTIALS', message: 'x' }), /비밀번호/);
  assert.match(errorText('en', { status: 409, code: 'CLASS_CLOSED', message: 'x' }), /closed/);
});
