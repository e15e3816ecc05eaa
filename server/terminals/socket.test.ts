// The socket glue over a real `ws` server on 127.0.0.1 and a real host `bash --norc` under
// node-pty (host, not sandbox: unit level). The same glue over a sandbox's pty is tested
// in test/integration/terminal.test.ts.
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import * as pty from 'node-pty';
import { FrameType, MAX_CONTROL_BYTES, TerminalCloseCode, encodeControl, encodeOutput } from '../../protocol/terminal.js';
import { HIGH_WATERMARK_BYTES, Terminal } from './terminal.js';
import { MAX_BUFFERED_BYTES, type TerminalSocketOptions } from './socket.js';
import type { Viewer } from './types.js';
import { TerminalClient, startTerminalServer } from '../../test/helpers/terminal-socket.js';

const PROMPT = /pier\$ $/;
const SIZE = { cols: 80, rows: 24 };

/** A host bash under node-pty, served on a fresh `ws` server; both gone after the test. */
async function bash(ctx: TestContext, options: Omit<TerminalSocketOptions, 'readOnly'> & { maxPayload?: number } = {}) {
  const p = pty.spawn('/bin/bash', ['--norc', '--noprofile'], {
    name: 'xterm-256color',
    ...SIZE,
    cwd: '/tmp',
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', TERM: 'xterm-256color', PS1: 'pier$ ', HOME: '/tmp', HISTFILE: '/dev/null', LANG: 'C.UTF-8' },
  });
  const term = new Terminal(p, SIZE);
  const server = await startTerminalServer(term, options);
  ctx.after(async () => {
    await server.close();
    term.dispose('closed');
  });
  return { term, server };
}

/** A connected client that has said hello and seen the prompt. */
async function attached(url: string): Promise<TerminalClient> {
  const c = await TerminalClient.connect(url);
  await c.hello();
  await c.waitFor(PROMPT);
  return c;
}

/** An in-process viewer recording the whole stream, acking as it goes (never pauses the pty). */
function recorder(term: Terminal): { viewer: Viewer; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const viewer: Viewer = {
    output: (offset, bytes) => {
      chunks.push(Buffer.from(bytes));
      queueMicrotask(() => term.ack(viewer, offset + bytes.length));
    },
    resync: () => assert.fail('the recorder never falls behind'),
    exit: () => {},
    closed: () => {},
  };
  term.attach(viewer, { ...SIZE, readOnly: true });
  return { viewer, bytes: () => Buffer.concat(chunks) };
}

describe('terminal socket over a host bash', () => {
  test('echo $((6*7)) prints 42; exit reports the code', async (ctx) => {
    const { server } = await bash(ctx);
    const c = await TerminalClient.connect(server.url);
    const ready = await c.hello();
    assert.deepEqual({ ...ready, offset: 0 }, { type: 'ready', offset: 0, readOnly: false });
    await c.waitFor(PROMPT);
    c.input('echo $((6*7))\r');
    await c.waitFor(/[\r\n]42\r\n/);
    c.input('exit 3\r');
    assert.deepEqual(await c.waitControl('exit'), { type: 'exit', code: 3, signal: null });
    assert.deepEqual(c.violations, []);
  });

  test('a dropped socket resumes with exactly the missing output', async (ctx) => {
    const { term, server } = await bash(ctx);
    const all = recorder(term);
    const first = await attached(server.url);
    first.input('echo one; sleep 0.4; echo two\r');
    await first.waitFor(/[\r\n]one\r\n/);
    first.ws.terminate();
    await first.closed;
    while (!/two\r\n.*pier\$ $/s.test(all.bytes().toString())) await sleep(10);

    const second = await TerminalClient.connect(server.url);
    const ready = await second.hello(first.end);
    assert.equal(ready.screen, undefined, 'a replay, not a screen');
    assert.equal(ready.offset, first.end);
    while (second.end < term.offset) await sleep(5);
    assert.deepEqual(Buffer.concat([first.bytes, second.bytes]), all.bytes(), 'no duplicate, no gap');
    assert.match(second.text, /two\r\n/);
    assert.doesNotMatch(second.text, /one\r\n/, 'what the first socket had is not sent again');
    assert.deepEqual([...first.violations, ...second.violations], []);
  });

  test('`yes` against a slow acker: the pty pauses, memory stays bounded, Ctrl-C answers at once', async (ctx) => {
    const { term, server } = await bash(ctx);
    const c = await attached(server.url);
    const serverSocket = server.sockets[0];
    assert.ok(serverSocket);
    c.autoAck = false;
    const rssBefore = process.memoryUsage().rss;
    let paused = false;
    let maxBehind = 0;
    let maxBuffered = 0;
    c.input('yes\r');
    for (let i = 1; i <= 200; i++) {
      await sleep(10);
      paused ||= term.paused;
      maxBehind = Math.max(maxBehind, term.offset - c.acked);
      maxBuffered = Math.max(maxBuffered, serverSocket.bufferedAmount);
      if (i % 20 === 0) c.ack(); // slowly: five acks a second
    }
    const grewBy = process.memoryUsage().rss - rssBefore;
    assert.ok(paused, 'the pty was paused');
    assert.ok(c.end > 512 * 1024, `the flood got through (${c.end} bytes)`);
    assert.ok(maxBehind <= HIGH_WATERMARK_BYTES + 256 * 1024, `the server ran ${maxBehind} bytes ahead of the client`);
    assert.ok(maxBuffered <= MAX_BUFFERED_BYTES + 128 * 1024, `the socket buffered ${maxBuffered} bytes`);
    assert.ok(grewBy < 64 * 1024 * 1024, `rss grew by ${grewBy} bytes`);

    c.autoAck = true;
    c.ack();
    const sentAt = Date.now();
    c.input('\x03');
    await c.waitFor(/\^C\r\n(\x1b\[\?2004h)?pier\$ $/, 1000, 'tail');
    const tookMs = Date.now() - sentAt;
    assert.ok(tookMs < 1000, `prompt after ${tookMs} ms`);
    ctx.diagnostic(`flood: ${c.end} bytes, ≤${maxBehind} ahead of acks, ≤${maxBuffered} buffered, rss +${grewBy >> 20} MiB; prompt ${tookMs} ms after Ctrl-C`);
    c.input('echo ok\r');
    await c.waitFor(/[\r\n]ok\r\n/, 2000, 'tail');
    assert.deepEqual(c.violations, []);
  });

  test('a read-only viewer sees the output but its input is dropped (told once)', async (ctx) => {
    const { server } = await bash(ctx);
    const writer = await attached(server.url);
    const watcher = await TerminalClient.connect(`${server.url}?ro=1`);
    assert.equal((await watcher.hello()).readOnly, true);
    watcher.input('echo owned\r');
    watcher.input('echo owned\r');
    watcher.send({ type: 'resize', cols: 10, rows: 10 });
    assert.deepEqual(await watcher.waitControl('error'), { type: 'error', code: 'READ_ONLY', message: 'this terminal is read-only for you: input and resizes are dropped' });
    writer.input('stty size\r');
    await writer.waitFor(/[\r\n]24 80\r\n/);
    await watcher.waitFor(/[\r\n]24 80\r\n/);
    assert.doesNotMatch(writer.text, /owned/);
    assert.equal(watcher.controls.filter((m) => m.type === 'error').length, 0, 'told once');
  });
});

describe('terminal socket: malformed frames and protocol violations', () => {
  // [name, what to send after (or instead of) hello, expected close code]
  const violations: Array<[string, boolean, (c: TerminalClient) => void, number]> = [
    ['a text frame', true, (c) => c.ws.send('hello'), TerminalCloseCode.PROTOCOL_ERROR],
    ['an unknown type byte', true, (c) => c.ws.send(new Uint8Array([0x7f, 1, 2])), TerminalCloseCode.PROTOCOL_ERROR],
    ['an empty frame', true, (c) => c.ws.send(new Uint8Array(0)), TerminalCloseCode.PROTOCOL_ERROR],
    ['an OUTPUT frame from the client', true, (c) => c.ws.send(encodeOutput(0, new Uint8Array(1))), TerminalCloseCode.PROTOCOL_ERROR],
    ['100 KiB of input in one frame', true, (c) => c.ws.send(new Uint8Array(100 * 1024).fill(FrameType.INPUT, 0, 1)), TerminalCloseCode.FRAME_TOO_LARGE],
    ['a 5 KiB control message', true, (c) => c.ws.send(encodeControl({ type: 'ping', t: 1, pad: 'x'.repeat(MAX_CONTROL_BYTES) } as never)), TerminalCloseCode.FRAME_TOO_LARGE],
    ['input before hello', false, (c) => c.input('ls\r'), TerminalCloseCode.OUT_OF_ORDER],
    ['resize before hello', false, (c) => c.send({ type: 'resize', cols: 80, rows: 24 }), TerminalCloseCode.OUT_OF_ORDER],
    ['a second hello', true, (c) => c.send({ type: 'hello', cols: 80, rows: 24 }), TerminalCloseCode.OUT_OF_ORDER],
  ];

  test('violations close with their 4xxx code; requests that are merely malformed get an error and the loop goes on', async (ctx) => {
    const { term, server } = await bash(ctx);
    for (const [name, hello, act, code] of violations) {
      const c = await TerminalClient.connect(server.url);
      if (hello) await c.hello();
      act(c);
      assert.equal((await c.closed).code, code, name);
    }

    const c = await attached(server.url);
    const malformed: Array<[string, Uint8Array, string]> = [
      ['resize 0×0', encodeControl({ type: 'resize', cols: 0, rows: 0 }), 'INVALID_MESSAGE'],
      ['resize 10⁹', encodeControl({ type: 'resize', cols: 1e9, rows: 1e9 }), 'INVALID_MESSAGE'],
      ['unknown control', encodeControl({ type: 'reboot' } as never), 'INVALID_MESSAGE'],
      ['not JSON', new Uint8Array([FrameType.CONTROL, 0x7b]), 'BAD_JSON'],
      ['not UTF-8', new Uint8Array([FrameType.CONTROL, 0xc3, 0x28]), 'BAD_UTF8'],
    ];
    for (const [name, frame, code] of malformed) {
      c.ws.send(frame);
      const e = await c.waitControl('error');
      assert.equal(e.type === 'error' && e.code, code, name);
    }
    c.send({ type: 'ping', t: 42 });
    assert.deepEqual(await c.waitControl('pong'), { type: 'pong', t: 42 });
    c.input('stty size\r');
    await c.waitFor(/[\r\n]24 80\r\n/, 5000);
    assert.equal(term.disposed, false);
  });

  test('random garbage frames: errors or 4xxx closes, never a crash; the server keeps serving', async (ctx) => {
    const { server } = await bash(ctx);
    const types = [0x00, FrameType.OUTPUT, FrameType.CONTROL, 0x04, 0xff]; // never INPUT: no random keystrokes into a host shell
    const codes = new Set<number>();
    for (let s = 0; s < 20; s++) {
      const c = await TerminalClient.connect(server.url);
      await c.hello();
      for (let i = 0; i < 30 && c.ws.readyState === c.ws.OPEN; i++) {
        const body = randomBytes(Math.floor(Math.random() * (i === 29 ? 8000 : 200)));
        c.ws.send(Buffer.concat([Buffer.from([types[(s + i) % types.length] ?? 0]), body]));
        await sleep(1);
      }
      c.ws.close();
      const { code } = await c.closed;
      codes.add(code);
      for (const m of c.controls) if (m.type === 'error') assert.ok(['BAD_UTF8', 'BAD_JSON', 'INVALID_MESSAGE'].includes(m.code), m.code);
    }
    ctx.diagnostic(`close codes seen: ${[...codes].join(', ')}`);
    for (const code of codes) assert.ok([1000, 1005, 4400, 4413].includes(code), `closed with ${code}`);
    const c = await attached(server.url);
    c.input('echo $((6*7))\r');
    await c.waitFor(/[\r\n]42\r\n/);
  });

  test('with the recommended maxPayload, ws itself refuses a larger message (1009)', async (ctx) => {
    const { server } = await bash(ctx, { maxPayload: 1 + 64 * 1024 });
    const c = await TerminalClient.connect(server.url);
    await c.hello();
    c.ws.send(new Uint8Array(70_000).fill(FrameType.INPUT, 0, 1));
    assert.equal((await c.closed).code, 1009);
  });
});

describe('terminal socket: heartbeats and timeouts', () => {
  test('a client that misses a pong is dropped; the terminal lives on', async (ctx) => {
    const { term, server } = await bash(ctx, { heartbeatMs: 100 });
    const silent = await TerminalClient.connect(server.url, { autoPong: false });
    await silent.hello();
    assert.equal(term.viewerCount, 1);
    const { code } = await silent.closed;
    assert.equal(code, 1006, 'terminated, no close frame');
    while (term.viewerCount > 0) await sleep(5);
    assert.equal(term.disposed, false);
    const alive = await attached(server.url);
    await sleep(350); // three heartbeats: a client that answers pings stays
    alive.input('echo $((6*7))\r');
    await alive.waitFor(/[\r\n]42\r\n/);
  });

  test('no hello within the timeout closes with 4408', async (ctx) => {
    const { server } = await bash(ctx, { helloTimeoutMs: 100 });
    const c = await TerminalClient.connect(server.url);
    assert.equal((await c.closed).code, TerminalCloseCode.HELLO_TIMEOUT);
  });

  test('disposing the terminal closes its sockets with 4410', async (ctx) => {
    const { term, server } = await bash(ctx);
    const c = await attached(server.url);
    term.dispose('closed');
    assert.deepEqual(await c.closed, { code: TerminalCloseCode.TERMINAL_CLOSED, reason: 'terminal closed' });
  });
});
