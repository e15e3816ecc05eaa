// Attacks on the web layer of a real server with real sandboxes (docs/SECURITY.md 38, 39):
// garbage on a terminal socket, absurd resizes, a browser opening sockets in a loop, and
// half-open connections. Each ends for the attacker alone: other terminals, other owners and
// ordinary requests go on.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { SessionView } from '../../protocol/http.js';
import { FrameType, TerminalCloseCode, encodeControl } from '../../protocol/terminal.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { rootSuite } from '../helpers/root.js';
import { Browser, EventsClient, TerminalClient, sandboxesOfSession, testConfig, upgradeStatus } from '../helpers/playground.js';

/** A small cap so the test reaches it quickly (the default is 64). */
const MAX_SOCKETS = 4;

describe('web layer attacks (docs/SECURITY.md 38, 39)', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let base = '';
  const browsers: { browser: Browser; session: SessionView }[] = [];
  const openSockets: { close(): unknown }[] = [];

  const newBrowser = async (): Promise<{ browser: Browser; session: SessionView }> => {
    const browser = new Browser(base);
    const session = await browser.createSession();
    const entry = { browser, session };
    browsers.push(entry);
    return entry;
  };
  const terminalOf = (s: SessionView): string => s.nodes[0]?.terminals[0]?.id ?? '';

  before(async () => {
    const c = testConfig({ maxSocketsPerOwner: MAX_SOCKETS });
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
  });

  after(async () => {
    for (const s of openSockets) await s.close();
    for (const { browser, session } of browsers) await browser.call('DELETE', `/api/sessions/${session.id}`);
    await server?.close();
    cleanup?.();
    for (const { session } of browsers) assert.deepEqual(await sandboxesOfSession(session.id), [], `sandboxes of ${session.id} left`);
  });

  test('#38 garbage frames close only the sending socket; absurd resizes get a clear error', { timeout: 60_000 }, async () => {
    const { browser, session } = await newBrowser();
    const id = terminalOf(session);
    const good = await TerminalClient.open(browser, id);
    openSockets.push(good);
    assert.match(await good.run('echo $((6*7))'), /42/);

    // Resizes out of range: an `error` message, and the socket stays usable.
    const errors: string[] = [];
    good.conn.onControl = (m) => {
      if (m.type === 'error') errors.push(m.code);
    };
    for (const [cols, rows] of [[0, 0], [1e9, 1e9], [-1, 5]]) good.ws.send(encodeControl({ type: 'resize', cols, rows } as never));
    good.ws.send(Uint8Array.from([FrameType.CONTROL, ...Buffer.from('{"type":"resize","cols":"a lot"}')]));
    good.ws.send(Uint8Array.from([FrameType.CONTROL, 0xff, 0xfe]));
    assert.match(await good.run('echo still-$((1+1))'), /still-2/, 'the terminal keeps working after bad resizes');
    assert.ok(errors.length >= 4 && errors.every((c) => ['INVALID_MESSAGE', 'BAD_JSON', 'BAD_UTF8'].includes(c)), `errors: ${errors.join(', ')}`);
    assert.equal(good.closeCode, null);

    // A second socket on the same terminal sends random bytes and an oversized frame.
    const bad = await TerminalClient.open(browser, id);
    bad.ws.send(Uint8Array.from([0x7f, ...randomBytes(64)]));
    const code = await bad.closedByServer();
    assert.equal(code, TerminalCloseCode.PROTOCOL_ERROR, 'an unknown frame type is a protocol error');
    const huge = await TerminalClient.open(browser, id);
    huge.ws.send(Buffer.concat([Buffer.from([FrameType.INPUT]), randomBytes(4 * 1024 * 1024)]));
    assert.ok([1009, TerminalCloseCode.FRAME_TOO_LARGE].includes(await huge.closedByServer()), 'an oversized frame closes its socket');

    assert.match(await good.run('echo alive-$((2+2))'), /alive-4/, 'the other socket on the same terminal is unaffected');
    assert.equal((await browser.call('GET', `/api/sessions/${session.id}`)).status, 200, 'the API still answers');
  });

  test('#39 one browser cannot hold more than its share of sockets; others are unaffected', { timeout: 60_000 }, async () => {
    const { browser: alice, session: a } = await newBrowser();
    const { browser: bob, session: b } = await newBrowser();
    const held: EventsClient[] = [];
    for (let i = 0; i < MAX_SOCKETS; i++) held.push(await EventsClient.open(alice, a.id));
    openSockets.push(...held);

    const refused = await upgradeStatus(alice.wsUrl(`/ws/sessions/${a.id}/events`), alice.upgradeHeaders());
    assert.equal(refused.status, 429, 'the socket over the cap is refused');
    const refusedTerminal = await upgradeStatus(alice.wsUrl(`/ws/terminals/${terminalOf(a)}`), alice.upgradeHeaders());
    assert.equal(refusedTerminal.status, 429, 'terminals count towards the same cap');

    const bobs = await TerminalClient.open(bob, terminalOf(b));
    openSockets.push(bobs);
    assert.match(await bobs.run('echo bob-$((3*3))'), /bob-9/, 'another browser still gets its terminal');

    // Closing one gives its slot back.
    held.pop()?.close();
    const deadline = Date.now() + 5_000;
    let status = 0;
    while (Date.now() < deadline && status !== 101) {
      status = (await upgradeStatus(alice.wsUrl(`/ws/sessions/${a.id}/events`), alice.upgradeHeaders())).status;
      if (status !== 101) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(status, 101, 'a closed socket frees its slot');
  });

  test('#39 half-open connections do not starve ordinary requests', { timeout: 60_000 }, async () => {
    const { browser } = await newBrowser();
    const idle: net.Socket[] = [];
    try {
      for (let i = 0; i < 200; i++) {
        const s = net.connect(server.port, '127.0.0.1');
        s.on('error', () => undefined);
        s.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '); // headers never finished
        idle.push(s);
      }
      await new Promise((r) => setTimeout(r, 200));
      const started = performance.now();
      const r = await browser.call('GET', '/healthz');
      assert.equal(r.status, 200);
      assert.ok(performance.now() - started < 5_000, 'healthz answered while 200 connections hang');
    } finally {
      for (const s of idle) s.destroy();
    }
  });
});
