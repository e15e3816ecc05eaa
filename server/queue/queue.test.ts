// The session queue's order, places, expiry and room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionQueue, ordinal } from './queue.js';

test('while full, newcomers line up in order and hear their place; when room frees only the head goes', () => {
  let room = false;
  let t = 0;
  const q = new SessionQueue({ hasRoom: () => room, now: () => t, holdMs: 1000 });
  assert.deepEqual(q.ask('a'), { go: false, position: 1, waiting: 1 });
  assert.deepEqual(q.ask('b'), { go: false, position: 2, waiting: 2 });
  assert.deepEqual(q.ask('c'), { go: false, position: 3, waiting: 3 });
  assert.deepEqual(q.ask('b'), { go: false, position: 2, waiting: 3 }, 'asking again keeps the place');
  room = true;
  assert.deepEqual(q.ask('c'), { go: false, position: 3, waiting: 3 }, 'no jumping ahead');
  assert.deepEqual(q.ask('d'), { go: false, position: 4, waiting: 4 }, 'a newcomer waits behind');
  assert.deepEqual(q.ask('a'), { go: true });
  q.leave('a');
  assert.equal(q.position('b'), 1);
  assert.deepEqual(q.ask('b'), { go: true });
  q.leave('b');
  t = 900;
  q.ask('d');
  t = 1500; // c last asked at 0: gone; d asked at 900: kept
  assert.equal(q.position('c'), null);
  assert.equal(q.position('d'), 1);
  assert.equal(q.length, 1);
});

test('with room and nobody waiting, everyone goes at once', () => {
  const q = new SessionQueue({ hasRoom: () => true });
  assert.deepEqual(q.ask('x'), { go: true });
  assert.equal(q.length, 0);
});

test('ordinals', () => {
  assert.deepEqual([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal), ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd', '23rd', '101st', '111th']);
});
