// A server killed with SIGKILL and started again adopts every session: nodes still run,
// files written through terminals are still there, and ending the sessions afterwards
// leaves no sandbox behind.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionView } from '../../protocol/http.js';
import { rootSuite } from '../helpers/root.js';
import { Browser, TerminalClient, sandboxesOfSession } from '../helpers/playground.js';
import { freePort, startServerProcess, stopServerProcess } from '../helpers/server-process.js';

const SESSIONS = 10;

describe('server restart', rootSuite(), () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-restart-'));
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let base: string;
  const owned: { browser: Browser; session: SessionView }[] = [];

  after(async () => {
    // Whatever happened, no session of this test outlives it.
    if (child === null && owned.length > 0) child = await startServerProcess(env).catch(() => null);
    for (const { browser, session } of owned) await browser.call('DELETE', `/api/sessions/${session.id}`).catch(() => undefined);
    if (child) await stopServerProcess(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('sessions, nodes and files survive SIGKILL of the server', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...process.env, PIER_DATABASE: path.join(dir, 'pier.db'), PIER_PORT: String(port), PIER_HOST: '127.0.0.1', PIER_LOG_LEVEL: 'error' };
    child = await startServerProcess(env);

    // Ten browsers (each its own owner cookie), one session each, a file in each node1.
    for (let i = 0; i < SESSIONS; i++) {
      const browser = new Browser(base);
      owned.push({ browser, session: await browser.createSession() });
    }
    await Promise.all(
      owned.map(async ({ browser, session }, i) => {
        const term = await TerminalClient.open(browser, session.nodes[0]!.terminals[0]!.id);
        await term.run(`echo survivor-${i} > /root/mark && sync`);
        await term.close();
      }),
    );

    await stopServerProcess(child, 'SIGKILL');
    child = null;
    child = await startServerProcess(env);

    await Promise.all(
      owned.map(async ({ browser, session }, i) => {
        const r = await browser.call<SessionView>('GET', `/api/sessions/${session.id}`);
        assert.equal(r.status, 200, `session ${i} answers after the restart`);
        assert.deepEqual(r.body.nodes.map((n) => [n.name, n.status]), [['node1', 'running']]);
        assert.equal(r.body.nodes[0]!.address, session.nodes[0]!.address);
        // The old shell died with the server; the same terminal id gets a fresh one.
        const term = await TerminalClient.open(browser, session.nodes[0]!.terminals[0]!.id);
        assert.match(await term.run('cat /root/mark'), new RegExp(`[\\r\\n]survivor-${i}\\r\\n`));
        await term.close();
      }),
    );

    for (const { browser, session } of owned) assert.equal((await browser.call('DELETE', `/api/sessions/${session.id}`)).status, 204);
    for (const { session } of owned) assert.deepEqual(await sandboxesOfSession(session.id), [], `sandboxes of ${session.id} left`);
    owned.length = 0;
  });
});
