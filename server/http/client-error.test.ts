import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { clientErrorAnswer } from './client-error.js';

const err = (code: string) => Object.assign(new Error(code), { code });

test('an idle connection that timed out is closed without an unsolicited 400', () => {
  assert.deepEqual(clientErrorAnswer(err('ERR_HTTP_REQUEST_TIMEOUT'), 0), { kind: 'close' });
  const late = clientErrorAnswer(err('ERR_HTTP_REQUEST_TIMEOUT'), 12);
  assert.equal(late.kind === 'answer' && late.response.split('\r\n')[0], 'HTTP/1.1 408 Request Timeout');
});

test('parse errors and oversized headers get their status and a body, never a bare 400', () => {
  const bad = clientErrorAnswer(err('HPE_INVALID_METHOD'), 10);
  assert.ok(bad.kind === 'answer');
  assert.match(bad.response, /^HTTP\/1\.1 400 Bad Request\r\n/);
  assert.match(bad.response, /\r\n\r\nThe request could not be understood\.\n$/);
  const big = clientErrorAnswer(err('HPE_HEADER_OVERFLOW'), 20000);
  assert.ok(big.kind === 'answer' && big.response.startsWith('HTTP/1.1 431 '));
  assert.deepEqual(clientErrorAnswer(err('ECONNRESET'), 5), { kind: 'close' });
});

test('a real server: a connection left idle past headersTimeout receives nothing, then closes', async () => {
  // Node checks connections every connectionsCheckingInterval (constructor option only).
  const checked = http.createServer({ connectionsCheckingInterval: 100 }, (_req, res) => res.end('ok'));
  checked.headersTimeout = 300;
  checked.requestTimeout = 300;
  checked.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    const answer = clientErrorAnswer(e, (socket as net.Socket).bytesRead);
    if (answer.kind === 'answer' && socket.writable) socket.end(answer.response);
    else socket.destroy();
  });
  await new Promise<void>((r) => checked.listen(0, '127.0.0.1', r));
  const { port } = checked.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d));
  await new Promise<void>((resolve) => socket.on('close', () => resolve()));
  assert.equal(received, '', 'the idle connection got no unsolicited response');
  checked.close();
});
