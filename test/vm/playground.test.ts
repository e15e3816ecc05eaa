// A playground over the real server on a cgroup v2 host: the API makes a session, a line
// typed into its terminal socket runs in the sandbox (inside its own cgroup namespace, in
// its systemd scope), and a server killed with SIGKILL adopts the session when it restarts.
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionView } from '../../protocol/http.js';
import { Browser, TerminalClient, sandboxesOfSession } from '../helpers/playground.js';
import { freePort, startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { sandboxCgroupPath } from '../../sandbox/index.js';
import { driver } from '../helpers/sandbox.js';

describe('a playground over the real server', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-vm-'));
  let child: ChildProcess | null = null;
  let env: NodeJS.ProcessEnv;
  let owned: { browser: Browser; session: SessionView } | null = null;

  after(async () => {
    if (owned && child) await owned.browser.call('DELETE', `/api/sessions/${owned.session.id}`).catch(() => undefined);
    if (child) await stopServerProcess(child, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  test('a typed command lands in the sandbox; SIGKILL and restart adopt the session', async () => {
    const port = await freePort();
    env = { ...process.env, PIER_DATABASE: path.join(dir, 'pier.db'), PIER_PORT: String(port), PIER_HOST: '127.0.0.1', PIER_LOG_LEVEL: 'error' };
    child = await startServerProcess(env, 180_000);
    const browser = new Browser(`http://127.0.0.1:${port}`);
    const session = await browser.createSession();
    owned = { browser, session };
    const [id] = await sandboxesOfSession(session.id);
    assert.ok(id, 'the session has a sandbox');

    const term = await TerminalClient.open(browser, session.nodes[0]!.terminals[0]!.id);
    const seen = await term.run('echo typed-$((6*7)); cat /proc/self/cgroup; hostname', 60_000);
    assert.match(seen, /[\r\n]typed-42\r\n/);
    // Inside its cgroup namespace the sandbox sees itself at the root, in its leaf…
    assert.match(seen, /[\r\n]0::\/init\r\n/);
    assert.match(seen, /[\r\n]node1\r\n/);
    await term.run('echo survivor > /root/mark && sync', 60_000);
    await term.close();
    // …and the host sees the sandbox's processes in its delegated systemd scope.
    const init = (await driver.list()).find((s) => s.id === id);
    assert.ok(init, 'listed');
    const cg = sandboxCgroupPath(id);
    assert.match(cg, /^\/pier\.slice\/pier-[0-9a-f]{10}\.scope$/);
    // Its processes are in the scope's leaf; the scope itself (the namespace root) holds none.
    assert.equal(readFileSync(path.join('/sys/fs/cgroup', cg, 'cgroup.procs'), 'utf8').trim(), '', `processes in ${cg} itself`);
    const procs = readFileSync(path.join('/sys/fs/cgroup', cg, 'init', 'cgroup.procs'), 'utf8').trim();
    assert.ok(procs.length > 0, `no process in ${cg}/init`);

    await stopServerProcess(child, 'SIGKILL');
    child = null;
    child = await startServerProcess(env, 180_000);
    const r = await browser.call<SessionView>('GET', `/api/sessions/${session.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.nodes.map((n) => [n.name, n.status]), [['node1', 'running']]);
    const again = await TerminalClient.open(browser, session.nodes[0]!.terminals[0]!.id);
    assert.match(await again.run('cat /root/mark', 60_000), /[\r\n]survivor\r\n/);
    await again.close();

    assert.equal((await browser.call('DELETE', `/api/sessions/${session.id}`)).status, 204);
    assert.deepEqual(await sandboxesOfSession(session.id), []);
    owned = null;
  });
});
