// The asciicast v2 writer: header and event lines, UTF-8 split across chunks, batching,
// the size cap and its truncation notice, mode 0600.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AsciicastWriter, TRUNCATED_NOTICE } from './recording.js';

const tmp = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-cast-'));
  return { file: path.join(dir, 'a.cast'), done: () => rmSync(dir, { recursive: true, force: true }) };
};
const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);

test('writes an asciicast v2 header, then timed output and resize events', () => {
  const { file, done } = tmp();
  let now = 1_700_000_000_500;
  const w = new AsciicastWriter(file, { width: 100, height: 30, startedAt: now, title: 'node1' }, { maxBytes: 1 << 20, now: () => now });
  now += 1500;
  w.output(Buffer.from('hello\r\n'));
  // 한 split in the middle of its UTF-8 bytes: never a replacement character
  const han = Buffer.from('한', 'utf8');
  w.output(han.subarray(0, 1));
  now += 250;
  w.output(han.subarray(1));
  w.resize(120, 40);
  const totals = w.end();
  const [head, ...events] = lines(file);
  assert.deepEqual(head, { version: 2, width: 100, height: 30, timestamp: 1_700_000_000, env: { TERM: 'xterm-256color', SHELL: '/bin/bash' }, title: 'node1' });
  assert.deepEqual(events, [
    [1.5, 'o', 'hello\r\n'],
    [1.75, 'o', '한'],
    [1.75, 'r', '120x40'],
  ]);
  assert.equal(totals.truncated, false);
  assert.equal(totals.bytes, statSync(file).size);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  done();
});

test('buffers: nothing but the header is written until the flush', async () => {
  const { file, done } = tmp();
  const w = new AsciicastWriter(file, { width: 80, height: 24, startedAt: Date.now() }, { maxBytes: 1 << 20, flushMs: 30 });
  const headerBytes = w.bytes;
  for (let i = 0; i < 50; i++) w.output(Buffer.from(`line ${i}\r\n`));
  assert.equal(statSync(file).size, headerBytes, 'each chunk is not written on its own');
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(lines(file).length, 51, 'the timer flushed all 50 events');
  w.end();
  done();
});

test('stops at the cap, ends with a notice, and reports truncation once', () => {
  const { file, done } = tmp();
  const seen: number[] = [];
  const w = new AsciicastWriter(file, { width: 80, height: 24, startedAt: Date.now() }, { maxBytes: 4096, onTruncated: (t) => seen.push(t.bytes) });
  const chunk = Buffer.from('x'.repeat(500));
  for (let i = 0; i < 100; i++) w.output(chunk);
  const totals = w.end();
  w.output(chunk);
  assert.equal(totals.truncated, true);
  assert.ok(totals.bytes <= 4096, `${totals.bytes} bytes within the cap`);
  assert.equal(statSync(file).size, totals.bytes);
  const events = lines(file).slice(1) as [number, string, string][];
  assert.ok(events.length >= 5 && events.length < 10, `${events.length} events`);
  assert.deepEqual(events.at(-1)?.slice(1), ['o', TRUNCATED_NOTICE]);
  assert.deepEqual(seen, [totals.bytes]);
  done();
});

test('refuses to overwrite an existing file', () => {
  const { file, done } = tmp();
  new AsciicastWriter(file, { width: 80, height: 24, startedAt: 0 }, { maxBytes: 1000 }).end();
  assert.throws(() => new AsciicastWriter(file, { width: 80, height: 24, startedAt: 0 }, { maxBytes: 1000 }), /EEXIST/);
  done();
});
