import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Terminal } from '@xterm/xterm';
import { FrameType, MAX_INPUT_FRAME_BYTES, decodeFrame, encodeControl, encodeOutput, isFrameError, type ServerControl } from '../../../protocol/terminal';
import type { SocketData, WebSocketLike } from '../../_lib/socket-client';
import { ACK_EVERY_BYTES } from '../../_lib/terminal-stream';
import { SocketAddon, inputFrames, terminalPath, type TerminalConnectionStatus } from './socket-addon';

const text = (b: Uint8Array | string) => (typeof b === 'string' ? b : new TextDecoder().decode(b));

/** Just enough of xterm's Terminal: records writes, runs write callbacks at once. */
class FakeTerminal {
  cols = 80;
  rows = 24;
  options: { disableStdin?: boolean } = {};
  writes: string[] = [];
  #data: ((d: string) => void)[] = [];
  #resize: ((s: { cols: number; rows: number }) => void)[] = [];
  onData(cb: (d: string) => void) {
    this.#data.push(cb);
    return { dispose: () => void (this.#data = this.#data.filter((x) => x !== cb)) };
  }
  onBinary() {
    return { dispose() {} };
  }
  onResize(cb: (s: { cols: number; rows: number }) => void) {
    this.#resize.push(cb);
    return { dispose: () => void (this.#resize = this.#resize.filter((x) => x !== cb)) };
  }
  write(data: string | Uint8Array, cb?: () => void) {
    this.writes.push(text(data));
    cb?.();
  }
  type(d: string) {
    for (const cb of this.#data) cb(d);
  }
  resize(cols: number, rows: number) {
    this.cols = cols;
    this.rows = rows;
    for (const cb of this.#resize) cb({ cols, rows });
  }
}

class FakeSocket implements WebSocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  sent: Uint8Array[] = [];
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  send(data: SocketData) {
    assert.ok(data instanceof Uint8Array, 'terminal frames are binary');
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  control(message: ServerControl) {
    this.#deliver(encodeControl(message));
  }
  output(offset: number, s: string) {
    this.#deliver(encodeOutput(offset, new TextEncoder().encode(s)));
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
  #deliver(frame: Uint8Array) {
    const copy = frame.slice().buffer; // what the browser hands over: an ArrayBuffer
    this.onmessage?.({ data: copy } as MessageEvent);
  }
  /** Sent frames decoded: control messages as objects, input as text. */
  decoded(): unknown[] {
    return this.sent.map((f) => {
      const frame = decodeFrame(f);
      assert.ok(!isFrameError(frame));
      if (frame.kind === 'control') return frame.json;
      if (frame.kind === 'input') return { input: text(frame.bytes) };
      return frame;
    });
  }
}

function setup(startOffset = 0) {
  const terminal = new FakeTerminal();
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const statuses: TerminalConnectionStatus[] = [];
  const errors: { code: string; message: string }[] = [];
  const exits: unknown[] = [];
  const addon = new SocketAddon({
    url: 'ws://host' + terminalPath('t1'),
    startOffset,
    onStatus: (s) => statuses.push(s),
    onError: (e) => errors.push(e),
    onExit: (e) => exits.push(e),
    socketOptions: {
      createSocket: () => {
        const s = new FakeSocket();
        sockets.push(s);
        return s;
      },
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => {},
    },
  });
  addon.activate(terminal as unknown as Terminal);
  return { terminal, sockets, timers, statuses, errors, exits, addon };
}

test('hello, screen, output, then a resumed reconnect without duplicates', () => {
  const h = setup();
  try {
    const s1 = h.sockets[0]!;
    s1.open();
    assert.deepEqual(s1.decoded(), [{ type: 'hello', cols: 80, rows: 24 }]);
    s1.control({ type: 'ready', offset: 100, screen: '$ ', readOnly: false });
    assert.deepEqual(h.terminal.writes, ['\x1bc', '$ ']);
    s1.output(100, 'ls\r\n');
    s1.output(104, 'a b');
    assert.equal(h.addon.renderedOffset, 107);

    s1.drop();
    assert.equal(h.statuses.at(-1), 'reconnecting');
    h.terminal.type('typed while away');
    h.timers.shift()!();
    const s2 = h.sockets[1]!;
    s2.open();
    const sent = s2.decoded();
    assert.deepEqual(sent[0], { type: 'hello', resumeFrom: 107, cols: 80, rows: 24 });
    assert.deepEqual(sent[1], { input: 'typed while away' });
    // The server replays from an earlier point: only the unseen tail is written.
    s2.control({ type: 'ready', offset: 104, readOnly: false });
    s2.output(104, 'a b c');
    s2.output(100, 'ls\r\n');
    assert.deepEqual(h.terminal.writes.slice(4), [' c']);
    assert.equal(h.terminal.writes.join(''), '\x1bc$ ls\r\na b c');
  } finally {
    h.addon.dispose();
  }
});

test('output before ready has no baseline and is ignored', () => {
  const h = setup();
  const warn = console.warn;
  console.warn = () => {};
  try {
    const s = h.sockets[0]!;
    s.open();
    s.output(0, 'early');
    assert.deepEqual(h.terminal.writes, []);
    s.control({ type: 'ready', offset: 5, screen: 'early', readOnly: false });
    s.output(5, '!');
    assert.deepEqual(h.terminal.writes, ['\x1bc', 'early', '!']);
  } finally {
    console.warn = warn;
    h.addon.dispose();
  }
});

test('a restored snapshot resumes from its offset', () => {
  const h = setup(5000);
  try {
    h.sockets[0]!.open();
    assert.deepEqual(h.sockets[0]!.decoded()[0], { type: 'hello', resumeFrom: 5000, cols: 80, rows: 24 });
  } finally {
    h.addon.dispose();
  }
});

test('acks rendered bytes once past the threshold; input, resize and Korean text', () => {
  const h = setup();
  try {
    const s = h.sockets[0]!;
    s.open();
    s.control({ type: 'ready', offset: 0, screen: '', readOnly: false });
    s.output(0, 'x'.repeat(ACK_EVERY_BYTES));
    const acks = s.decoded().filter((m) => (m as { type?: string }).type === 'ack');
    assert.deepEqual(acks, [{ type: 'ack', offset: ACK_EVERY_BYTES }]);
    h.terminal.type('한글 입력');
    h.terminal.resize(100, 30);
    const tail = s.decoded().slice(-2);
    assert.deepEqual(tail, [{ input: '한글 입력' }, { type: 'resize', cols: 100, rows: 30 }]);
  } finally {
    h.addon.dispose();
  }
});

test('read-only viewers send no input', () => {
  const h = setup();
  try {
    const s = h.sockets[0]!;
    s.open();
    s.control({ type: 'ready', offset: 0, readOnly: true });
    assert.equal(h.terminal.options.disableStdin, true);
    h.terminal.type('rm -rf /');
    assert.equal(s.decoded().length, 1); // just the hello
  } finally {
    h.addon.dispose();
  }
});

test('exit and a closed terminal stop reconnecting', () => {
  const h = setup();
  try {
    const s = h.sockets[0]!;
    s.open();
    s.control({ type: 'exit', code: 0, signal: null });
    assert.deepEqual(h.exits, [{ code: 0, signal: null }]);
    assert.equal(h.statuses.at(-1), 'exited');
    assert.equal(h.timers.length, 0);
  } finally {
    h.addon.dispose();
  }
  const k = setup();
  try {
    k.sockets[0]!.open();
    k.sockets[0]!.drop(4410, 'node reset');
    assert.deepEqual(k.errors, [{ code: 'TERMINAL_CLOSED', message: 'node reset' }]);
    assert.equal(k.timers.length, 0);
    assert.equal(k.statuses.at(-1), 'closed');
  } finally {
    k.addon.dispose();
  }
});

test('large pastes are split into INPUT frames within the limit', () => {
  const frames = inputFrames(new Uint8Array(MAX_INPUT_FRAME_BYTES * 2 + 10));
  assert.equal(frames.length, 3);
  for (const f of frames) {
    assert.equal(f[0], FrameType.INPUT);
    assert.ok(f.length <= 1 + MAX_INPUT_FRAME_BYTES);
  }
  assert.equal(inputFrames(new Uint8Array(0)).length, 0);
});
