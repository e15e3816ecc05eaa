// Unit tests of staff password hashing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyPassword, SCRYPT_N } from './passwords.ts';

test('a hash verifies its password and no other', async () => {
  const h = await hashPassword('correct horse battery');
  assert.match(h, new RegExp(`^scrypt\\$${SCRYPT_N}\\$8\\$1\\$[A-Za-z0-9_-]{22}\\$[A-Za-z0-9_-]{43}$`));
  assert.equal(await verifyPassword('correct horse battery', h), true);
  assert.equal(await verifyPassword('correct horse batterY', h), false);
  assert.equal(await verifyPassword('', h), false);
});

test('two hashes of one password differ (fresh salt)', async () => {
  const [a, b] = await Promise.all([hashPassword('samesame-password'), hashPassword('samesame-password')]);
  assert.notEqual(a, b);
});

test('Korean passwords and NFC/NFD forms verify alike', async () => {
  const nfc = '비밀번호는열글자이상'.normalize('NFC');
  const h = await hashPassword(nfc);
  assert.equal(await verifyPassword(nfc.normalize('NFD'), h), true);
});

test('malformed or tampered encodings never match', async () => {
  const h = await hashPassword('some password!');
  for (const bad of ['', 'plain', h.replace('scrypt$', 'bcrypt$'), h.replace(`$${SCRYPT_N}$`, '$1024$'), h.replace(`$${SCRYPT_N}$`, `$${2 ** 30}$`), h.replace(`$${SCRYPT_N}$`, '$40000$'), h.slice(0, -10)]) {
    assert.equal(await verifyPassword('some password!', bad), false, bad);
  }
});
