// The warm pool against real sandboxes (issue 17 point 2): a Start claims a ready sandbox
// (its network becomes the session's, its pre-spawned shell the first terminal, the prompt
// is there and `stty size` shows the terminal's size), the pool refills in the background,
// and a restarted server on the same database adopts both the session and the warm
// sandboxes; one with the pool off destroys the warm ones.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionView } from '../../protocol/http.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { POOL_LABEL, SERVER_LABEL } from '../../server/sessions/manager.js';
import { openStore } from '../../server/store/store.js';
import { rootSuite } from '../helpers/root.js';
import { driver } from '../helpers/sandbox.js';
import { Browser, TerminalClient, sandboxesOfSession, testConfig } from '../helpers/playground.js';

/** Ready sandboxes the pool keeps in this test. */
const SIZE = 2;

describe('warm pool', rootSuite(), () => {
  const c = testConfig({ warmPool: SIZE, warmPoolShell: true });
  let server: RunningServer | null = null;
  let serverId = '';
  const created: { browser: Browser; id: string }[] = [];

  const start = async (warmPool: number): Promise<RunningServer> =>
    startServer({ config: { ...c.config, warmPool }, next: false, port: 0, hostname: '127.0.0.1' });
  /** This server's warm sandboxes on the host (labelled by its pool). */
  const warmOnHost = async () => (await driver.list()).filter((s) => s.labels[SERVER_LABEL] === serverId && s.labels[POOL_LABEL] !== undefined);

  before(async () => {
    server = await start(SIZE);
    const store = openStore(c.config.database);
    serverId = store.getMeta('server_id') ?? '';
    store.close();
    assert.match(serverId, /^[0-9a-f]{32}$/);
  });

  after(async () => {
    // Ended through the server running now (a browser of the first one points at a closed port).
    for (const { id } of created) await server?.sessions.end(id, 'ended');
    await server?.close();
    // The pool off on the same database: whatever is warm goes (nothing outlives the test).
    const last = await start(0);
    await last.close();
    const left = await warmOnHost();
    c.cleanup();
    assert.deepEqual(left.map((s) => s.id), [], 'warm sandboxes left on the host');
    for (const { id } of created) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
  });

  test('a Start claims a warm sandbox with its prompt ready, the pool refills, and a restart adopts both', { timeout: 240_000 }, async () => {
    assert.ok(server?.pool, 'the pool is on');
    await server.pool.idle();
    const warm = await warmOnHost();
    assert.equal(warm.length, SIZE, `${SIZE} warm sandboxes, each running`);
    assert.ok(warm.every((s) => s.status === 'running'));
    const warmIds = new Set(warm.map((s) => s.id));

    const alice = new Browser(server.url.replace('localhost', '127.0.0.1'));
    const r = await alice.call<SessionView>('POST', '/api/sessions', {});
    assert.equal(r.status, 201);
    const session = r.body;
    created.push({ browser: alice, id: session.id });
    const mine = await sandboxesOfSession(session.id);
    assert.equal(mine.length, 1);
    assert.ok(warmIds.has(mine[0]!), 'node1 is one of the warm sandboxes');
    assert.equal(session.nodes[0]!.address, warm.find((s) => s.id === mine[0])!.address, 'its address on the network it came with');

    // Its pre-spawned shell is the first terminal: a prompt, the size asked, a working shell.
    const term = await TerminalClient.open(alice, session.nodes[0]!.terminals[0]!.id, { cols: 101, rows: 33 });
    await term.waitFor(/[#$] $/m, 15_000);
    assert.match(await term.run('stty size'), /\b33 101\b/);
    assert.match(await term.run('hostname; tty'), /node1[\s\S]*\/dev\/pts\/\d+/);
    await term.close();

    await server.pool.idle();
    const refilled = await warmOnHost();
    assert.equal(refilled.length, SIZE, 'refilled to its size');
    assert.ok(!refilled.some((s) => s.id === mine[0]), 'the claimed one is not warm any more');

    // Restart on the same database: the session is kept, the warm sandboxes adopted.
    await server.close();
    server = await start(SIZE);
    assert.deepEqual(server.adopted.kept, [session.id]);
    assert.deepEqual(server.adopted.pool?.kept.sort(), refilled.map((s) => s.id).sort());
    assert.equal(server.adopted.orphans.length, 0);
    const again = new Browser(server.url.replace('localhost', '127.0.0.1'));
    const b = await again.call<SessionView>('POST', '/api/sessions', {});
    assert.equal(b.status, 201);
    created.push({ browser: again, id: b.body.id });
    const bIds = await sandboxesOfSession(b.body.id);
    assert.ok(refilled.some((s) => s.id === bIds[0]), 'the next Start claims an adopted warm sandbox');
    const t2 = await TerminalClient.open(again, b.body.nodes[0]!.terminals[0]!.id);
    // The adopted sandbox had no shell (it died with the old server): a fresh one opens.
    assert.match(await t2.run('echo adopted-$((6*7))'), /adopted-42/);
    await t2.close();
  });
});
