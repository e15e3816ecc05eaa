// Unit tests of rejoin tokens: valid until expiry, never forged or moved to another member.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signRejoin, verifyRejoin } from './rejoin-token.ts';

const secret = randomBytes(32);
const member = 'c'.repeat(32);

test('a token proves its member until it expires', () => {
  const t = signRejoin(member, 10_000, secret);
  assert.equal(verifyRejoin(t, secret, 9_999), member);
  assert.equal(verifyRejoin(t, secret, 10_000), null);
});

test('forged, edited or foreign tokens are refused', () => {
  const t = signRejoin(member, 10_000, secret);
  assert.equal(verifyRejoin(t, randomBytes(32), 0), null);
  assert.equal(verifyRejoin(t.replace('.10000.', '.99999.'), secret, 0), null);
  assert.equal(verifyRejoin('d'.repeat(32) + t.slice(32), secret, 0), null);
  assert.equal(verifyRejoin('', secret, 0), null);
  assert.equal(verifyRejoin(`${t}x`, secret, 0), null);
});
