// The port proxy's subdomain form against a real session: the owner asks the API for a
// link, the link's token is traded for a host-only `pier_port` cookie, and the app then
// owns the root path of `<session>-node1-8080.<host>`, WebSockets included. Everyone else
// (another session's or another port's token, an expired or forged one, none) gets the
// 403 page and the app never sees a connection; the app never sees the token or a pier_*
// cookie. Requests go to 127.0.0.1 with an explicit Host header (no DNS involved).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http, { type IncomingHttpHeaders } from 'node:http';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { SessionView } from '../../protocol/http.js';
import { loadOrCreateSecret } from '../../server/http/owner-cookie.js';
import { PORT_COOKIE, PORT_TOKEN_PARAM, signPortGrant } from '../../server/http/port-token.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { waitFor, sleep } from '../helpers/host.js';
import { Browser, sandboxesOfSession, testConfig, upgradeStatus } from '../helpers/playground.js';
import { rootSuite } from '../helpers/root.js';
import { driver, shOk } from '../helpers/sandbox.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What the echo app saw. */
interface Echoed {
  line: string;
  headers: [string, string][];
  connections: number;
}

/** One HTTP request to the server on 127.0.0.1, with the Host header given. */
function send(port: number, method: string, target: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `name=value` part of a Set-Cookie named `name`. */
function setCookiePair(headers: IncomingHttpHeaders, name: string): string | null {
  const found = (headers['set-cookie'] ?? []).find((c) => c.startsWith(`${name}=`));
  return found === undefined ? null : (found.split(';')[0] ?? null);
}

describe('port proxy, subdomain form', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let secret: Buffer;
  let alice: Browser;
  let bob: Browser;
  let session: SessionView;
  let bobSession: SessionView;
  let sandbox: string;
  /** `<session>-node1-8080.localhost:<port>` of alice's app. */
  let appHost: string;
  /** alice's `pier_port=…` for appHost, once signed in. */
  let portCookie: string;

  /** Asks the API for a link as `browser`, with a host name (not the IP) as Host. */
  const link = async (browser: Browser, s: SessionView, port: number, node = 'node1'): Promise<Answer & { url?: URL }> => {
    const r = await send(server.port, 'POST', `/api/sessions/${s.id}/nodes/${node}/ports/${port}/link`, {
      host: `localhost:${server.port}`,
      ...(browser.cookie ? { cookie: browser.cookie } : {}),
      'content-type': 'application/json',
    });
    return r.status === 200 ? { ...r, url: new URL((JSON.parse(r.body) as { url: string }).url) } : r;
  };
  /** A request to alice's app through its subdomain. */
  const onApp = (target: string, headers: Record<string, string> = {}) => send(server.port, 'GET', target, { host: appHost, ...headers });
  /** Connections and requests the app has logged so far. */
  const appLog = async (): Promise<{ connections: number; text: string }> => {
    const text = await shOk(sandbox, 'cat /tmp/echo.log 2>/dev/null || true');
    return { connections: text.split('\n').filter((l) => l.includes('"connection"')).length, text };
  };

  before(async () => {
    const c = testConfig();
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    secret = loadOrCreateSecret(path.join(c.config.stateDir, 'secret'));
    alice = new Browser(`http://127.0.0.1:${server.port}`);
    bob = new Browser(alice.base);
    session = await alice.createSession();
    bobSession = await bob.createSession();
    appHost = `${session.id}-node1-8080.localhost:${server.port}`;
    [sandbox = ''] = await sandboxesOfSession(session.id);
    const echo = await readFile(new URL('../fixtures/port-echo.py', import.meta.url), 'utf8');
    await driver.run(sandbox, { cmd: ['sh', '-c', 'cat > /root/echo.py'], input: echo, timeoutMs: 10_000 });
    await shOk(sandbox, 'nohup python3 /root/echo.py 8080 > /tmp/echo.out 2>&1 &');
    // Up once the owner reaches it through the path form.
    const up = await waitFor(async () => {
      const r = await send(server.port, 'GET', `/p/${session.id}/node1/8080/`, { host: alice.host, cookie: alice.cookie! });
      return r.status === 200;
    }, 15_000, 100);
    assert.ok(up, `the echo app did not start: ${await shOk(sandbox, 'cat /tmp/echo.out || true')}`);
  });

  after(async () => {
    for (const [browser, s] of [
      [alice, session],
      [bob, bobSession],
    ] as const) {
      if (browser && s) await browser.call('DELETE', `/api/sessions/${s.id}`);
    }
    await server?.close();
    cleanup?.();
  });

  test('the owner gets a link; its token gives a 302 and a host-only cookie; the app owns /', async () => {
    const r = await link(alice, session, 8080);
    assert.equal(r.status, 200, r.body);
    const url = r.url!;
    assert.equal(url.protocol, 'http:');
    assert.equal(url.host, appHost);
    assert.equal(url.pathname, '/');
    assert.ok(url.searchParams.get(PORT_TOKEN_PARAM));
    const before = await appLog();

    const signIn = await onApp(`${url.pathname}${url.search}`);
    assert.equal(signIn.status, 302, signIn.body);
    assert.equal(signIn.headers.location, '/');
    const setCookie = (signIn.headers['set-cookie'] ?? []).join('\n');
    assert.match(setCookie, /^pier_port=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/);
    assert.doesNotMatch(setCookie, /Domain=/i, 'host-only');
    portCookie = setCookiePair(signIn.headers, PORT_COOKIE)!;
    assert.equal((await appLog()).connections, before.connections, 'the sign-in request is not forwarded');

    const root = await onApp('/', { cookie: portCookie });
    assert.equal(root.status, 200, root.body);
    const seen = JSON.parse(root.body) as Echoed;
    assert.equal(seen.line, 'GET / HTTP/1.1', 'the app gets the root path itself');
    assert.ok(seen.headers.some(([k, v]) => k.toLowerCase() === 'host' && v === appHost));
    // The token works for a minute, not once: a second tab gets a cookie too.
    assert.equal((await onApp(`/deep/page?x=1&${PORT_TOKEN_PARAM}=${url.searchParams.get(PORT_TOKEN_PARAM)}`)).headers.location, '/deep/page?x=1');
  });

  test('the app sees neither the token nor any pier cookie', async () => {
    const { body } = await onApp('/page?keep=1', { cookie: `${portCookie}; ${alice.cookie}; app=1; ${PORT_COOKIE}=junk` });
    const seen = JSON.parse(body) as Echoed;
    assert.equal(seen.line, 'GET /page?keep=1 HTTP/1.1');
    const cookies = seen.headers.filter(([k]) => k.toLowerCase() === 'cookie').map(([, v]) => v);
    assert.deepEqual(cookies, ['app=1']);
    const log = (await appLog()).text;
    assert.ok(!log.includes('pier_'), `the app's log mentions pier_: ${log.slice(0, 2000)}`);
    assert.ok(!log.includes(portCookie.split('=')[1]!.split('.')[1]!), 'no MAC of the cookie');
  });

  test('another session’s or another port’s token, an expired, forged or missing one: 403, and the app sees nothing', async () => {
    const bobLink = await link(bob, bobSession, 8080);
    const otherPort = await link(alice, session, 8081);
    const otherNode = await send(server.port, 'POST', `/api/sessions/${session.id}/nodes/node2/ports/8080/link`, { host: `localhost:${server.port}`, cookie: alice.cookie! });
    assert.equal(otherNode.status, 404, 'no node2 yet');
    const nowS = Math.floor(Date.now() / 1000);
    const expired = signPortGrant('token', { session: session.id, node: 'node1', port: 8080, owner: (alice.cookie ?? '').split('=')[1]!.split('.')[0]!, exp: nowS - 1 }, secret);
    const aliceToken = (await link(alice, session, 8080)).url!.searchParams.get(PORT_TOKEN_PARAM)!;
    const forged = `${aliceToken.split('.')[0]}.${'A'.repeat(43)}`;
    const before = await appLog();
    assert.ok(before.connections >= 2, 'the app logs the connections it gets');

    const attempts: [string, string, Record<string, string>][] = [
      ["bob's token for his own session", `/?${PORT_TOKEN_PARAM}=${bobLink.url!.searchParams.get(PORT_TOKEN_PARAM)}`, {}],
      ["alice's token for port 8081", `/?${PORT_TOKEN_PARAM}=${otherPort.url!.searchParams.get(PORT_TOKEN_PARAM)}`, {}],
      ['an expired token', `/?${PORT_TOKEN_PARAM}=${expired}`, {}],
      ['a forged token', `/?${PORT_TOKEN_PARAM}=${forged}`, {}],
      ['no token, no cookie', '/', {}],
      ["alice's owner cookie (not a port cookie)", '/', { cookie: alice.cookie! }],
      ["a port cookie made of alice's token", '/', { cookie: `${PORT_COOKIE}=${aliceToken}` }],
      ['a forged port cookie', '/', { cookie: `${PORT_COOKIE}=${forged}` }],
    ];
    for (const [what, target, headers] of attempts) {
      const r = await onApp(target, headers);
      assert.equal(r.status, 403, what);
      assert.equal(r.headers['x-pier-proxy-error'], 'PROXY_LINK_INVALID', what);
      assert.equal(r.headers['set-cookie'], undefined, what);
      assert.match(r.body, /<section lang="ko">[\s\S]*유효하지 않습니다[\s\S]*<section lang="en">[\s\S]*not valid/, what);
    }
    // bob's port cookie (for his own session) is no key to alice's app either.
    const bobSignIn = await send(server.port, 'GET', `${bobLink.url!.pathname}${bobLink.url!.search}`, { host: bobLink.url!.host });
    assert.equal(bobSignIn.status, 302);
    const bobCookie = setCookiePair(bobSignIn.headers, PORT_COOKIE)!;
    assert.equal((await onApp('/', { cookie: bobCookie })).status, 403);
    // A third browser cannot even get a link for alice's port.
    const mallory = new Browser(alice.base);
    await mallory.call('GET', '/healthz');
    await mallory.call('GET', `/api/sessions/${session.id}`);
    assert.equal((await link(mallory, session, 8080)).status, 404);

    await sleep(200);
    assert.equal((await appLog()).connections, before.connections, 'no refused request reached the app');
  });

  test('a WebSocket upgrade on the subdomain works with the cookie and is refused without it', async () => {
    const url = `ws://127.0.0.1:${server.port}/socket?${PORT_TOKEN_PARAM}=x`;
    const ws = new WebSocket(url, { headers: { host: appHost, cookie: portCookie } });
    const reply = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => ws.send('hello'));
      ws.once('message', (data: Buffer) => resolve(data.toString('utf8')));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade answered ${res.statusCode}`)));
    });
    assert.equal(reply, 'echo:hello');
    ws.close();
    const log = (await appLog()).text;
    assert.match(log, /"GET \/socket HTTP\/1.1"/, 'the app got the upgrade without the token');

    const before = await appLog();
    const wsUrl = `ws://127.0.0.1:${server.port}/socket`;
    assert.equal((await upgradeStatus(wsUrl, { host: appHost })).status, 403, 'no cookie');
    assert.equal((await upgradeStatus(wsUrl, { host: appHost, cookie: alice.cookie! })).status, 403, 'the owner cookie');
    assert.equal((await upgradeStatus(wsUrl, { host: appHost, cookie: `${PORT_COOKIE}=forged.x` })).status, 403, 'a forged cookie');
    // Another playground's page (same site under *.localhost) may not use alice's cookie.
    const evilOrigin = `http://${bobSession.id}-node1-8080.localhost:${server.port}`;
    assert.equal((await upgradeStatus(wsUrl, { host: appHost, cookie: portCookie, origin: evilOrigin })).status, 403, 'cross-playground Origin');
    await sleep(200);
    assert.equal((await appLog()).connections, before.connections, 'no refused upgrade reached the app');
  });

  test('once the session ends, its port cookie opens nothing', async () => {
    assert.equal((await alice.call('DELETE', `/api/sessions/${session.id}`)).status, 204);
    const r = await onApp('/', { cookie: portCookie });
    assert.equal(r.status, 404);
    assert.match(r.body, /has ended/);
    assert.equal((await upgradeStatus(`ws://127.0.0.1:${server.port}/socket`, { host: appHost, cookie: portCookie })).status, 404);
    assert.equal((await link(alice, session, 8080)).status, 404, 'no link for an ended session');
  });
});

