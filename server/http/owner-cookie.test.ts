import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureOwner, loadOrCreateSecret, newOwnerId, OWNER_COOKIE, ownerSetCookie, parseCookies, signOwner, verifyOwner } from './owner-cookie.js';
import { isServerError } from '../errors.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const secret = Buffer.alloc(32, 7);

test('a signed owner verifies; tampered, truncated or foreign cookies do not', () => {
  const owner = newOwnerId();
  assert.match(owner, /^[0-9a-f]{32}$/);
  const value = signOwner(owner, secret);
  assert.equal(verifyOwner(value, secret), owner);
  const other = newOwnerId();
  const [, mac] = value.split('.');
  const tampered = [
    `${other}.${mac}`, // another id with this MAC
    `${owner}.${mac!.slice(0, -2)}AA`, // MAC changed
    `${owner}.`, // MAC missing
    owner, // no dot
    `${owner.toUpperCase()}.${mac}`, // id not canonical
    `${owner}x.${mac}`,
    '',
  ];
  for (const v of tampered) assert.equal(verifyOwner(v, secret), null, v);
  assert.equal(verifyOwner(value, Buffer.alloc(32, 8)), null, 'signed with another secret');
});

test('cookies parse; the Set-Cookie is httpOnly, Lax, site-wide', () => {
  const cookies = parseCookies(`a=1; ${OWNER_COOKIE}=x.y; b = 2 ;${OWNER_COOKIE}=second; junk`);
  assert.equal(cookies.get(OWNER_COOKIE), 'x.y');
  assert.equal(cookies.get('b'), '2');
  assert.equal(parseCookies(undefined).size, 0);
  const header = ownerSetCookie('0'.repeat(32), secret, { secure: false });
  assert.match(header, new RegExp(`^${OWNER_COOKIE}=0{32}\\.[A-Za-z0-9_-]+; `));
  for (const attr of ['Path=/', 'HttpOnly', 'SameSite=Lax']) assert.ok(header.split('; ').includes(attr), attr);
  assert.ok(!header.includes('Secure'));
  assert.ok(ownerSetCookie('0'.repeat(32), secret, { secure: true }).endsWith('; Secure'));
});

test('the secret is created once with mode 0600 and then reused', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-secret-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'secret');
  const first = loadOrCreateSecret(file);
  assert.equal(first.length, 32);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  chmodSync(file, 0o644);
  assert.deepEqual(loadOrCreateSecret(file), first);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'made private again');
  writeFileSync(file, 'abcd');
  assert.throws(() => loadOrCreateSecret(file), (err: unknown) => isServerError(err, 'STATE_CORRUPT'));
});

test('ensureOwner keeps a valid owner and gives a first visit one cookie, which later requests then carry', async (t) => {
  const server = http.createServer((req, res) => {
    const owner = ensureOwner(req, res, secret);
    res.end(owner);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const first = await fetch(url);
  const owner = await first.text();
  const cookie = first.headers.getSetCookie();
  assert.equal(cookie.length, 1);
  assert.equal(parseCookies(cookie[0]!.split(';')[0]).get(OWNER_COOKIE), signOwner(owner, secret));
  const again = await fetch(url, { headers: { cookie: cookie[0]!.split(';')[0]! } });
  assert.equal(await again.text(), owner);
  assert.deepEqual(again.headers.getSetCookie(), []);
  const forged = await fetch(url, { headers: { cookie: `${OWNER_COOKIE}=${owner}.AAAA` } });
  assert.notEqual(await forged.text(), owner);
  assert.equal(forged.headers.getSetCookie().length, 1);
});
