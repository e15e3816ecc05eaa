// The bounded output log: offsets, wrap-around, exact boundaries, offsets past the end.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputLog } from './output-log.js';

/** The stream bytes [from, to): byte i of the stream is i mod 251 (a prime, so blocks differ). */
function stream(from: number, to: number): Uint8Array {
  return Uint8Array.from({ length: to - from }, (_, k) => (from + k) % 251);
}

/** A log of `capacity` that was fed `chunks` (sizes) of the stream in order. */
function logOf(capacity: number, chunks: number[]): OutputLog {
  const log = new OutputLog(capacity);
  let at = 0;
  for (const n of chunks) {
    assert.equal(log.append(stream(at, at + n)), at, 'append returns the offset of its first byte');
    at += n;
  }
  return log;
}

describe('OutputLog', () => {
  // [name, capacity, appended chunk sizes, expected start, expected end]
  const shapes: Array<[string, number, number[], number, number]> = [
    ['empty', 100, [], 0, 0],
    ['one small chunk', 100, [10], 0, 10],
    ['exactly full', 100, [60, 40], 0, 100],
    ['one byte over', 100, [60, 41], 1, 101],
    ['wraps many times', 100, [33, 33, 33, 33, 33, 33, 33], 131, 231],
    ['one chunk of exactly capacity', 100, [100], 0, 100],
    ['one chunk larger than capacity', 100, [250], 150, 250],
    ['a huge chunk after some', 100, [30, 1000, 5], 935, 1035],
    ['across 16 KiB blocks', 40_000, [16_384, 1, 16_383, 16_385, 7], 9_160, 49_160],
    ['1 MiB log fed 3 MiB', 1 << 20, Array.from({ length: 48 }, () => 65_536), 2 << 20, 3 << 20],
  ];
  for (const [name, capacity, chunks, start, end] of shapes) {
    test(`${name}: keeps [${start}, ${end})`, () => {
      const log = logOf(capacity, chunks);
      assert.equal(log.start, start);
      assert.equal(log.end, end);
      assert.equal(log.size, end - start);
      assert.deepEqual(log.readFrom(start), { offset: start, bytes: stream(start, end) });
      assert.deepEqual(log.readFrom(end), { offset: end, bytes: new Uint8Array(0) }, 'reading at the end answers nothing');
      assert.equal(log.readFrom(end + 1), 'beyond-end');
      assert.equal(log.readFrom(Number.MAX_SAFE_INTEGER), 'beyond-end');
      if (start > 0) assert.equal(log.readFrom(start - 1), 'too-old');
    });
  }

  // [name, offset, maxBytes, expected] on a 100-byte log fed 250 bytes in chunks of 7
  const reads: Array<[string, number, number | undefined, [number, number] | 'too-old' | 'beyond-end']> = [
    ['oldest byte', 150, undefined, [150, 250]],
    ['middle', 200, undefined, [200, 250]],
    ['last byte', 249, undefined, [249, 250]],
    ['capped', 160, 10, [160, 170]],
    ['cap of zero', 160, 0, [160, 160]],
    ['cap past the end', 245, 1000, [245, 250]],
    ['dropped', 149, undefined, 'too-old'],
    ['offset 0, long gone', 0, undefined, 'too-old'],
    ['past the end', 251, undefined, 'beyond-end'],
  ];
  for (const [name, offset, max, expected] of reads) {
    test(`readFrom: ${name}`, () => {
      const log = logOf(100, [...Array.from({ length: 35 }, () => 7), 5]);
      assert.equal(log.end, 250);
      const r = log.readFrom(offset, max);
      if (typeof expected === 'string') assert.equal(r, expected);
      else assert.deepEqual(r, { offset, bytes: stream(expected[0], expected[1]) });
    });
  }

  test('a read is a copy: later appends do not change it', () => {
    const log = logOf(100, [50]);
    const r = log.readFrom(0);
    assert.notEqual(r, 'too-old');
    log.append(new Uint8Array(100).fill(9));
    assert.deepEqual(r, { offset: 0, bytes: stream(0, 50) });
  });

  test('memory follows use: an idle log holds one block, a full one at most capacity + a block', () => {
    assert.equal(logOf(1 << 20, []).retainedBytes, 0);
    assert.equal(logOf(1 << 20, [20]).retainedBytes, 16 * 1024);
    const full = logOf(1 << 20, Array.from({ length: 100 }, () => 50_000));
    assert.ok(full.retainedBytes <= (1 << 20) + 16 * 1024, `retains ${full.retainedBytes}`);
  });

  test('random appends and reads agree with a plain copy of the stream', () => {
    const capacity = 5000;
    const log = new OutputLog(capacity);
    let end = 0;
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(Math.random() * (i % 100 === 0 ? 12_000 : 300));
      log.append(stream(end, end + n));
      end += n;
      const from = Math.max(0, end - capacity) + Math.floor(Math.random() * Math.min(end + 1, capacity + 1));
      const r = log.readFrom(Math.min(from, end));
      assert.notEqual(typeof r, 'string');
      if (typeof r !== 'string') assert.deepEqual(r.bytes, stream(r.offset, end));
    }
  });
});
