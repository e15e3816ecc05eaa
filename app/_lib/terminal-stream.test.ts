import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK_EVERY_BYTES, TerminalStream } from './terminal-stream';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('a fresh terminal asks for the screen, then takes frames in order', () => {
  const stream = new TerminalStream();
  assert.equal(stream.resumeFrom(), undefined);
  assert.deepEqual(stream.ready(5, true), { reset: true });
  assert.equal(stream.received, 5);
  const a = stream.accept(5, bytes('hello'));
  assert.equal(text(a.data), 'hello');
  assert.equal(a.end, 10);
  assert.equal(a.gap, 0);
  assert.equal(stream.resumeFrom(), 10);
});

test('a resumed stream drops the already-seen prefix: no duplicates', () => {
  const stream = new TerminalStream();
  stream.ready(0, true);
  stream.accept(0, bytes('abcdef'));
  // Reconnect: hello{resumeFrom: 6}; the server replays from an earlier frame boundary.
  assert.equal(stream.resumeFrom(), 6);
  assert.deepEqual(stream.ready(4, false), { reset: false });
  const overlap = stream.accept(4, bytes('efgh'));
  assert.equal(text(overlap.data), 'gh');
  assert.equal(overlap.end, 8);
  const old = stream.accept(0, bytes('abcd'));
  assert.equal(old.data.byteLength, 0);
  assert.equal(stream.received, 8);
  const exact = stream.accept(8, bytes('ij'));
  assert.equal(text(exact.data), 'ij');
});

test('a frame after a gap is taken whole and the gap reported', () => {
  const stream = new TerminalStream();
  stream.ready(0, true);
  stream.accept(0, bytes('ab'));
  const r = stream.accept(10, bytes('xy'));
  assert.equal(text(r.data), 'xy');
  assert.equal(r.gap, 8);
  assert.equal(stream.received, 12);
});

test('a screen in ready resets the offsets to the server\'s', () => {
  const stream = new TerminalStream();
  stream.ready(0, true);
  stream.accept(0, bytes('abc'));
  stream.markRendered(3);
  assert.deepEqual(stream.ready(1000, true), { reset: true });
  assert.equal(stream.received, 1000);
  assert.equal(stream.rendered, 1000);
  assert.equal(stream.ackPending(), false);
  assert.equal(text(stream.accept(1000, bytes('z')).data), 'z');
});

test('a restored snapshot resumes from its offset', () => {
  const stream = new TerminalStream(4096);
  assert.equal(stream.resumeFrom(), 4096);
  stream.ready(4096, false);
  assert.equal(stream.accept(4000, bytes('x'.repeat(96))).data.byteLength, 0);
  assert.equal(text(stream.accept(4096, bytes('new')).data), 'new');
});

test('acks: pending after rendering, due at once past the byte threshold', () => {
  const stream = new TerminalStream();
  stream.ready(0, true);
  assert.equal(stream.ackPending(), false);
  const small = stream.accept(0, new Uint8Array(100));
  stream.markRendered(small.end);
  assert.equal(stream.ackPending(), true);
  assert.equal(stream.ackDueNow(), false);
  assert.equal(stream.takeAck(), 100);
  assert.equal(stream.ackPending(), false);
  const big = stream.accept(100, new Uint8Array(ACK_EVERY_BYTES));
  stream.markRendered(big.end);
  assert.equal(stream.ackDueNow(), true);
  assert.equal(stream.takeAck(), 100 + ACK_EVERY_BYTES);
  // Rendering callbacks can arrive out of order relative to newer writes; never go back.
  stream.markRendered(50);
  assert.equal(stream.rendered, 100 + ACK_EVERY_BYTES);
});

test('resumeFrom counts bytes handed to xterm even before they are drawn', () => {
  const stream = new TerminalStream();
  stream.ready(0, true);
  stream.accept(0, bytes('12345'));
  assert.equal(stream.rendered, 0);
  assert.equal(stream.resumeFrom(), 5);
});
