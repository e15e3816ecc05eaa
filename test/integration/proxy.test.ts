// The port proxy against a real sandbox: listening ports read from the host, HTTP and
// WebSocket traffic through /p/<session>/<node>/<port>/ and the subdomain form, the 502
// page, and the refusals of docs/SECURITY.md attacks 33 and 37 (a resolve bug pointing at the
// host, a gateway, traversal). Traffic goes only to loopback and the sandbox's address.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import WebSocket from 'ws';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, shOk } from '../helpers/sandbox.js';
import { waitFor } from '../helpers/host.js';
import { createPortProxy, UPSTREAM_RETRY_DELAYS_MS, type PortProxy, type PortProxyOptions, type ProxyTarget } from '../../server/proxy/index.js';
import type { ListeningPort } from '../../sandbox/index.js';
import type { NetworkInfo, SandboxInfo } from '../../sandbox/index.js';

/** Sessions of the fake server, each answered differently by `resolve`. */
const S_OK = randomBytes(16).toString('hex');
const S_FORBIDDEN = randomBytes(16).toString('hex');
const S_GONE = randomBytes(16).toString('hex');
const S_LOOPBACK = randomBytes(16).toString('hex');
const S_GATEWAY = randomBytes(16).toString('hex');
const S_NOWHERE = randomBytes(16).toString('hex');
const S_THROWS = randomBytes(16).toString('hex');
/** The owner cookie of S_OK; the proxy must never pass it on. */
const OWNER = `pier_owner=${randomBytes(8).toString('hex')}`;

/** How long the sandbox's servers may take to listen. */
const SERVERS_START_MS = 15_000;
/** Connect timeout of the proxies here: short, so the black-hole test is quick. */
const TEST_CONNECT_TIMEOUT_MS = 1_000;

interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A host TCP listener that must never be reached: counts connections. */
async function trap(host: string): Promise<{ port: number; hits: () => number; close: () => void }> {
  let hits = 0;
  const server = net.createServer((s) => {
    hits++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return { port: (server.address() as net.AddressInfo).port, hits: () => hits, close: () => server.close() };
}

describe('port proxy', rootSuite(), () => {
  let network: NetworkInfo;
  let node: SandboxInfo;
  const traps: Awaited<ReturnType<typeof trap>>[] = [];
  let loopTrap: Awaited<ReturnType<typeof trap>>;
  let gatewayTrap: Awaited<ReturnType<typeof trap>>;
  const servers: { server: http.Server; proxy: PortProxy }[] = [];
  let base: string;
  let proxy: PortProxy;

  /** resolve() of a fake server: S_OK needs the owner cookie; others exercise refusals. */
  const resolve: PortProxyOptions['resolve'] = async (req, address): Promise<ProxyTarget | { status: 403 | 404; message: string }> => {
    switch (address.session) {
      case S_OK:
        if (!(req.headers.cookie ?? '').includes(OWNER)) return { status: 403, message: 'not the owner of this session' };
        return address.node === 'node1' ? { host: node.address, port: address.port } : { status: 404, message: 'no such node' };
      case S_FORBIDDEN:
        return { status: 403, message: 'not the owner of this session' };
      case S_LOOPBACK:
        return { host: '127.0.0.1', port: loopTrap.port };
      case S_GATEWAY:
        return { host: network.gateway, port: gatewayTrap.port };
      case S_NOWHERE: {
        // A node address in the session's subnet that no sandbox holds.
        const last = Number(node.address.split('.')[3]) + 20;
        return { host: node.address.replace(/\.\d+$/, `.${last}`), port: 80 };
      }
      case S_THROWS:
        throw new Error('database is on fire');
      default:
        return { status: 404, message: 'no such session' };
    }
  };

  /** Starts an HTTP server on loopback that mounts a proxy (as server/main.ts will). */
  async function startServer(extra: Partial<PortProxyOptions> = {}): Promise<{ base: string; proxy: PortProxy }> {
    const p = createPortProxy({
      resolve,
      subnetPool: runtime.config.subnetPool,
      subnetPrefix: runtime.config.subnetPrefix,
      connectTimeoutMs: TEST_CONNECT_TIMEOUT_MS,
      log: { warn: () => undefined, error: () => undefined },
      ...extra,
    });
    const server = http.createServer((req, res) => {
      if (!p.handleRequest(req, res)) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('pier page');
      }
    });
    server.on('upgrade', (req, socket, head) => {
      if (!p.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push({ server, proxy: p });
    return { base: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, proxy: p };
  }

  /** One request through the proxy; `path` is sent exactly as written (no normalisation). */
  function get(path: string, options: { headers?: Record<string, string>; method?: string; body?: Buffer; origin?: string } = {}): Promise<Response> {
    const url = new URL(options.origin ?? base);
    return new Promise((resolveResponse, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path, method: options.method ?? 'GET', headers: { cookie: OWNER, ...options.headers }, agent: false },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (body += d));
          res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, headers: res.headers, body }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }

  const p = (session: string, port: number, rest = '/', nodeName = 'node1') => `/p/${session}/${nodeName}/${port}${rest}`;

  before(async () => {
    network = await driver.createNetwork();
    node = await driver.create({ network: network.id, hostname: 'node1' });

    const lab = await readFile(new URL('../fixtures/proxy-lab.py', import.meta.url), 'utf8');
    await driver.run(node.id, { cmd: ['sh', '-c', 'cat > /root/lab.py'], input: lab, timeoutMs: 10_000 });
    await shOk(node.id, 'mkdir -p /root/www/sub && echo hello-from-node1 > /root/www/hello.txt && echo inner > /root/www/sub/inner.txt');
    await shOk(node.id, 'cd /root/www && nohup python3 -m http.server 8000 > /tmp/http.log 2>&1 & nohup python3 /root/lab.py > /tmp/lab.log 2>&1 &');

    loopTrap = await trap('127.0.0.1');
    gatewayTrap = await trap(network.gateway);
    traps.push(loopTrap, gatewayTrap);
    ({ base, proxy } = await startServer());

    const want = [8000, 8001, 8765, 9000];
    const up = await waitFor(async () => {
      const ports = (await driver.listeningPorts(node.id)).map((l) => l.port);
      return want.every((w) => ports.includes(w));
    }, SERVERS_START_MS, 100);
    if (!up) {
      const logs = await shOk(node.id, 'cat /tmp/http.log /tmp/lab.log 2>&1 || true');
      assert.fail(`servers in the sandbox did not start: ${JSON.stringify(await driver.listeningPorts(node.id))}\n${logs}`);
    }
  });

  after(async () => {
    for (const s of servers) {
      s.proxy.close();
      s.server.closeAllConnections();
      s.server.close();
    }
    for (const t of traps) t.close();
    if (node) await driver.destroy(node.id);
    if (network) await driver.destroyNetwork(network.id);
  });

  test('driver.listeningPorts sees the sandbox’s listeners and flags the loopback-only one', async () => {
    const ports = await driver.listeningPorts(node.id);
    const byPort = new Map(ports.map((l): [number, ListeningPort] => [l.port, l]));
    assert.equal(byPort.get(8000)?.reachable, true, `8000: ${JSON.stringify(byPort.get(8000))}`);
    assert.equal(byPort.get(8001)?.reachable, true);
    assert.equal(byPort.get(8765)?.reachable, true);
    assert.deepEqual(byPort.get(9000), { port: 9000, reachable: false, addresses: ['127.0.0.1'] });
    assert.deepEqual(
      ports.map((l) => l.port),
      [...new Set(ports.map((l) => l.port))].sort((a, b) => a - b),
      'sorted, no repeats',
    );
    // The host's own listeners (the proxy's server) are not the sandbox's.
    const hostPort = Number(new URL(base).port);
    assert.ok(!byPort.has(hostPort));
  });

  test('GET /p/<session>/node1/8000/ shows the directory listing', async () => {
    const r = await get(p(S_OK, 8000));
    assert.equal(r.status, 200, r.body);
    assert.match(r.body, /Directory listing for \//);
    assert.match(r.body, /hello\.txt/);
    const file = await get(p(S_OK, 8000, '/hello.txt'));
    assert.equal(file.body, 'hello-from-node1\n');
  });

  test('the bare prefix gets a 308 to add the slash; the app’s redirects stay under the prefix', async () => {
    const bare = await get(p(S_OK, 8000, '?x=1'));
    assert.equal(bare.status, 308);
    assert.equal(bare.headers.location, `${p(S_OK, 8000)}?x=1`);
    // http.server answers /sub with 301 Location: /sub/
    const dir = await get(p(S_OK, 8000, '/sub'));
    assert.equal(dir.status, 301);
    assert.equal(dir.headers.location, p(S_OK, 8000, '/sub/'));
    const redirect = await get(p(S_OK, 8001, '/redirect'));
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.location, p(S_OK, 8001, '/target'));
  });

  test('the app sees its own path, X-Forwarded-*, and never the pier cookie', async () => {
    const r = await get(p(S_OK, 8001, '/headers?x=1'), { headers: { cookie: `${OWNER}; theme=dark`, 'x-forwarded-for': '6.6.6.6', connection: 'keep-alive, x-hop', 'x-hop': '1' } });
    assert.equal(r.status, 200, r.body);
    const seen = JSON.parse(r.body) as { path: string; headers: Record<string, string> };
    assert.equal(seen.path, '/headers?x=1');
    assert.equal(seen.headers.cookie, 'theme=dark');
    assert.ok(!JSON.stringify(seen).includes(OWNER.split('=')[1] ?? 'x'), 'owner cookie value leaked');
    assert.equal(seen.headers['x-forwarded-prefix'], p(S_OK, 8001, ''));
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers['x-forwarded-host'], new URL(base).host);
    assert.equal(seen.headers['x-forwarded-proto'], 'http');
    assert.equal(seen.headers.host, new URL(base).host);
    assert.equal(seen.headers['x-hop'], undefined);
  });

  test('the app cannot set the pier cookie; its own cookies are scoped to the prefix', async () => {
    const r = await get(p(S_OK, 8001, '/cookies'));
    assert.deepEqual(r.headers['set-cookie'], [`app=1; Path=${p(S_OK, 8001)}`]);
  });

  test('a request body is streamed to the app', async () => {
    const body = randomBytes(3 * 1024 * 1024);
    const r = await get(p(S_OK, 8001, '/echo'), { method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(JSON.parse(r.body), { length: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  test('a response streams as it is produced, and a client abort closes the upstream', async () => {
    await shOk(node.id, 'rm -f /tmp/stream.outcome');
    const started = performance.now();
    const firstChunkMs = await new Promise<number>((resolveFirst, reject) => {
      const req = http.get(`${base}${p(S_OK, 8001, '/stream')}`, { headers: { cookie: OWNER }, agent: false }, (res) => {
        assert.equal(res.statusCode, 200);
        res.once('data', () => {
          resolveFirst(performance.now() - started);
          req.destroy(); // the student closes the tab
        });
      });
      req.on('error', (err) => ((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(err)));
    });
    // The app takes 10 s for the whole response; the first tick must not wait for it.
    assert.ok(firstChunkMs < 2_000, `first chunk after ${firstChunkMs.toFixed(0)} ms: buffered?`);
    const aborted = await waitFor(async () => (await shOk(node.id, 'cat /tmp/stream.outcome 2>/dev/null || true')) === 'aborted', 5_000, 100);
    assert.ok(aborted, 'the app kept streaming to a client that had gone');
    assert.ok(await waitFor(() => proxy.openConnections === 0, 2_000), `${proxy.openConnections} upstream connections left open`);
  });

  test('WebSocket upgrades pass both ways (text, binary, the app’s path and headers)', async () => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}${p(S_OK, 8765, '/chat?room=1')}`, { headers: { cookie: `${OWNER}; theme=dark` } });
    const upgrade = new Promise<IncomingHttpHeaders>((r) => ws.once('upgrade', (res) => r(res.headers)));
    await new Promise<void>((r, reject) => {
      ws.once('open', () => r());
      ws.once('error', reject);
    });
    const headers = await upgrade;
    assert.equal(headers['x-seen-path'], '/chat?room=1');
    assert.equal(headers['x-seen-cookie'], 'theme=dark');
    assert.equal(headers['x-seen-prefix'], p(S_OK, 8765, ''));
    const next = () => new Promise<{ data: Buffer; binary: boolean }>((r) => ws.once('message', (data, binary) => r({ data: data as Buffer, binary })));

    let reply = next();
    ws.send('hello, node1');
    assert.deepEqual(await reply, { data: Buffer.from('hello, node1'), binary: false });

    const blob = randomBytes(70_000);
    reply = next();
    ws.send(blob);
    const got = await reply;
    assert.equal(got.binary, true);
    assert.ok(got.data.equals(blob), 'binary frame came back changed');

    await new Promise<void>((r) => {
      ws.once('close', () => r());
      ws.close(1000, 'bye');
    });
    assert.ok(await waitFor(() => proxy.openConnections === 0, 2_000), `${proxy.openConnections} tunnels left open`);
  });

  /** Opens a WebSocket through the proxy and reports the status of a refused upgrade. */
  function refusedUpgrade(path: string, cookie = OWNER): Promise<number> {
    return new Promise((r, reject) => {
      const ws = new WebSocket(`${base.replace('http', 'ws')}${path}`, { headers: { cookie } });
      ws.once('unexpected-response', (_req, res) => {
        r(res.statusCode ?? 0);
        res.resume();
        ws.terminate();
      });
      ws.once('open', () => {
        ws.terminate();
        reject(new Error(`upgrade to ${path} was accepted`));
      });
      ws.once('error', () => undefined);
    });
  }

  test('an app that declines the upgrade, or no app at all, refuses it', async () => {
    assert.equal(await refusedUpgrade(p(S_OK, 8001, '/headers')), 200);
    assert.equal(await refusedUpgrade(p(S_OK, 8002, '/')), 502);
    assert.equal(await refusedUpgrade(p(S_FORBIDDEN, 8765, '/')), 403);
    assert.equal(await refusedUpgrade(p(S_OK, 8765, '/'), 'theme=dark'), 403);
    assert.equal(await refusedUpgrade(p(S_LOOPBACK, 8765, '/')), 500);
    assert.equal(await refusedUpgrade(p(S_OK, 8765, '/%2e%2e/x')), 400);
    assert.equal(loopTrap.hits(), 0);
  });

  test('a port where nothing listens answers the friendly 502 page after its short retries', async () => {
    const t = performance.now();
    const r = await get(p(S_OK, 8002, '/'));
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_UPSTREAM_UNREACHABLE');
    assert.match(r.headers['content-type'] ?? '', /^text\/html/);
    assert.match(r.body, /Nothing is listening on port 8002 of node1 yet/);
    assert.match(r.body, /node1의 8002번 포트/);
    // A refused connect is retried after short pauses (a server that is just starting), never
    // after a connect timeout per try.
    const retries = UPSTREAM_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    assert.ok(performance.now() - t < retries + TEST_CONNECT_TIMEOUT_MS, 'a refused connect should not wait for the timeout');
    // Listening on 127.0.0.1 inside is the same as nothing, seen from the proxy.
    assert.equal((await get(p(S_OK, 9000, '/'))).status, 502);
  });

  test('an address where no node answers gives 502 after the connect timeout', async () => {
    const t = performance.now();
    const r = await get(p(S_NOWHERE, 80, '/'));
    assert.equal(r.status, 502);
    assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_UPSTREAM_UNREACHABLE');
    assert.ok(performance.now() - t < TEST_CONNECT_TIMEOUT_MS + 3_000);
  });

  test('an app that accepts but does not answer in time gives 504', async () => {
    const slow = await startServer({ responseTimeoutMs: 1_000 });
    const r = await get(p(S_OK, 8001, '/slow-headers'), { origin: slow.base });
    assert.equal(r.status, 504);
    assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_UPSTREAM_TIMEOUT');
  });

  test('resolve refusing gives 403/404; resolve throwing gives 500', async () => {
    const forbidden = await get(p(S_FORBIDDEN, 8000, '/'));
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.headers['x-pier-proxy-error'], 'PROXY_FORBIDDEN');
    assert.match(forbidden.body, /not the owner of this session/);
    assert.equal((await get(p(S_OK, 8000, '/'), { headers: { cookie: 'theme=dark' } })).status, 403, 'no owner cookie');
    assert.equal((await get(p(S_GONE, 8000, '/'))).status, 404);
    assert.equal((await get(p(S_OK, 8000, '/', 'node2'))).status, 404);
    assert.equal((await get(p(S_THROWS, 8000, '/'))).status, 500);
  });

  test('a resolve target outside the node pool, or a gateway, is refused without connecting (attack 33)', async () => {
    const loop = await get(p(S_LOOPBACK, 8000, '/'));
    assert.equal(loop.status, 500);
    assert.equal(loop.headers['x-pier-proxy-error'], 'PROXY_TARGET_REFUSED');
    const gw = await get(p(S_GATEWAY, 8000, '/'));
    assert.equal(gw.status, 500);
    assert.equal(gw.headers['x-pier-proxy-error'], 'PROXY_TARGET_REFUSED');
    // The same listeners do answer when asked directly: the refusal is the proxy's.
    const direct = await new Promise<boolean>((r) => {
      const c = net.connect(gatewayTrap.port, network.gateway, () => (c.destroy(), r(true)));
      c.on('error', () => r(false));
    });
    assert.equal(direct, true);
    await waitFor(() => gatewayTrap.hits() === 1, 1_000);
    assert.equal(loopTrap.hits(), 0, 'the proxy connected to the host loopback');
    assert.equal(gatewayTrap.hits(), 1, 'the proxy connected to the gateway');
  });

  test('path traversal is refused before resolve (attack 37)', async () => {
    for (const rest of ['/../../../api/sessions', '/%2e%2e/%2e%2e/api', '/.%2E/x', '/%252e%252e/x', '/a%2f..%2f..%2fb', '/x/..']) {
      const r = await get(p(S_OK, 8000, rest));
      assert.equal(r.status, 400, `${rest} → ${r.status}`);
      assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_BAD_ADDRESS');
    }
    assert.equal((await get(`/p/../api/sessions`)).status, 400);
    assert.equal((await get(`/p/${S_OK}/node1/0/`)).status, 400);
    assert.equal((await get(`/p/${S_OK}/node1/65536/`)).status, 400);
    assert.equal((await get(`/p/${S_OK}/node0/8000/`)).status, 404);
    assert.equal((await get(`/p/${S_OK}/node1/8000/%zz`)).status, 400);
    // Not the proxy's: the server's own handler answers.
    assert.equal((await get('/api/x')).body, 'pier page');
  });

  test('subdomain form: <session>-<node>-<port>.<host> forwards the path as it is', async () => {
    const port = new URL(base).port;
    const host = `${S_OK}-node1-8000.localhost:${port}`;
    const r = await get('/hello.txt', { headers: { host } });
    assert.equal(r.status, 200, r.body);
    assert.equal(r.body, 'hello-from-node1\n');
    const seen = JSON.parse((await get('/headers', { headers: { host: `${S_OK}-node1-8001.localhost:${port}` } })).body) as { path: string; headers: Record<string, string> };
    assert.equal(seen.path, '/headers');
    assert.equal(seen.headers['x-forwarded-prefix'], undefined);
    assert.equal((await get('/', { headers: { host: `${S_FORBIDDEN}-node1-8000.localhost:${port}` } })).status, 403);
    assert.equal((await get('/', { headers: { host: `${S_OK}-node1-70000.localhost:${port}` } })).status, 400);
    // A /p/ path on a proxy host belongs to the app.
    assert.equal((await get(`/p/${S_OK}/node1/8000/`, { headers: { host } })).status, 404);
  });

  test('close() ends open tunnels and streams (server shutdown)', async () => {
    const closing = await startServer();
    const ws = new WebSocket(`${closing.base.replace('http', 'ws')}${p(S_OK, 8765, '/')}`, { headers: { cookie: OWNER } });
    ws.on('error', () => undefined);
    await new Promise<void>((r) => ws.once('open', () => r()));
    const stream = http.get(`${closing.base}${p(S_OK, 8001, '/stream')}`, { headers: { cookie: OWNER }, agent: false });
    stream.on('error', () => undefined);
    const streamEnded = new Promise<void>((r) => stream.once('response', (res) => res.on('close', () => r()).resume()));
    await waitFor(() => closing.proxy.openConnections === 2, 2_000);
    assert.equal(closing.proxy.openConnections, 2);
    const wsClosed = new Promise<void>((r) => ws.once('close', () => r()));
    closing.proxy.close();
    await Promise.all([wsClosed, streamEnded]);
    assert.equal(closing.proxy.openConnections, 0);
  });

  test('one session cannot hold more than its share of connections', async () => {
    const capped = await startServer({ maxConnectionsPerSession: 1 });
    const held = http.get(`${capped.base}${p(S_OK, 8001, '/stream')}`, { headers: { cookie: OWNER }, agent: false });
    held.on('error', () => undefined);
    await new Promise<void>((r) => held.once('response', () => r()));
    const r = await get(p(S_OK, 8001, '/headers'), { origin: capped.base });
    assert.equal(r.status, 503);
    assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_TOO_MANY_CONNECTIONS');
    held.destroy();
    assert.ok(await waitFor(() => capped.proxy.openConnections === 0, 2_000));
    assert.equal((await get(p(S_OK, 8001, '/headers'), { origin: capped.base })).status, 200);
  });
});
