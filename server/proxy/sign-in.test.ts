// The proxy's subdomain sign-in, without sandboxes: a token in the query is traded for a
// cookie with a 302 (or refused with the 403 page) and never forwarded; everything else
// reaches `resolve` with the token removed from the upstream path.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPortProxy, type ProxyAddress, type ProxySignIn } from './index.js';

const S = '0123456789abcdef0123456789abcdef';
const resolved: ProxyAddress[] = [];
const exchanged: string[] = [];
let exchangeThrows = false;

const signIn: ProxySignIn = {
  param: 'pier_port_token',
  async exchange(token, address) {
    exchanged.push(`${token}@${address.node}:${address.port}`);
    if (exchangeThrows) throw new Error('boom');
    if (token === 'good') return { setCookie: 'pier_port=granted; Path=/; HttpOnly; SameSite=Lax' };
    return { status: 403, code: 'PROXY_LINK_INVALID', message: 'bad token' };
  },
};

const proxy = createPortProxy({
  subnetPool: '10.87.0.0/16',
  subnetPrefix: 27,
  signIn,
  log: { warn: () => undefined, error: () => undefined },
  resolve: async (_req, address) => {
    resolved.push(address);
    return { status: 404, message: 'stop here' };
  },
});

let server: http.Server;
let port: number;
before(async () => {
  server = http.createServer((req, res) => {
    if (!proxy.handleRequest(req, res)) res.writeHead(418).end();
  });
  server.on('upgrade', (req, socket, head) => {
    if (!proxy.handleUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function get(path: string, host: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host, ...headers }, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const host = () => `${S}-node1-8080.localhost:${port}`;

test('a good token: 302 to the same URL without it, with the cookie; nothing resolved', async () => {
  resolved.length = 0;
  exchanged.length = 0;
  const r = await get('/app/page?a=1&pier_port_token=good&b=2', host());
  assert.equal(r.status, 302);
  assert.equal(r.headers.location, '/app/page?a=1&b=2');
  assert.deepEqual(r.headers['set-cookie'], ['pier_port=granted; Path=/; HttpOnly; SameSite=Lax']);
  assert.equal(r.headers['cache-control'], 'no-store');
  assert.equal(r.headers['referrer-policy'], 'no-referrer');
  assert.deepEqual(exchanged, ['good@node1:8080']);
  assert.deepEqual(resolved, []);
  const root = await get('/?pier_port_token=good', host());
  assert.equal(root.headers.location, '/');
  // `//evil.example/` must not become a redirect to another host.
  const sneaky = await get('//evil.example/?pier_port_token=good', host());
  assert.equal(sneaky.headers.location, '/evil.example/');
  const backslash = await get('/\\evil.example/?pier_port_token=good', host());
  assert.equal(backslash.headers.location, '/evil.example/');
});

test('a bad token, or two tokens: the 403 page in Korean and English, nothing resolved', async () => {
  resolved.length = 0;
  for (const path of ['/?pier_port_token=bad', '/?pier_port_token=good&pier_port_token=good']) {
    const r = await get(path, host());
    assert.equal(r.status, 403, path);
    assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_LINK_INVALID');
    assert.equal(r.headers['set-cookie'], undefined);
    assert.match(r.body, /<section lang="ko">/);
    assert.match(r.body, /This link is not valid/);
  }
  assert.deepEqual(resolved, []);
});

test('an exchange that throws is a 500, not a forward', async () => {
  exchangeThrows = true;
  try {
    const r = await get('/?pier_port_token=good', host());
    assert.equal(r.status, 500);
    assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_RESOLVE_FAILED');
  } finally {
    exchangeThrows = false;
  }
});

test('requests without a token reach resolve; the token never stays in the upstream path', async () => {
  resolved.length = 0;
  exchanged.length = 0;
  await get('/x?y=1', host());
  // Path form: the parameter is the app's own business (pier never puts a token there).
  await get(`/p/${S}/node1/8080/x?pier_port_token=good`, `127.0.0.1:${port}`);
  assert.deepEqual(
    resolved.map((a) => [a.form, a.upstreamPath]),
    [
      ['subdomain', '/x?y=1'],
      ['path', '/x?pier_port_token=good'],
    ],
  );
  assert.deepEqual(exchanged, []);
});

test('an upgrade never signs in: the token is removed and resolve decides', async () => {
  resolved.length = 0;
  exchanged.length = 0;
  const answer = await new Promise<string>((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/ws?pier_port_token=good&v=1',
      headers: { host: host(), connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      resolve(String(res.statusCode));
    });
    req.on('upgrade', () => resolve('101'));
    req.on('error', reject);
    req.end();
  });
  assert.equal(answer, '404');
  assert.deepEqual(exchanged, []);
  assert.deepEqual(
    resolved.map((a) => a.upstreamPath),
    ['/ws?v=1'],
  );
});
