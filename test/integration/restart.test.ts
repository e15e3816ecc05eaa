// A server killed with SIGKILL and started again adopts every session: nodes still run,
// files written through terminals are still there, and ending the sessions afterwards
// leaves no sandbox behind.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionView } from '../../protocol/http.js';
import { rootSuite } from '../helpers/root.js';
import { Browser, TerminalClient, sandboxesOfSession, withTimeout } from '../helpers/playground.js';

const CHILD = fileURLToPath(new URL('../helpers/server-child.ts', import.meta.url));
const SESSIONS = 10;

/** A free TCP port on loopback (bound and released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the server process; resolves once it prints "ready". */
async function startChild(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^ready /m.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}${out}`)));
    }),
    30_000,
    'the server did not start',
  );
  return child;
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  await exited;
}

describe('server restart', rootSuite(), () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-restart-'));
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let base: string;
  const owned: { browser: Browser; session: SessionView }[] = [];

  after(async () => {
    // Whatever happened, no session of this test outlives it.
    if (child === null && owned.length > 0) child = await startChild(env).catch(() => null);
    for (const { browser, session } of owned) await browser.call('DELETE', `/api/sessions/${session.id}`).catch(() => undefined);
    if (child) await kill(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('sessions, nodes and files survive SIGKILL of the server', async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = { ...process.env, PIER_DATABASE: path.join(dir, 'pier.db'), PIER_PORT: String(port), PIER_HOST: '127.0.0.1', PIER_LOG_LEVEL: 'error' };
    child = await startChild(env);

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

    await kill(child, 'SIGKILL');
    child = null;
    child = await startChild(env);

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
