// The terminal wire format: round trips, limits, and garbage that must never throw.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  ClientControl,
  FrameType,
  MAX_CONTROL_BYTES,
  MAX_INPUT_FRAME_BYTES,
  ServerControl,
  decodeClientFrame,
  decodeFrame,
  decodeServerFrame,
  encodeControl,
  encodeInput,
  encodeOutput,
  isFrameError,
  type FrameErrorCode,
} from './terminal.js';

/** A frame of `type` with a raw payload. */
function frame(type: number, payload: Uint8Array | string): Uint8Array {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return new Uint8Array([type, ...bytes]);
}

function errorOf(r: object): FrameErrorCode | undefined {
  return isFrameError(r) ? r.error : undefined;
}

describe('frames round-trip', () => {
  for (const offset of [0, 1, 255, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER]) {
    test(`OUTPUT at offset ${offset}`, () => {
      const bytes = randomBytes(100);
      const r = decodeServerFrame(encodeOutput(offset, bytes));
      assert.deepEqual(r, { kind: 'output', offset, bytes: new Uint8Array(bytes) });
    });
  }

  test('OUTPUT offset is 8 bytes big-endian after the type byte', () => {
    assert.deepEqual([...encodeOutput(0x0102030405, new Uint8Array([0xaa]))], [FrameType.OUTPUT, 0, 0, 0, 1, 2, 3, 4, 5, 0xaa]);
  });

  test('INPUT of bytes and of a string', () => {
    assert.deepEqual(decodeClientFrame(encodeInput(new Uint8Array([3]))), { kind: 'input', bytes: new Uint8Array([3]) });
    const r = decodeClientFrame(encodeInput('é\r'));
    assert.ok(!isFrameError(r) && r.kind === 'input');
    assert.equal(new TextDecoder().decode(r.bytes), 'é\r');
  });

  const client: ClientControl[] = [
    { type: 'hello', cols: 80, rows: 24 },
    { type: 'hello', resumeFrom: 12345, cols: 1000, rows: 500 },
    { type: 'resize', cols: 1, rows: 1 },
    { type: 'ack', offset: 2 ** 40 },
    { type: 'ping', t: 1712345678.5 },
  ];
  for (const m of client) {
    test(`client control ${JSON.stringify(m)}`, () => assert.deepEqual(decodeClientFrame(encodeControl(m)), { kind: 'control', message: m }));
  }

  const server: ServerControl[] = [
    { type: 'ready', offset: 0, readOnly: false },
    { type: 'ready', offset: 99, screen: '\x1b[31mred\x1b[0m\r\n$ ', readOnly: true },
    { type: 'exit', code: 0, signal: null },
    { type: 'exit', code: null, signal: 9 },
    { type: 'error', code: 'INVALID_MESSAGE', message: 'cols: too small' },
    { type: 'pong', t: 5 },
  ];
  for (const m of server) {
    test(`server control ${m.type}`, () => assert.deepEqual(decodeServerFrame(encodeControl(m)), { kind: 'control', message: m }));
  }

  test('a frame inside a larger buffer (a pooled Buffer slice) decodes from its own start', () => {
    const big = Buffer.concat([Buffer.from('garbage'), Buffer.from(encodeOutput(77, new Uint8Array([1, 2])))]);
    const r = decodeServerFrame(big.subarray(7));
    assert.ok(!isFrameError(r) && r.kind === 'output');
    assert.equal(r.offset, 77);
    assert.deepEqual([...r.bytes], [1, 2]);
    assert.deepEqual(decodeClientFrame(encodeInput('x').buffer), { kind: 'input', bytes: new Uint8Array([0x78]) });
  });
});

describe('malformed frames are results, not exceptions', () => {
  const table: Array<[string, unknown, FrameErrorCode]> = [
    ['a string', 'hello', 'NOT_BINARY'],
    ['an array of buffers', [Buffer.from([2])], 'NOT_BINARY'],
    ['empty', new Uint8Array(0), 'EMPTY_FRAME'],
    ['type 0x00', frame(0, 'x'), 'UNKNOWN_TYPE'],
    ['type 0xff', frame(0xff, ''), 'UNKNOWN_TYPE'],
    ['OUTPUT from a client', encodeOutput(0, new Uint8Array(1)), 'WRONG_DIRECTION'],
    ['INPUT over the limit', new Uint8Array(2 + MAX_INPUT_FRAME_BYTES).fill(FrameType.INPUT, 0, 1), 'FRAME_TOO_LARGE'],
    ['control over 4 KiB', frame(FrameType.CONTROL, JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(MAX_CONTROL_BYTES) })), 'FRAME_TOO_LARGE'],
    ['control not UTF-8', frame(FrameType.CONTROL, new Uint8Array([0xc3, 0x28])), 'BAD_UTF8'],
    ['control not JSON', frame(FrameType.CONTROL, '{"type":'), 'BAD_JSON'],
    ['unknown control', frame(FrameType.CONTROL, '{"type":"reboot"}'), 'INVALID_MESSAGE'],
    ['JSON null', frame(FrameType.CONTROL, 'null'), 'INVALID_MESSAGE'],
    ['resize 0×0', encodeControl({ type: 'resize', cols: 0, rows: 0 } as ClientControl), 'INVALID_MESSAGE'],
    ['resize 10⁹', encodeControl({ type: 'resize', cols: 1e9, rows: 1e9 } as ClientControl), 'INVALID_MESSAGE'],
    ['resize 80.5', encodeControl({ type: 'resize', cols: 80.5, rows: 24 } as ClientControl), 'INVALID_MESSAGE'],
    ['hello without size', frame(FrameType.CONTROL, '{"type":"hello"}'), 'INVALID_MESSAGE'],
    ['hello with a negative offset', frame(FrameType.CONTROL, '{"type":"hello","resumeFrom":-1,"cols":80,"rows":24}'), 'INVALID_MESSAGE'],
    ['ack of 2^60', frame(FrameType.CONTROL, '{"type":"ack","offset":1152921504606846976}'), 'INVALID_MESSAGE'],
    ['a server message from a client', encodeControl({ type: 'pong', t: 1 }), 'INVALID_MESSAGE'],
  ];
  for (const [name, data, code] of table) {
    test(`client frame: ${name} → ${code}`, () => assert.equal(errorOf(decodeClientFrame(data)), code));
  }

  test('server frames: truncated OUTPUT, offset beyond 2^53, INPUT from the server', () => {
    assert.equal(errorOf(decodeServerFrame(frame(FrameType.OUTPUT, new Uint8Array(7)))), 'TRUNCATED');
    assert.equal(errorOf(decodeServerFrame(frame(FrameType.OUTPUT, new Uint8Array(8).fill(0xff)))), 'BAD_OFFSET');
    assert.equal(errorOf(decodeServerFrame(encodeInput('x'))), 'WRONG_DIRECTION');
    assert.equal(errorOf(decodeServerFrame(encodeControl({ type: 'hello', cols: 1, rows: 1 }))), 'INVALID_MESSAGE');
  });

  test('fuzz: 5000 random frames never throw and always answer a frame or an error', () => {
    const types = [FrameType.OUTPUT, FrameType.INPUT, FrameType.CONTROL, 0, 4, 0xff];
    for (let i = 0; i < 5000; i++) {
      const body = randomBytes(i % 50 === 0 ? 70_000 : Math.floor(Math.random() * 64));
      const type = types[i % types.length] ?? 0;
      const data = i % 7 === 0 ? body : Buffer.concat([Buffer.from([type]), body]);
      for (const decode of [decodeFrame, decodeClientFrame, decodeServerFrame]) {
        const r = decode(data);
        assert.ok(isFrameError(r) ? typeof r.message === 'string' : ['output', 'input', 'control'].includes(r.kind));
      }
    }
  });

  test('fuzz: random JSON-ish control messages never throw', () => {
    const parts = ['{', '}', '"type"', ':', '"hello"', '"resize"', '"ack"', ',', '"cols"', '1e999', '-0', 'null', '[', ']', '"__proto__"', '9007199254740993'];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: 1 + (i % 12) }, () => parts[Math.floor(Math.random() * parts.length)]).join('');
      const r = decodeClientFrame(frame(FrameType.CONTROL, text));
      assert.ok(isFrameError(r) || r.kind === 'control');
    }
  });
});
