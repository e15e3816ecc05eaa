import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Router } from './router.js';

test('routes match by method and pattern, capturing decoded parameters', () => {
  const r = new Router<string>()
    .add('GET', '/api/sessions/:id', 'get')
    .add('DELETE', '/api/sessions/:id', 'delete')
    .add('POST', '/api/sessions/:id/nodes/:node/reset', 'reset');
  const cases: [string, string, unknown][] = [
    ['GET', '/api/sessions/abc', { kind: 'found', handler: 'get', params: { id: 'abc' } }],
    ['HEAD', '/api/sessions/abc', { kind: 'found', handler: 'get', params: { id: 'abc' } }],
    ['DELETE', '/api/sessions/a%20b', { kind: 'found', handler: 'delete', params: { id: 'a b' } }],
    ['POST', '/api/sessions/s/nodes/node2/reset', { kind: 'found', handler: 'reset', params: { id: 's', node: 'node2' } }],
    ['PUT', '/api/sessions/abc', { kind: 'method-not-allowed', allow: ['DELETE', 'GET'] }],
    ['GET', '/api/sessions/', { kind: 'not-found' }],
    ['GET', '/api/sessions/abc/extra', { kind: 'not-found' }],
    ['GET', '/api/sessions/%zz', { kind: 'not-found' }],
    ['GET', '/api/other', { kind: 'not-found' }],
  ];
  for (const [method, path, want] of cases) assert.deepEqual(r.match(method, path), want, `${method} ${path}`);
});

test('the first matching route wins', () => {
  const r = new Router<string>().add('GET', '/a/fixed', 'fixed').add('GET', '/a/:x', 'param');
  assert.deepEqual(r.match('GET', '/a/fixed'), { kind: 'found', handler: 'fixed', params: {} });
  assert.deepEqual(r.match('GET', '/a/other'), { kind: 'found', handler: 'param', params: { x: 'other' } });
});
