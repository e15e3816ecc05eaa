import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProxyAddress } from './address.js';
import {
  downstreamResponseHeaders,
  isPierCookie,
  rewriteLocation,
  rewriteSetCookie,
  stripPierCookies,
  upstreamRequestHeaders,
  type RequestContext,
} from './headers.js';

const S = '0123456789abcdef0123456789abcdef';
const PREFIX = `/p/${S}/node1/8000`;
const pathForm: ProxyAddress = { form: 'path', session: S, node: 'node1', port: 8000, prefix: PREFIX, upstreamPath: '/' };
const subdomain: ProxyAddress = { form: 'subdomain', session: S, node: 'node1', port: 8000, prefix: '', upstreamPath: '/' };
const upstream = { host: '10.87.0.34', port: 8000 };

const ctx = (over: Partial<RequestContext> = {}): RequestContext => ({
  address: pathForm,
  clientAddress: '192.0.2.7',
  encrypted: false,
  upgrade: false,
  trustForwarded: false,
  cookiePrefix: 'pier_',
  ...over,
});

describe('isPierCookie / stripPierCookies', () => {
  const names: [string, boolean][] = [
    ['pier_owner', true],
    ['PIER_OWNER', true],
    ['pier_instructor', true],
    ['__Host-pier_owner', true],
    ['__Secure-pier_owner', true],
    [' pier_owner', true],
    ['pierowner', false],
    ['session', false],
    ['my_pier_owner', false],
  ];
  for (const [name, pier] of names) test(`isPierCookie(${JSON.stringify(name)})`, () => assert.equal(isPierCookie(name, 'pier_'), pier));

  const cookies: [string[], string | null][] = [
    [['pier_owner=abc'], null],
    [['pier_owner=abc; theme=dark'], 'theme=dark'],
    [['a=1; pier_owner=abc; b=2'], 'a=1; b=2'],
    [['a=1;pier_owner=abc;b=2'], 'a=1; b=2'],
    [['a=1', 'pier_owner=x; b=2'], 'a=1; b=2'],
    [['a=1; __Host-pier_owner=x'], 'a=1'],
    [['a="x;y"'], 'a="x; y"'],
    [['flag'], 'flag'],
    [[''], null],
    [[], null],
  ];
  for (const [values, expected] of cookies) test(`stripPierCookies(${JSON.stringify(values)})`, () => assert.equal(stripPierCookies(values, 'pier_'), expected));
});

describe('upstreamRequestHeaders', () => {
  test('drops hop-by-hop and Connection-listed headers, the pier cookie, and forged forwarding headers', () => {
    const h = upstreamRequestHeaders(
      [
        'Host', 'localhost:3000',
        'Connection', 'keep-alive, X-Secret-Hop',
        'Keep-Alive', 'timeout=5',
        'X-Secret-Hop', '1',
        'Proxy-Authorization', 'Basic x',
        'TE', 'trailers',
        'Transfer-Encoding', 'chunked',
        'Upgrade', 'h2c',
        'Expect', '100-continue',
        'Cookie', 'pier_owner=s3cret; theme=dark',
        'X-Forwarded-For', '6.6.6.6',
        'X-Forwarded-Host', 'evil.example',
        'X-Forwarded-Prefix', '/evil',
        'Forwarded', 'for=6.6.6.6',
        'X-Real-IP', '6.6.6.6',
        'Accept', 'text/html',
        'Accept', 'application/json',
        'User-Agent', 'test',
      ],
      ctx(),
    );
    assert.deepEqual(h, {
      host: 'localhost:3000',
      accept: ['text/html', 'application/json'],
      'user-agent': 'test',
      cookie: 'theme=dark',
      'x-forwarded-for': '192.0.2.7',
      'x-forwarded-host': 'localhost:3000',
      'x-forwarded-proto': 'http',
      'x-forwarded-port': '3000',
      'x-forwarded-prefix': PREFIX,
    });
  });

  test('no Cookie header when only pier cookies were sent', () => {
    const h = upstreamRequestHeaders(['Host', 'h', 'Cookie', 'pier_owner=x'], ctx());
    assert.equal(h.cookie, undefined);
  });

  test('subdomain form: no prefix; TLS gives https and port 443', () => {
    const h = upstreamRequestHeaders(['Host', `${S}-node1-8000.pier.example.org`], ctx({ address: subdomain, encrypted: true }));
    assert.equal(h['x-forwarded-prefix'], undefined);
    assert.equal(h['x-forwarded-proto'], 'https');
    assert.equal(h['x-forwarded-port'], '443');
    assert.equal(h.host, `${S}-node1-8000.pier.example.org`);
  });

  test('a trusted front proxy’s X-Forwarded-* are extended', () => {
    const h = upstreamRequestHeaders(
      ['Host', 'internal:3000', 'X-Forwarded-For', '203.0.113.9', 'X-Forwarded-Host', 'pier.example.org', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Prefix', '/pier'],
      ctx({ trustForwarded: true, clientAddress: '10.0.0.2' }),
    );
    assert.equal(h['x-forwarded-for'], '203.0.113.9, 10.0.0.2');
    assert.equal(h['x-forwarded-host'], 'pier.example.org');
    assert.equal(h['x-forwarded-proto'], 'https');
    assert.equal(h['x-forwarded-port'], '443');
    assert.equal(h['x-forwarded-prefix'], `/pier${PREFIX}`);
  });

  test('an upgrade keeps Connection: Upgrade and the Upgrade header', () => {
    const h = upstreamRequestHeaders(
      ['Host', 'h', 'Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version', '13'],
      ctx({ upgrade: true }),
    );
    assert.equal(h.connection, 'Upgrade');
    assert.equal(h.upgrade, 'websocket');
    assert.equal(h['sec-websocket-key'], 'dGhlIHNhbXBsZSBub25jZQ==');
  });
});

describe('rewriteLocation', () => {
  const cases: [string, ProxyAddress, string, string][] = [
    ['path-absolute', pathForm, '/login', `${PREFIX}/login`],
    ['root', pathForm, '/', `${PREFIX}/`],
    ['with query and hash', pathForm, '/a?b=1#c', `${PREFIX}/a?b=1#c`],
    ['already under the prefix (app honours X-Forwarded-Prefix)', pathForm, `${PREFIX}/x`, `${PREFIX}/x`],
    ['relative', pathForm, 'next/', 'next/'],
    ['protocol-relative to another host', pathForm, '//evil.example/x', '//evil.example/x'],
    ['backslash trick', pathForm, '/\\evil.example/x', '/\\evil.example/x'],
    ['absolute on the node address', pathForm, 'http://10.87.0.34:8000/dir/', `${PREFIX}/dir/`],
    ['absolute on the Host the client used', pathForm, 'http://localhost:3000/dir/', `${PREFIX}/dir/`],
    ['absolute elsewhere', pathForm, 'https://example.org/', 'https://example.org/'],
    ['absolute on the node address, other port', pathForm, 'http://10.87.0.34:9000/', 'http://10.87.0.34:9000/'],
    ['not a URL', pathForm, 'http://[bad', 'http://[bad'],
    ['mailto', pathForm, 'mailto:a@b', 'mailto:a@b'],
    ['subdomain: path-absolute stays', subdomain, '/login', '/login'],
    ['subdomain: node address becomes a path', subdomain, 'http://10.87.0.34:8000/x', '/x'],
    ['subdomain: its own host stays', subdomain, `http://${S}-node1-8000.localhost:3000/x`, `http://${S}-node1-8000.localhost:3000/x`],
  ];
  for (const [name, address, value, expected] of cases) {
    test(name, () => {
      const requestHost = address.form === 'path' ? 'localhost:3000' : `${S}-node1-8000.localhost:3000`;
      assert.equal(rewriteLocation(value, { address, upstream, requestHost }), expected);
    });
  }

  test('node address on port 80 matches without the port', () => {
    assert.equal(rewriteLocation('http://10.87.0.34/x', { address: pathForm, upstream: { host: '10.87.0.34', port: 80 }, requestHost: 'h' }), `${PREFIX}/x`);
  });
});

describe('rewriteSetCookie', () => {
  const cases: [string, ProxyAddress, string, string | null][] = [
    ['pier cookie dropped', pathForm, 'pier_owner=evil; Path=/', null],
    ['__Host- pier cookie dropped', subdomain, '__Host-pier_owner=evil; Path=/; Secure', null],
    ['path added under the prefix', pathForm, 'sid=1; HttpOnly', `sid=1; HttpOnly; Path=${PREFIX}/`],
    ['Path=/ moved under the prefix', pathForm, 'sid=1; Path=/; SameSite=Lax', `sid=1; Path=${PREFIX}/; SameSite=Lax`],
    ['Path=/app moved under the prefix', pathForm, 'sid=1; path=/app', `sid=1; Path=${PREFIX}/app`],
    ['Domain removed (path form)', pathForm, 'sid=1; Domain=localhost; Path=/', `sid=1; Path=${PREFIX}/`],
    ['Domain removed (subdomain form)', subdomain, 'sid=1; Domain=.localhost; Path=/', 'sid=1; Path=/'],
    ['subdomain form keeps the path', subdomain, 'sid=1; Path=/x; Secure', 'sid=1; Path=/x; Secure'],
    ['an odd Path value gets the prefix root', pathForm, 'sid=1; Path=x', `sid=1; Path=${PREFIX}/`],
    ['expiry kept', pathForm, 'sid=; Max-Age=0; Path=/', `sid=; Max-Age=0; Path=${PREFIX}/`],
  ];
  for (const [name, address, value, expected] of cases) {
    test(name, () => assert.equal(rewriteSetCookie(value, { address, cookiePrefix: 'pier_' }), expected));
  }
});

describe('downstreamResponseHeaders', () => {
  test('rewrites Location and Set-Cookie, keeps repeats, drops hop-by-hop', () => {
    const out = downstreamResponseHeaders(
      [
        'Content-Type', 'text/html',
        'Transfer-Encoding', 'chunked',
        'Connection', 'keep-alive, X-Hop',
        'Keep-Alive', 'timeout=5',
        'X-Hop', '1',
        'Location', '/next',
        'Set-Cookie', 'a=1',
        'Set-Cookie', 'pier_owner=evil; Path=/',
        'Set-Cookie', 'b=2; Domain=localhost',
      ],
      { address: pathForm, upstream, requestHost: 'localhost:3000', cookiePrefix: 'pier_', upgrade: false },
    );
    assert.deepEqual(out, [
      'Content-Type', 'text/html',
      'Location', `${PREFIX}/next`,
      'Set-Cookie', `a=1; Path=${PREFIX}/`,
      'Set-Cookie', `b=2; Path=${PREFIX}/`,
    ]);
  });

  test('a 101 keeps Connection and Upgrade', () => {
    const out = downstreamResponseHeaders(
      ['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
      { address: pathForm, upstream, requestHost: 'h', cookiePrefix: 'pier_', upgrade: true },
    );
    assert.deepEqual(out, ['Upgrade', 'websocket', 'Connection', 'Upgrade', 'Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=']);
  });
});
