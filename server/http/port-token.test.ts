import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signOwner } from './owner-cookie.js';
import {
  PORT_COOKIE_TTL_S,
  PORT_TOKEN_TTL_S,
  cookieValues,
  newPortGrant,
  portLinkUrl,
  portSetCookie,
  signPortGrant,
  subdomainBaseHost,
  verifyPortGrant,
  type PortGrant,
} from './port-token.js';

const secret = Buffer.alloc(32, 7);
const SESSION = '0123456789abcdef0123456789abcdef';
const OWNER = 'f'.repeat(32);
const ADDRESS = { session: SESSION, node: 'node1', port: 8080 };
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);

const token = (grant: Partial<PortGrant> = {}) => signPortGrant('token', { ...newPortGrant('token', ADDRESS, OWNER, NOW), ...grant }, secret);

test('a signed token verifies for its address and carries its grant', () => {
  const check = verifyPortGrant('token', token(), secret, ADDRESS, NOW + 1000);
  assert.deepEqual(check, { ok: true, grant: { ...ADDRESS, owner: OWNER, exp: NOW / 1000 + PORT_TOKEN_TTL_S } });
  assert.match(token(), /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/, 'base64url payload . base64url HMAC-SHA256');
  const cookie = newPortGrant('cookie', ADDRESS, OWNER, NOW);
  assert.equal(cookie.exp, NOW / 1000 + PORT_COOKIE_TTL_S);
});

test('an expired token is refused, at its expiry second', () => {
  const t = token();
  assert.ok(verifyPortGrant('token', t, secret, ADDRESS, NOW + (PORT_TOKEN_TTL_S - 1) * 1000).ok);
  assert.deepEqual(verifyPortGrant('token', t, secret, ADDRESS, NOW + PORT_TOKEN_TTL_S * 1000), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyPortGrant('token', t, secret, ADDRESS, NOW + 3600_000), { ok: false, reason: 'expired' });
});

test('a token for another port, node or session is refused', () => {
  const t = token();
  for (const other of [
    { ...ADDRESS, port: 8081 },
    { ...ADDRESS, node: 'node2' },
    { ...ADDRESS, session: 'a'.repeat(32) },
  ]) {
    assert.deepEqual(verifyPortGrant('token', t, secret, other, NOW), { ok: false, reason: 'address' }, JSON.stringify(other));
  }
});

test('a tampered token is refused: payload, signature, secret or kind changed', () => {
  const t = token();
  const [payload = '', mac = ''] = t.split('.');
  // Re-encode a payload that grants another port (or a later expiry) under the old MAC.
  const forged = (change: Record<string, unknown>) => {
    const data = { ...(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>), ...change };
    return `${Buffer.from(JSON.stringify(data)).toString('base64url')}.${mac}`;
  };
  assert.deepEqual(verifyPortGrant('token', forged({ port: 22 }), secret, { ...ADDRESS, port: 22 }, NOW), { ok: false, reason: 'signature' });
  assert.deepEqual(verifyPortGrant('token', forged({ exp: NOW / 1000 + 10 ** 6 }), secret, ADDRESS, NOW), { ok: false, reason: 'signature' });
  assert.deepEqual(verifyPortGrant('token', forged({ owner: 'e'.repeat(32) }), secret, ADDRESS, NOW), { ok: false, reason: 'signature' });
  const flipped = `${payload}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'AB' : 'AA'}`;
  assert.deepEqual(verifyPortGrant('token', flipped, secret, ADDRESS, NOW), { ok: false, reason: 'signature' });
  assert.deepEqual(verifyPortGrant('token', t, Buffer.alloc(32, 8), ADDRESS, NOW), { ok: false, reason: 'signature' }, 'another server secret');
  assert.deepEqual(verifyPortGrant('cookie', t, secret, ADDRESS, NOW), { ok: false, reason: 'signature' }, 'a token is not a cookie');
  const cookie = signPortGrant('cookie', newPortGrant('cookie', ADDRESS, OWNER, NOW), secret);
  assert.deepEqual(verifyPortGrant('token', cookie, secret, ADDRESS, NOW), { ok: false, reason: 'signature' }, 'a cookie is not a token');
  // The owner cookie's value (also `<x>.<HMAC>`) is no port grant either.
  assert.equal(verifyPortGrant('token', signOwner(OWNER, secret), secret, ADDRESS, NOW).ok, false);
});

test('malformed values are refused without throwing', () => {
  for (const value of ['', '.', 'abc', 'a.b.c', `${token()}.x`, 'a b.c', `${'A'.repeat(2000)}.${'B'.repeat(43)}`]) {
    assert.equal(verifyPortGrant('token', value, secret, ADDRESS, NOW).ok, false, JSON.stringify(value));
  }
  // Correctly signed payloads that are not grants (the MAC is computed as the module does).
  const signed = (json: string) => {
    const payload = Buffer.from(json).toString('base64url');
    return `${payload}.${createHmac('sha256', secret).update(`pier_port_token:v1:${payload}`).digest('base64url')}`;
  };
  const good = { ...ADDRESS, owner: OWNER, exp: NOW / 1000 + 60 };
  assert.ok(verifyPortGrant('token', signed(JSON.stringify(good)), secret, ADDRESS, NOW).ok, 'the MAC recipe is right');
  for (const json of ['{"session":1}', 'not json', JSON.stringify({ ...good, port: 0 }), JSON.stringify({ ...good, node: '../x' }), JSON.stringify({ ...good, extra: 1 }), JSON.stringify({ ...good, exp: '9999999999' })]) {
    assert.deepEqual(verifyPortGrant('token', signed(json), secret, ADDRESS, NOW), { ok: false, reason: 'malformed' }, json);
  }
});

test('portSetCookie: host-only, HttpOnly, Lax, Path=/, Secure over TLS', () => {
  assert.equal(portSetCookie('v.m', { secure: false }), `pier_port=v.m; Path=/; HttpOnly; SameSite=Lax; Max-Age=${PORT_COOKIE_TTL_S}`);
  assert.match(portSetCookie('v.m', { secure: true }), /; Secure$/);
  assert.doesNotMatch(portSetCookie('v.m', { secure: true }), /Domain/i);
});

test('cookieValues returns every value of a name', () => {
  assert.deepEqual(cookieValues('a=1; pier_port=x; b=2; pier_port=y', 'pier_port'), ['x', 'y']);
  assert.deepEqual(cookieValues(undefined, 'pier_port'), []);
  assert.deepEqual(cookieValues('pier_portx=1; xpier_port=2', 'pier_port'), []);
});

test('subdomainBaseHost accepts host names and refuses IP literals and junk', () => {
  assert.equal(subdomainBaseHost('localhost:3000'), 'localhost:3000');
  assert.equal(subdomainBaseHost('Pier.Example.ORG'), 'pier.example.org');
  for (const bad of [undefined, '', '127.0.0.1:3000', '10.0.0.1', '[::1]:3000', 'a..b', 'a/b', 'a b', 'x_y:1', '-a.b', 'a:b:c']) {
    assert.equal(subdomainBaseHost(bad), null, String(bad));
  }
});

test('portLinkUrl puts the session, node and port in the first label', () => {
  assert.equal(portLinkUrl(ADDRESS, 'localhost:3000', 'T.M', false), `http://${SESSION}-node1-8080.localhost:3000/?pier_port_token=T.M`);
  assert.match(portLinkUrl(ADDRESS, 'pier.example.org', 'T.M', true), /^https:\/\//);
});
