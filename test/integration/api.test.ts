// The playground's HTTP API and WebSockets against real sandboxes: a session from create to
// end through the API and real terminal sockets, and everything another browser, another
// site or a malformed request must not get (docs/SECURITY.md, 34, 35, 38).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeView, SessionView, TerminalView } from '../../protocol/http.js';
import { TerminalCloseCode } from '../../protocol/terminal.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { rootSuite } from '../helpers/root.js';
import { Browser, EventsClient, TerminalClient, sandboxesOfSession, testConfig, upgradeStatus } from '../helpers/playground.js';

type ErrorBody = { error: { code: string; message: string } };

describe('playground API', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let alice: Browser;
  let session: SessionView;
  /** Every session created, with the browser that owns it: all are ended in after(). */
  const created: { browser: Browser; id: string }[] = [];
  const terminals: TerminalClient[] = [];

  const create = async (browser: Browser): Promise<SessionView> => {
    const s = await browser.createSession();
    created.push({ browser, id: s.id });
    return s;
  };
  const attach = async (browser: Browser, id: string): Promise<TerminalClient> => {
    const t = await TerminalClient.open(browser, id);
    terminals.push(t);
    return t;
  };

  before(async () => {
    const c = testConfig();
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    alice = new Browser(`http://127.0.0.1:${server.port}`);
  });

  after(async () => {
    for (const t of terminals) await t.close();
    for (const { browser, id } of created) await browser.call('DELETE', `/api/sessions/${id}`);
    await server?.close();
    cleanup?.();
    for (const { id } of created) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
  });

  test('creating a session sets the owner cookie and starts node1 at once', async () => {
    const r = await alice.call<SessionView>('POST', '/api/sessions', {});
    assert.equal(r.status, 201);
    session = r.body;
    created.push({ browser: alice, id: session.id });
    const setCookie = r.headers.getSetCookie().join('\n');
    assert.match(setCookie, /pier_owner=[0-9a-f]{32}\.[A-Za-z0-9_-]+; Path=\/; HttpOnly; SameSite=Lax/);
    assert.match(session.id, /^[0-9a-f]{32}$/);
    assert.equal(session.nodes.length, 1);
    const node1 = session.nodes[0]!;
    assert.equal(node1.name, 'node1');
    assert.equal(node1.status, 'running');
    assert.match(node1.address, /^10\.\d+\.\d+\.\d+$/);
    assert.equal(node1.terminals.length, 1);
    assert.equal(session.canExtend, true);
    assert.equal(session.internet, false, 'offline unless the deployment allows outbound');
    assert.equal((await sandboxesOfSession(session.id)).length, 1);
    const again = await alice.call<SessionView>('GET', `/api/sessions/${session.id}`);
    assert.equal(again.status, 200);
    assert.ok(Object.keys(again.body.nodes[0]!.namespaces).includes('pid'), 'namespace ids are shown');
  });

  test('node2 joins the network; node1 pings it through a real terminal socket', async () => {
    const r = await alice.call<NodeView>('POST', `/api/sessions/${session.id}/nodes`, {});
    assert.equal(r.status, 201);
    assert.equal(r.body.name, 'node2');
    assert.equal(r.body.status, 'running');
    assert.equal((await sandboxesOfSession(session.id)).length, 2);
    const term = await attach(alice, session.nodes[0]!.terminals[0]!.id);
    assert.match(await term.run('echo $((6*7))'), /[\r\n]42\r\n/);
    assert.match(await term.run('ping -c1 -W2 node2'), /1 received/);
    assert.match(await term.run('hostname'), /[\r\n]node1\r\n/);
  });

  test('a new terminal tab is its own shell on the node', async () => {
    const r = await alice.call<TerminalView>('POST', `/api/sessions/${session.id}/nodes/node1/terminals`, {});
    assert.equal(r.status, 201);
    assert.equal(r.body.title, 'node1 #2');
    const tab = await attach(alice, r.body.id);
    const tty = await tab.run('tty');
    assert.match(tty, /\/dev\/pts\/\d+/);
    const view = (await alice.call<SessionView>('GET', `/api/sessions/${session.id}`)).body;
    assert.deepEqual(view.nodes[0]!.terminals.map((t) => t.title), ['node1', 'node1 #2']);
    const closed = await alice.call('DELETE', `/api/sessions/${session.id}/terminals/${r.body.id}`);
    assert.equal(closed.status, 204);
    assert.equal(await tab.closedByServer(), TerminalCloseCode.TERMINAL_CLOSED);
  });

  test('the events feed sends the session, then stats every second', async () => {
    const events = await EventsClient.open(alice, session.id);
    try {
      const first = await events.waitFor((e) => e.type === 'session');
      assert.equal(first.type === 'session' && first.session.id, session.id);
      const stats = await events.waitFor((e) => e.type === 'stats' && e.stats.node === 'node1', 4000);
      assert.ok(stats.type === 'stats' && stats.stats.memoryBytes > 0 && stats.stats.pidsLimit > 0);
      assert.equal(stats.type === 'stats' && stats.stats.cpuLimitPercent, 100);
    } finally {
      events.close();
    }
  });

  test("an app listening in a node shows up as a port and is proxied to its owner only", async () => {
    const events = await EventsClient.open(alice, session.id);
    const term = await attach(alice, session.nodes[0]!.terminals[0]!.id);
    try {
      await term.run('(cd /etc && exec python3 -m http.server 8080 >/dev/null 2>&1 &)');
      const ports = await events.waitFor((e) => e.type === 'ports' && e.node === 'node1' && e.ports.includes(8080), 6000);
      assert.ok(ports.type === 'ports');
      const view = (await alice.call<SessionView>('GET', `/api/sessions/${session.id}`)).body;
      assert.ok(view.nodes[0]!.ports.includes(8080), 'the view lists the port');
      const path = `/p/${session.id}/node1/8080/`;
      const page = await fetch(alice.base + path + 'hostname', { headers: { cookie: alice.cookie! } });
      assert.equal(page.status, 200);
      assert.equal((await page.text()).trim(), 'node1');
      const mallory = await fetch(alice.base + path + 'hostname');
      assert.equal(mallory.status, 404, 'no cookie: refused');
      await mallory.text();
    } finally {
      await term.run('pkill -f http.server || true');
      events.close();
    }
  });

  test('resetting a node gives a fresh sandbox of the same name; its terminal reopens', async () => {
    const earlier = (await alice.call<SessionView>('GET', `/api/sessions/${session.id}`)).body;
    const termId = earlier.nodes[0]!.terminals[0]!.id;
    const term = await attach(alice, termId);
    await term.run('touch /root/before-reset');
    const oldSandboxes = await sandboxesOfSession(session.id);
    const r = await alice.call<NodeView>('POST', `/api/sessions/${session.id}/nodes/node1/reset`, {});
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'node1');
    assert.equal(r.body.status, 'running');
    assert.deepEqual(r.body.terminals.map((t) => t.id), [termId], 'terminal ids survive a reset');
    assert.equal(await term.closedByServer(), TerminalCloseCode.TERMINAL_RESET, "the page is told to reopen it on the new sandbox");
    const now = await sandboxesOfSession(session.id);
    assert.equal(now.length, 2);
    assert.notDeepEqual(now.sort(), oldSandboxes.sort());
    const fresh = await attach(alice, termId);
    assert.match(await fresh.run('ls /root/before-reset; hostname'), /No such file[\s\S]*[\r\n]node1\r\n/);
    assert.match(await fresh.run('ping -c1 -W2 node2'), /1 received/);
  });

  test('extending pushes the end back by the extension', async () => {
    const earlier = (await alice.call<SessionView>('GET', `/api/sessions/${session.id}`)).body;
    const r = await alice.call<SessionView>('POST', `/api/sessions/${session.id}/extend`);
    assert.equal(r.status, 200);
    assert.equal(Date.parse(r.body.expiresAt) - Date.parse(earlier.expiresAt), 30 * 60 * 1000);
  });

  test('another browser gets 404 for everything of the session and cannot open its sockets', async () => {
    const mallory = new Browser(alice.base);
    await mallory.call('GET', '/api/sessions/00000000000000000000000000000000'); // gets a cookie of its own
    assert.ok(mallory.cookie && mallory.cookie !== alice.cookie);
    const id = session.id;
    const termId = session.nodes[0]!.terminals[0]!.id;
    const attempts: [string, string][] = [
      ['GET', `/api/sessions/${id}`],
      ['DELETE', `/api/sessions/${id}`],
      ['POST', `/api/sessions/${id}/extend`],
      ['POST', `/api/sessions/${id}/nodes`],
      ['POST', `/api/sessions/${id}/nodes/node1/terminals`],
      ['POST', `/api/sessions/${id}/nodes/node1/reset`],
      ['DELETE', `/api/sessions/${id}/terminals/${termId}`],
    ];
    for (const browser of [mallory, new Browser(alice.base, 'pier_owner=forged.value')]) {
      for (const [method, path] of attempts) {
        const r = await browser.call<ErrorBody>(method, path, method === 'POST' ? {} : undefined);
        assert.equal(r.status, 404, `${method} ${path}`);
        assert.equal(r.body.error.code, 'SESSION_NOT_FOUND');
      }
      assert.equal((await upgradeStatus(browser.wsUrl(`/ws/terminals/${termId}`), browser.upgradeHeaders())).status, 404);
      assert.equal((await upgradeStatus(browser.wsUrl(`/ws/sessions/${id}/events`), browser.upgradeHeaders())).status, 404);
    }
    const anonymous = { origin: alice.base };
    assert.equal((await upgradeStatus(alice.wsUrl(`/ws/terminals/${termId}`), anonymous)).status, 404);
    // Nothing happened to alice's session.
    const view = await alice.call<SessionView>('GET', `/api/sessions/${id}`);
    assert.equal(view.status, 200);
    assert.equal(view.body.nodes.length, 2);
  });

  test('a cross-origin upgrade is refused with 403, even with the owner cookie', async () => {
    const termId = session.nodes[0]!.terminals[0]!.id;
    for (const origin of ['http://evil.example', `http://localhost:${server.port}`, 'null']) {
      const headers = { ...alice.upgradeHeaders(), origin };
      assert.equal((await upgradeStatus(alice.wsUrl(`/ws/terminals/${termId}`), headers)).status, 403, origin);
      assert.equal((await upgradeStatus(alice.wsUrl(`/ws/sessions/${session.id}/events`), headers)).status, 403, origin);
    }
    const { cookie } = alice;
    assert.equal((await upgradeStatus(alice.wsUrl(`/ws/terminals/${termId}`), { cookie: cookie! })).status, 403, 'no Origin at all');
    const r = await alice.call<ErrorBody>('POST', `/api/sessions/${session.id}/extend`, {}, { headers: { origin: 'http://evil.example' } });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'FORBIDDEN_ORIGIN');
  });

  test('malformed, oversized or wrongly typed bodies are refused and the server goes on', async () => {
    const cases: [string, { raw?: string; headers?: Record<string, string> }, number, string][] = [
      ['malformed JSON', { raw: '{"lessonId": ' }, 400, 'INVALID_JSON'],
      ['unknown field', { raw: '{"image":"evil"}' }, 400, 'INVALID_REQUEST'],
      ['wrong type', { raw: '{"lessonId": 42}' }, 400, 'INVALID_REQUEST'],
      ['oversized', { raw: JSON.stringify({ lessonId: 'x'.repeat(64 * 1024) }) }, 413, 'PAYLOAD_TOO_LARGE'],
      ['not JSON', { raw: 'lessonId=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [name, options, status, code] of cases) {
      const r = await alice.call<ErrorBody>('POST', '/api/sessions', undefined, options);
      assert.equal(r.status, status, name);
      assert.equal(r.body.error.code, code, name);
      assert.ok(!JSON.stringify(r.body).includes('    at '), 'no stack trace');
    }
    assert.equal((await alice.call<ErrorBody>('GET', '/api/nope')).status, 404);
    const wrong = await alice.call<ErrorBody>('PUT', `/api/sessions/${session.id}`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'DELETE, GET');
    assert.equal((await alice.call<ErrorBody>('GET', '/api/sessions/not-an-id')).status, 404);
    assert.equal((await alice.call<ErrorBody>('POST', `/api/sessions/${session.id}/nodes/node9/reset`, {})).status, 404);
    assert.equal((await alice.call<ErrorBody>('GET', '/')).status, 404, 'no pages without Next');
    assert.equal((await alice.call('GET', '/healthz')).status, 200);
    assert.equal((await alice.call('GET', `/api/sessions/${session.id}`)).status, 200);
  });

  test('ending a session removes its sandboxes; its sockets are told it ended', async () => {
    const events = await EventsClient.open(alice, session.id);
    await events.waitFor((e) => e.type === 'session');
    const termId = session.nodes[0]!.terminals[0]!.id;
    const term = await attach(alice, termId);
    const r = await alice.call('DELETE', `/api/sessions/${session.id}`);
    assert.equal(r.status, 204);
    assert.deepEqual(await sandboxesOfSession(session.id), []);
    const ended = await events.waitFor((e) => e.type === 'ended');
    assert.equal(ended.type === 'ended' && ended.reason, 'ended');
    assert.equal(await term.closedByServer(), TerminalCloseCode.TERMINAL_CLOSED);
    assert.equal((await alice.call<ErrorBody>('GET', `/api/sessions/${session.id}`)).status, 404);
    assert.equal((await alice.call<ErrorBody>('DELETE', `/api/sessions/${session.id}`)).status, 404);
    const again = await upgradeStatus(alice.wsUrl(`/ws/sessions/${session.id}/events`), alice.upgradeHeaders());
    assert.deepEqual(again, { status: 101, closeCode: 4410 }, "the owner learns it ended (final code), others a 404");
  });

  test('creating sessions in a loop meets the rate limit with 429 and Retry-After', async () => {
    const bob = new Browser(alice.base);
    const answers: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 4; i++) {
      const r = await bob.call<SessionView & ErrorBody>('POST', '/api/sessions', {});
      answers.push(r.status);
      if (r.status === 201) created.push({ browser: bob, id: r.body.id });
      else {
        assert.equal(r.body.error.code, 'RATE_LIMITED');
        retryAfter = r.headers.get('retry-after');
      }
    }
    assert.deepEqual(answers, [201, 201, 201, 429]);
    assert.ok(retryAfter !== null && Number(retryAfter) >= 1, `Retry-After: ${retryAfter}`);
  });
});
