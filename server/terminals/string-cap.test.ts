// StringSequenceCap: payloads capped, sequences kept well-formed, the same result however the
// stream is split, and a headless xterm paints the same screen with or without the filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import xtermHeadless from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import type { ITerminalAddon } from '@xterm/headless';
import { STRING_PAYLOAD_CAP_BYTES, StringSequenceCap } from './string-cap.js';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** Runs `stream` through a fresh filter cut at `cuts` (ascending offsets). */
function filterSplit(stream: Uint8Array, cuts: number[], cap = 8): string {
  const f = new StringSequenceCap(cap);
  let out = '';
  let at = 0;
  for (const c of [...cuts, stream.length]) {
    out += text(f.filter(stream.subarray(at, c)));
    at = c;
  }
  return out;
}

/** A small deterministic PRNG (tests must not flake). */
function prng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) & 0x7fffffff), x / 0x7fffffff);
}

test('output without string sequences passes untouched (the same array)', () => {
  const f = new StringSequenceCap();
  const chunk = bytes('hello \x1b[31mred\x1b[0m \xc2\xa0 world\r\n');
  assert.equal(f.filter(chunk), chunk);
  assert.equal(f.dropped, 0);
});

test('a 10 MB title reaches the parser as the cap and its terminator; text after it stays', () => {
  const f = new StringSequenceCap();
  const title = 'T'.repeat(10 * 1024 * 1024);
  const out = text(f.filter(bytes(`a\x1b]0;${title}\x07b`)));
  assert.equal(out, `a\x1b]0;${'T'.repeat(STRING_PAYLOAD_CAP_BYTES - 2)}\x07b`);
  assert.equal(f.dropped, title.length + 2 - STRING_PAYLOAD_CAP_BYTES);
  assert.equal(f.inSequence, false);
});

test('each kind of string ends where xterm ends it', () => {
  const cases: Array<[string, string]> = [
    ['\x1b]0;abcdefghijk\x07X', '\x1b]0;abcdef\x07X'], // OSC ends at BEL
    ['\x1b]0;abcdefghijk\x1b\\X', '\x1b]0;abcdef\x1b\\X'], // …and at ST
    ['\x1bPqabcdefghij\x07kl\x1b\\X', '\x1bPqabcdefg\x1b\\X'], // BEL is DCS payload
    ['\x1b_abcdefghij\x18X', '\x1b_abcdefgh\x18X'], // CAN aborts an APC
    ['\x1b^abcdefghij\x1aX', '\x1b^abcdefgh\x1aX'], // SUB aborts a PM
    ['\x1bXabcdefghij\x1b\\X', '\x1bXabcdefgh\x1b\\X'], // SOS
    ['\xc2\x9d0;abcdefghij\xc2\x9cX', '\xc2\x9d0;abcdef\xc2\x9cX'], // C1 OSC … C1 ST
    ['\x1b]0;abcdefghij\xc2\x85X', '\x1b]0;abcdef\xc2\x85X'], // any C1 ends it
    ['\x1b_ab\xc3\xa9cdefghijkl', '\x1b_ab\xc3\xa9cdefghijkl'], // U+00A0 and up end an APC (xterm: ERROR → GROUND)
    ['\x1bP\xc3\xa9abcdefghijkl', '\x1bP\x18\xc3\xa9abcdefghijkl'], // …and an unhooked DCS, which CAN makes sure of
    ['\x1b\x07]0;abcdefghij\x07X', '\x1b\x07]0;abcdef\x07X'], // C0 in ESCAPE is executed: still OSC
    ['\x1b]0;ab\xc2\xa0cdefghij\x07X', '\x1b]0;ab\xc2\xa0cd\x07X'], // U+00A0 is payload
    ['\x1b]0;abcdefghij\x1b]0;abcdefghij\x07X', '\x1b]0;abcdef\x1b]0;abcdef\x07X'], // a new one restarts the count
    ['\x1b[31mabcdefghijklmn', '\x1b[31mabcdefghijklmn'], // CSI is no string
  ];
  for (const [input, want] of cases) assert.equal(filterSplit(bytes(input), []), want, JSON.stringify(input));
});

test('split anywhere, even inside ESC \\ or a C2 9C, the result is the same', () => {
  const stream = bytes('x\x1b]0;abcdefghijkl\x1b\\y\xc2\x9d2;abcdefghijklmnop\xc2\x9cz\x1bPabcdefghijklm\xc2\xc2\x9c\x1b]8;;abc\xc2\x07w');
  const whole = filterSplit(stream, []);
  for (let cut = 0; cut <= stream.length; cut++) assert.equal(filterSplit(stream, [cut]), whole, `cut at ${cut}`);
  const rand = prng(7);
  for (let n = 0; n < 300; n++) {
    const cuts = [...new Set(Array.from({ length: 1 + Math.floor(rand() * 8) }, () => Math.floor(rand() * stream.length)))].sort((a, b) => a - b);
    assert.equal(filterSplit(stream, cuts), whole, `cuts ${cuts.join(',')}`);
  }
  // Byte by byte.
  assert.equal(filterSplit(stream, Array.from({ length: stream.length }, (_, i) => i)), whole);
});

test('a headless xterm paints the same screen with and without the filter', async () => {
  const rand = prng(42);
  const pieces = ['\x1b]0;', '\x1b]8;;http://x/', '\x1bP1$q', '\x1b_', '\x1b^', '\x1bX', '\xc2\x9d', '\xc2\x90', '\x07', '\x1b\\', '\xc2\x9c', '\x18', '\x1a', '\x1b[1;3', '1m', '\x1b[0m', '\r\n', '\x1b', '\x1b[5;5H'];
  let s = '';
  for (let n = 0; n < 4000; n++) {
    s += rand() < 0.3 ? pieces[Math.floor(rand() * pieces.length)]! : String.fromCharCode(0x21 + Math.floor(rand() * 90)).repeat(1 + Math.floor(rand() * 30));
  }
  const stream = bytes(s);
  const paint = async (chunks: Uint8Array[]): Promise<string> => {
    const term = new Terminal({ cols: 60, rows: 20, scrollback: 100, allowProposedApi: true });
    const ser = new SerializeAddon();
    term.loadAddon(ser as unknown as ITerminalAddon);
    for (const c of chunks) await new Promise<void>((resolve) => term.write(c, resolve));
    const screen = ser.serialize();
    term.dispose();
    return screen;
  };
  const f = new StringSequenceCap(8);
  const filtered: Uint8Array[] = [];
  for (let at = 0; at < stream.length; at += 97) filtered.push(f.filter(stream.subarray(at, at + 97)));
  assert.ok(f.dropped > 1000, `the stream should have over-long strings (dropped ${f.dropped})`);
  assert.equal(await paint(filtered), await paint([stream]));
});
