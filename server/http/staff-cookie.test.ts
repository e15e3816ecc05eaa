// Unit tests of the staff cookie: signing, verifying, attributes, and apartness from pier_owner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signOwner, verifyOwner } from './owner-cookie.ts';
import { signStaffSession, staffClearCookie, staffSetCookie, verifyStaffSession } from './staff-cookie.ts';

const secret = randomBytes(32);
const id = 'a'.repeat(32);

test('a signed staff session verifies; tampering does not', () => {
  const v = signStaffSession(id, secret);
  assert.equal(verifyStaffSession(v, secret), id);
  assert.equal(verifyStaffSession(v, randomBytes(32)), null);
  assert.equal(verifyStaffSession('b'.repeat(32) + v.slice(32), secret), null);
  assert.equal(verifyStaffSession(v.slice(0, -2), secret), null);
  assert.equal(verifyStaffSession(id, secret), null);
});

test('an owner cookie value is not a staff cookie value, nor the other way', () => {
  assert.equal(verifyStaffSession(signOwner(id, secret), secret), null);
  assert.equal(verifyOwner(signStaffSession(id, secret), secret), null);
});

test('cookie attributes: HttpOnly, SameSite=Lax, Secure only over TLS, cleared with Max-Age=0', () => {
  assert.match(staffSetCookie(id, secret, { secure: false }), /^pier_staff=[0-9a-f]{32}\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
  assert.match(staffSetCookie(id, secret, { secure: true }), /; Secure$/);
  assert.match(staffClearCookie({ secure: false }), /^pier_staff=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0$/);
});
