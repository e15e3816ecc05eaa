import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { errorPage, escapeHtml, rawErrorResponse } from './pages.js';

describe('errorPage', () => {
  test('502: nothing listens yet, in Korean and English, retrying', () => {
    const page = errorPage('PROXY_UPSTREAM_UNREACHABLE', { node: 'node1', port: 8000 });
    assert.equal(page.status, 502);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['x-pier-proxy-error'], 'PROXY_UPSTREAM_UNREACHABLE');
    assert.equal(page.headers['content-length'], String(Buffer.byteLength(page.body)));
    assert.match(page.body, /Nothing is listening on port 8000 of node1 yet/);
    assert.match(page.body, /node1의 8000번 포트/);
    assert.match(page.body, /http-equiv="refresh"/);
    assert.match(page.body, /<section lang="ko">/);
  });

  test('statuses follow the code', () => {
    assert.equal(errorPage('PROXY_FORBIDDEN').status, 403);
    assert.equal(errorPage('PROXY_NOT_FOUND').status, 404);
    assert.equal(errorPage('PROXY_BAD_ADDRESS').status, 400);
    assert.equal(errorPage('PROXY_TARGET_REFUSED').status, 500);
    assert.equal(errorPage('PROXY_UPSTREAM_TIMEOUT').status, 504);
    assert.equal(errorPage('PROXY_TOO_MANY_CONNECTIONS').status, 503);
    assert.doesNotMatch(errorPage('PROXY_FORBIDDEN').body, /refresh/);
  });

  test('detail text is escaped', () => {
    const page = errorPage('PROXY_NOT_FOUND', { detail: '<script>alert(1)</script>' });
    assert.doesNotMatch(page.body, /<script>/);
    assert.match(page.body, /&#60;script&#62;/);
    assert.equal(escapeHtml(`"'&`), '&#34;&#39;&#38;');
  });

  test('raw form is a complete HTTP/1.1 response', () => {
    const raw = rawErrorResponse(errorPage('PROXY_FORBIDDEN'));
    assert.match(raw, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.match(raw, /\r\nconnection: close\r\n\r\n<!doctype html>/);
  });
});
