import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsPath, parseSessionEvent } from './events-socket';

test('parses valid events and skips anything else', () => {
  assert.deepEqual(parseSessionEvent('{"type":"ended","reason":"idle"}'), { type: 'ended', reason: 'idle' });
  assert.deepEqual(parseSessionEvent('{"type":"expiring","secondsLeft":60}'), { type: 'expiring', secondsLeft: 60 });
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(parseSessionEvent('{"type":"ended","reason":"bored"}'), null);
    assert.equal(parseSessionEvent('{"type":"nope"}'), null);
    assert.equal(parseSessionEvent('not json'), null);
    assert.equal(parseSessionEvent(new ArrayBuffer(2)), null);
  } finally {
    console.warn = warn;
  }
  assert.equal(eventsPath('abc'), '/ws/sessions/abc/events');
});

test('class feed frames are validated the same way', async () => {
  const { parseFrame } = await import('./json-frame');
  const { MemberEvent } = await import('../../protocol/classroom');
  assert.deepEqual(parseFrame(MemberEvent, '{"type":"hand","hand":null}'), { type: 'hand', hand: null });
  const warn = console.warn;
  console.warn = () => {};
  try {
    assert.equal(parseFrame(MemberEvent, '{"type":"hand"}'), null);
    assert.equal(parseFrame(MemberEvent, '<b>'), null);
  } finally {
    console.warn = warn;
  }
});
