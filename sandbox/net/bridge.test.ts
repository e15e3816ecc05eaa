// Unit test of the bridge's fixed MAC address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bridgeMac } from './bridge.js';

test('bridge MAC: locally administered unicast, from the network id', () => {
  assert.equal(bridgeMac('0123456789'), '02:01:23:45:67:89');
  assert.equal(bridgeMac('abcdefabcd'), '02:ab:cd:ef:ab:cd');
  assert.throws(() => bridgeMac('xyz'));
});
