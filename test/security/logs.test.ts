// docs/SECURITY.md attack 44 (issue 11 point 5): unauthenticated requests with 8 KB Origin
// headers and 4 KB paths, sent as fast as the server answers them, against a real server
// (real sandbox runtime, real SQLite) whose log is counted byte by byte. The attacker is
// anyone who can reach the server's port (a sandbox cannot: attack 25), so the requests
// come from the host. The log must grow by less than LOG_BYTES_PER_REQUEST_BOUND per request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { startServer, type RunningServer } from '../../server/main.js';
import { rootSuite } from '../helpers/root.js';
import { testConfig, upgradeStatus } from '../helpers/playground.js';

/** Requests of each kind. */
const REQUESTS = 500;
/** Bytes of each Origin header (and a third of that in the path). */
const ORIGIN_BYTES = 8 * 1024;
/**
 * Log bytes one unauthenticated request may add, amortised (bytes). Before: a cross-origin
 * upgrade logged its whole Origin and path, ~12.6 KB a request.
 */
const LOG_BYTES_PER_REQUEST_BOUND = 16;
/** Longest single log line (bytes). */
const LOG_LINE_BOUND = 1024;

describe('log inflation by unauthenticated requests (docs/SECURITY.md 44)', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let base = '';
  const lines: string[] = [];
  let logBytes = 0;

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logBytes += chunk.length;
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const c = testConfig();
    cleanup = c.cleanup;
    // The default level (info), as a server runs.
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1', logger: pino({ level: 'info' }, sink) });
    base = `http://127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server?.close();
    cleanup?.();
  });

  test('#44 8 KB Origin headers on WebSocket upgrades and API calls grow the log by < 16 bytes a request', { timeout: 120_000 }, async (t) => {
    const origin = `http://${'o'.repeat(ORIGIN_BYTES)}.example`;
    const path = `/ws/terminals/${'p'.repeat(ORIGIN_BYTES / 2)}`;
    const startBytes = logBytes;
    const startLines = lines.length;
    const statuses = new Map<number, number>();
    const count = (s: number): void => void statuses.set(s, (statuses.get(s) ?? 0) + 1);
    for (let i = 0; i < REQUESTS; i++) {
      count((await upgradeStatus(`${base.replace('http', 'ws')}${path}`, { origin })).status);
      const r = await fetch(`${base}/api/sessions`, { method: 'POST', headers: { origin, 'content-type': 'application/json', 'user-agent': 'u'.repeat(ORIGIN_BYTES / 2) }, body: '{}' });
      await r.arrayBuffer();
      count(r.status);
      const bad = await fetch(`${base}/api/${'x'.repeat(ORIGIN_BYTES / 2)}`, { headers: { origin } });
      await bad.arrayBuffer();
      count(bad.status);
    }
    const grown = logBytes - startBytes;
    const requests = 3 * REQUESTS;
    const longest = Math.max(0, ...lines.slice(startLines).map((l) => Buffer.byteLength(l)));
    t.diagnostic(`${requests} requests (${[...statuses].map(([s, n]) => `${n}×${s}`).join(', ')}): the log grew ${grown} bytes in ${lines.length - startLines} lines, ${(grown / requests).toFixed(2)} bytes a request; longest line ${longest} bytes`);
    // The attack ran: every upgrade was refused as cross-origin, every API call answered.
    assert.equal(statuses.get(403), 2 * REQUESTS, `statuses ${JSON.stringify([...statuses])}`);
    assert.equal(statuses.get(404), REQUESTS);
    assert.ok(lines.slice(startLines).some((l) => l.includes('cross-origin WebSocket refused')), 'the refusal was logged at least once');
    assert.ok(grown / requests < LOG_BYTES_PER_REQUEST_BOUND, `${(grown / requests).toFixed(1)} log bytes a request`);
    assert.ok(longest < LOG_LINE_BOUND, `a log line of ${longest} bytes`);
  });
});
