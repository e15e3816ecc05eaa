import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LINK_GONE } from './ip.js';

test('every way ip says a link is gone counts as gone; other failures do not', () => {
  for (const msg of [
    'Cannot find device "pierv9ad9f529a3"',
    'RTNETLINK answers: No such device', // the veth vanished with its namespace mid-delete
    'Device "x" does not exist.',
  ]) {
    assert.ok(LINK_GONE.test(msg), msg);
  }
  for (const msg of ['RTNETLINK answers: Operation not permitted', 'RTNETLINK answers: Device or resource busy']) {
    assert.ok(!LINK_GONE.test(msg), msg);
  }
});
