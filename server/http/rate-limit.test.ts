import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateLimiter, MAX_TRACKED_KEYS, TokenBuckets } from './rate-limit.js';

test('a bucket allows its burst, then one call per refill interval', () => {
  let now = 0;
  const b = new TokenBuckets({ perMinute: 5, burst: 3, now: () => now });
  assert.deepEqual([b.take('k'), b.take('k'), b.take('k')].map((d) => d.ok), [true, true, true]);
  const refused = b.take('k');
  assert.equal(refused.ok, false);
  assert.equal(!refused.ok && refused.retryAfterMs, 12_000);
  assert.equal(b.take('other').ok, true, 'keys are independent');
  now += 11_999;
  assert.equal(b.take('k').ok, false);
  now += 1;
  assert.equal(b.take('k').ok, true);
  assert.equal(b.take('k').ok, false);
  now += 10 * 60_000;
  assert.equal(b.tokens('k'), 3, 'never more than the burst');
});

test('the create limiter needs both the owner and the address bucket', () => {
  let now = 0;
  const l = new CreateLimiter({ ownerPerMinute: 5, ownerBurst: 2, addressPerMinute: 60, addressBurst: 3 }, () => now);
  assert.equal(l.take('alice', '10.0.0.1').ok, true);
  assert.equal(l.take('alice', '10.0.0.1').ok, true);
  assert.equal(l.take('alice', '10.0.0.1').ok, false, 'owner bucket empty');
  assert.equal(l.take('bob', '10.0.0.1').ok, true, 'the refused call took no address token');
  const d = l.take('carol', '10.0.0.1');
  assert.equal(d.ok, false, 'address bucket empty: dropping the cookie does not help');
  assert.equal(!d.ok && d.retryAfterMs, 1000);
  assert.equal(l.take('carol', '10.0.0.2').ok, true);
  now += 1000;
  assert.equal(l.take('carol', '10.0.0.1').ok, true);
});

test('a flood of distinct keys stays bounded', () => {
  const b = new TokenBuckets({ perMinute: 1, burst: 1, now: () => 0 });
  for (let i = 0; i < MAX_TRACKED_KEYS + 500; i++) b.take(`k${i}`);
  assert.ok(b.size <= MAX_TRACKED_KEYS);
});
