import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OwnerSocketCounter } from './owner-sockets.js';

test('an owner gets at most max slots; others are unaffected', () => {
  const c = new OwnerSocketCounter(2);
  const a1 = c.tryOpen('alice');
  const a2 = c.tryOpen('alice');
  assert.ok(a1 && a2);
  assert.equal(c.tryOpen('alice'), null);
  assert.ok(c.tryOpen('bob'), 'another owner still gets a slot');
  assert.equal(c.count('alice'), 2);
});

test('a release gives the slot back exactly once', () => {
  const c = new OwnerSocketCounter(1);
  const release = c.tryOpen('alice');
  assert.ok(release);
  release();
  release(); // a second call (close after a refusal) must not free a slot it does not hold
  const again = c.tryOpen('alice');
  assert.ok(again);
  assert.equal(c.tryOpen('alice'), null);
  again();
  assert.equal(c.count('alice'), 0);
  assert.equal(c.owners, 0, 'owners with no socket are forgotten');
});

test('max must be a positive integer', () => {
  assert.throws(() => new OwnerSocketCounter(0), RangeError);
  assert.throws(() => new OwnerSocketCounter(1.5), RangeError);
});
