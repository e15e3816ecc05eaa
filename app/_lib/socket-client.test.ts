import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SocketClient, isFinalCloseCode, socketUrl, type SocketData, type SocketStatus, type WebSocketLike } from './socket-client';

/** A fake WebSocket the test drives by hand. */
class FakeSocket implements WebSocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  sent: SocketData[] = [];
  closed: { code?: number; reason?: string } | null = null;
  onopen: WebSocketLike['onopen'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  constructor(readonly url: string) {}
  send(data: SocketData) {
    assert.equal(this.readyState, 1, 'send on an open socket only');
    this.sent.push(data);
  }
  close(code?: number, reason?: string) {
    this.closed = { code, reason };
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  message(data: string | ArrayBuffer) {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

function harness(handlers: Partial<ConstructorParameters<typeof SocketClient>[1]> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: (() => void)[] = [];
  const statuses: SocketStatus[] = [];
  const messages: (string | ArrayBuffer)[] = [];
  const client = new SocketClient(
    'ws://host/x',
    { onMessage: (d) => messages.push(d), onStatus: (s) => statuses.push(s), ...handlers },
    {
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      setTimer: (fn) => timers.push(fn),
      clearTimer: () => {},
      maxQueueMessages: 3,
      maxQueueBytes: 1000,
    },
  );
  return { client, sockets, timers, statuses, messages };
}

test('queues while connecting, sends the handshake first, then the queue', () => {
  const h = harness({ onOpen: (sendNow) => sendNow('hello') });
  assert.equal(h.client.send('a'), true);
  assert.equal(h.client.send('b'), true);
  h.sockets[0]!.open();
  assert.deepEqual(h.sockets[0]!.sent, ['hello', 'a', 'b']);
  h.client.send('c');
  assert.deepEqual(h.sockets[0]!.sent, ['hello', 'a', 'b', 'c']);
  assert.equal(h.sockets[0]!.binaryType, 'arraybuffer');
});

test('reconnects after a fixed delay and says so', () => {
  const h = harness({ onOpen: (sendNow) => sendNow('hello') });
  h.sockets[0]!.open();
  h.sockets[0]!.drop();
  assert.equal(h.client.status, 'reconnecting');
  h.client.send('typed while away');
  assert.equal(h.sockets.length, 1);
  h.timers.shift()!();
  assert.equal(h.sockets.length, 2);
  h.sockets[1]!.open();
  assert.deepEqual(h.sockets[1]!.sent, ['hello', 'typed while away']);
  assert.deepEqual(h.statuses, ['open', 'reconnecting', 'open']);
});

test('the send queue is bounded', () => {
  const h = harness();
  assert.equal(h.client.send('1'), true);
  assert.equal(h.client.send('2'), true);
  assert.equal(h.client.send('3'), true);
  assert.equal(h.client.send('4'), false);
  assert.equal(h.client.queued, 3);
  const big = harness();
  assert.equal(big.client.send(new Uint8Array(1001)), false);
});

test('final close codes and close() stop it for good', () => {
  const h = harness();
  h.sockets[0]!.open();
  h.sockets[0]!.drop(4404, 'gone');
  assert.equal(h.client.status, 'closed');
  assert.equal(h.timers.length, 0);
  assert.equal(h.client.send('x'), false);

  const k = harness();
  k.sockets[0]!.open();
  k.client.close();
  assert.equal(k.sockets[0]!.closed?.code, 1000);
  assert.deepEqual(k.statuses, ['open', 'closed']);
  assert.equal(isFinalCloseCode(1006), false);
  assert.equal(isFinalCloseCode(4403), true);
});

test('messages pass through; a stale socket is ignored', () => {
  const h = harness();
  h.sockets[0]!.open();
  h.sockets[0]!.message('one');
  const stale = h.sockets[0]!;
  stale.drop();
  stale.message('late');
  assert.deepEqual(h.messages, ['one']);
});

test('socketUrl follows the page scheme', () => {
  assert.equal(socketUrl('/ws/x', { protocol: 'http:', host: 'h:3000' }), 'ws://h:3000/ws/x');
  assert.equal(socketUrl('/ws/x', { protocol: 'https:', host: 'h' }), 'wss://h/ws/x');
});

test('with a maximum delay, failed reconnects back off and an open connection resets it', () => {
  const delays: number[] = [];
  const timers: (() => void)[] = [];
  const sockets: FakeSocket[] = [];
  const client = new SocketClient('ws://host/x', { onMessage: () => {} }, {
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => {
      delays.push(ms);
      timers.push(fn);
    },
    clearTimer: () => {},
    reconnectDelayMs: 500,
    maxReconnectDelayMs: 3000,
  });
  for (let i = 0; i < 5; i += 1) {
    sockets.at(-1)!.drop();
    timers.shift()!();
  }
  assert.deepEqual(delays, [500, 1000, 2000, 3000, 3000]);
  sockets.at(-1)!.open();
  sockets.at(-1)!.drop();
  assert.equal(delays.at(-1), 500);
  client.close();
});
