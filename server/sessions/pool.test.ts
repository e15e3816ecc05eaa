import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { FakeDriver } from '../../test/helpers/fake-driver.js';
import { openStore, type Store } from '../store/store.js';
import { FakeClock } from './clock.js';
import { POOL_LABEL, SERVER_LABEL, SESSION_LABEL, SessionManager, type SessionPolicy } from './manager.js';
import { keyString, WarmPool, type WarmPoolOptions } from './pool.js';
import { TerminalPool } from './terminal-pool.js';

const MIN = 60_000;
const POLICY: SessionPolicy = {
  lifetimeMs: 120 * MIN,
  extensionMs: 30 * MIN,
  maxLifetimeMs: 180 * MIN,
  idleMs: 30 * MIN,
  warnBeforeMs: 5 * MIN,
  maxSessions: 20,
  maxSessionsPerOwner: 20,
  maxSessionsPerAddress: 20,
  defaultLimits: { memoryBytes: 1, pids: 1, cpus: 1, diskBytes: 1 },
  outboundAllowed: false,
};
const log = pino({ level: 'silent' });

function pool(driver: FakeDriver, over: Partial<WarmPoolOptions> = {}): WarmPool {
  return new WarmPool({ driver, log, serverId: 'server-a', size: 2, defaultKey: { limits: {}, outbound: false }, fingerprint: 'limits-v1', refillIdleMs: 0, currentImage: async () => driver.image, ...over });
}

interface FakeTerminal {
  id: string;
  output: string;
}

function manager(driver: FakeDriver, store: Store, warm: WarmPool | null) {
  const terminals = new TerminalPool<FakeTerminal>({
    open: (pty, meta) => {
      const t = { id: meta.id, output: '' };
      pty.onData((d) => (t.output += d.toString()));
      return t;
    },
    close: () => undefined,
    exited: () => false,
  });
  return new SessionManager<FakeTerminal>({ driver, store, policy: POLICY, log, terminals, serverId: 'server-a', clock: new FakeClock(), pool: warm });
}

/** The fake driver's sandboxes that are warm (labelled by the pool). */
const warmIds = (driver: FakeDriver) => [...driver.sandboxes.values()].filter((s) => s.labels[POOL_LABEL] !== undefined).map((s) => s.id);

test('the pool fills to its size in the background, and a claim is refilled', async () => {
  const driver = new FakeDriver();
  const p = pool(driver);
  p.start();
  await p.idle();
  assert.equal(p.readyCount, 2);
  assert.equal(driver.networks.size, 2, 'each warm sandbox on a network of its own');
  const got = p.claim({ limits: {}, outbound: false });
  assert.ok(got);
  assert.equal(driver.sandboxes.get(got.sandbox.id)?.network, got.networkId);
  assert.equal(p.readyCount, 1);
  await p.idle();
  assert.equal(p.readyCount, 2, 'refilled after the claim');
  await p.close();
});

test('never handed out twice: concurrent claims get distinct sandboxes, the rest none', async () => {
  const driver = new FakeDriver();
  const p = pool(driver);
  p.start();
  await p.idle();
  const claims = await Promise.all(Array.from({ length: 5 }, async () => p.claim({ limits: {}, outbound: false })));
  const ids = claims.filter((c) => c !== null).map((c) => c.sandbox.id);
  assert.equal(ids.length, 2);
  assert.equal(new Set(ids).size, 2);
  await p.close();
});

test('refills wait while a cold start runs', async () => {
  const driver = new FakeDriver();
  const p = pool(driver);
  p.busy(1);
  p.start();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(driver.calls.filter((c) => c === 'create node1').length, 0, 'no refill while busy');
  p.busy(-1);
  await p.idle();
  assert.equal(p.readyCount, 2);
  await p.close();
});

test('another key misses once, then is kept too; an unknown-limits claim never gets a default sandbox', async () => {
  const driver = new FakeDriver();
  const p = pool(driver);
  p.start();
  await p.idle();
  const big = { limits: { memoryBytes: 1024 ** 3 }, outbound: false };
  assert.equal(p.claim(big), null);
  await p.idle();
  const got = p.claim(big);
  assert.ok(got);
  assert.equal(got.sandbox.limits.memoryBytes, 1024 ** 3);
  assert.equal(p.claim({ limits: {}, outbound: true }), null, 'outbound differs: a different key');
  await p.close();
});

test('stale entries go: a new image, and age', async () => {
  const driver = new FakeDriver();
  let now = Date.now();
  const p = pool(driver, { now: () => now, maxAgeMs: 10 * MIN });
  p.start();
  await p.idle();
  const before = warmIds(driver);
  now += 11 * MIN;
  assert.equal(p.claim({ limits: {}, outbound: false }), null, 'too old: destroyed, not handed out');
  await p.idle();
  assert.ok(before.every((id) => !driver.sandboxes.has(id)), 'the old ones are gone');
  await p.drain();
  await p.close();
});

test('drain destroys every ready sandbox with its network', async () => {
  const driver = new FakeDriver();
  const p = pool(driver);
  p.start();
  await p.idle();
  await p.close();
  const drained = await p.drain();
  assert.equal(drained.length, 2);
  assert.equal(driver.sandboxes.size, 0);
  assert.equal(driver.networks.size, 0);
});

test('a Start claims a warm node1: the pool’s network becomes the session’s, the sandbox is relabelled', async () => {
  const driver = new FakeDriver();
  const store = openStore(':memory:');
  const p = pool(driver);
  const m = manager(driver, store, p);
  await m.adopt();
  await p.idle();
  const warm = new Set(warmIds(driver));
  const networksBefore = driver.calls.filter((c) => c === 'createNetwork').length;
  const view = await m.create('alice');
  assert.equal(driver.calls.filter((c) => c === 'createNetwork').length, networksBefore, 'no network created on the Start');
  const node1 = store.nodesOf(view.id)[0]!;
  assert.ok(warm.has(node1.sandboxId!), 'node1 is a warm sandbox');
  const labels = driver.sandboxes.get(node1.sandboxId!)!.labels;
  assert.equal(labels[SESSION_LABEL], view.id);
  assert.equal(labels[POOL_LABEL], undefined);
  assert.equal(store.getSession(view.id)?.networkId, driver.sandboxes.get(node1.sandboxId!)!.network);
  // node2 starts cold on the same network.
  await m.addNode(view.id, 'alice');
  const node2 = store.nodesOf(view.id).find((n) => n.name === 'node2')!;
  assert.equal(driver.sandboxes.get(node2.sandboxId!)!.network, store.getSession(view.id)?.networkId);
  // Ending the session removes the warm sandbox with its network.
  await m.end(view.id, 'ended');
  assert.ok(!driver.sandboxes.has(node1.sandboxId!));
  await m.close();
});

test('an empty pool falls back to a cold create', async () => {
  const driver = new FakeDriver();
  const store = openStore(':memory:');
  const p = pool(driver, { size: 1 });
  const m = manager(driver, store, p);
  await m.adopt();
  await p.idle();
  const a = await m.create('alice');
  const b = await m.create('bob');
  const idA = store.nodesOf(a.id)[0]!.sandboxId!;
  const idB = store.nodesOf(b.id)[0]!.sandboxId!;
  assert.notEqual(idA, idB);
  assert.equal(driver.sandboxes.get(idB)!.labels[SESSION_LABEL], b.id);
  await m.close();
});

test('the pre-spawned shell is the first terminal, its prompt replayed; its size follows the attach', async () => {
  const driver = new FakeDriver();
  driver.prompt = 'root@node1:~# ';
  const store = openStore(':memory:');
  const p = pool(driver, { shell: { cmd: ['/bin/bash', '-l'], size: { cols: 80, rows: 24 } } });
  const m = manager(driver, store, p);
  await m.adopt();
  await p.idle();
  const shells = driver.calls.filter((c) => c.startsWith('execTty')).length;
  assert.equal(shells, 2, 'one shell per warm sandbox');
  const view = await m.create('alice');
  const terminalId = view.nodes[0]!.terminals[0]!.id;
  const { terminal } = await m.attachTerminal(terminalId, 'alice', { cols: 120, rows: 40 });
  assert.equal(terminal.output, 'root@node1:~# ', 'the prompt printed before the attach');
  assert.equal(driver.calls.filter((c) => c.startsWith('execTty')).length, shells, 'no new shell at attach');
  assert.ok(driver.ttys.some((t) => t.size.cols === 120 && t.size.rows === 40), 'the warm shell took the terminal’s size');
  await m.close();
});

test('restart: a new server adopts fresh warm sandboxes; stale ones (limits, image) and a disabled pool destroy them', async () => {
  const driver = new FakeDriver();
  const store = openStore(':memory:');
  const first = pool(driver);
  const m1 = manager(driver, store, first);
  await m1.adopt();
  await first.idle();
  const claimed = await m1.create('alice');
  await first.idle();
  await m1.close();
  const warm = warmIds(driver);
  assert.equal(warm.length, 2);

  // Same config: both kept, the claimed one stays the session's.
  const second = pool(driver);
  const m2 = manager(driver, store, second);
  const report = await m2.adopt();
  assert.deepEqual(report.pool?.kept.sort(), [...warm].sort());
  assert.deepEqual(report.kept, [claimed.id]);
  assert.equal(second.readyCount, 2);
  const again = second.claim({ limits: {}, outbound: false });
  assert.ok(again && warm.includes(again.sandbox.id), 'an adopted sandbox is handed out');
  await m2.close();

  // Limits changed in the config (another fingerprint): all are stale (the one claimed
  // above was never handed to a session, so it is still warm).
  const left = warmIds(driver);
  assert.ok(left.includes(again.sandbox.id));
  const third = pool(driver, { fingerprint: 'limits-v2' });
  const m3 = manager(driver, store, third);
  const r3 = await m3.adopt();
  assert.deepEqual(r3.pool?.destroyed.sort(), left.sort());
  await third.idle();
  await m3.close();

  // A new image: everything warm is stale.
  driver.image = 'img2';
  const fourth = pool(driver, { fingerprint: 'limits-v2' });
  const m4 = manager(driver, store, fourth);
  const r4 = await m4.adopt();
  assert.equal(r4.pool?.destroyed.length, 2);
  await fourth.idle();
  await m4.close();

  // Pool off: every warm sandbox goes, the session's node stays.
  const m5 = manager(driver, store, null);
  const r5 = await m5.adopt();
  assert.equal(r5.pool?.destroyed.length, 2, 'the two refilled by the fourth server');
  assert.deepEqual(warmIds(driver).filter((id) => driver.sandboxes.get(id)?.labels[SERVER_LABEL] === 'server-a'), []);
  assert.deepEqual(r5.kept, [claimed.id]);
  await m5.close();
});

test('pool keys name limits, outbound and the fingerprint', () => {
  const a = keyString({ limits: { memoryBytes: 1, cpus: 2 }, outbound: false }, 'f');
  assert.equal(a, keyString({ limits: { cpus: 2, memoryBytes: 1 }, outbound: false }, 'f'), 'order does not matter');
  assert.notEqual(a, keyString({ limits: { memoryBytes: 1, cpus: 2 }, outbound: true }, 'f'));
  assert.notEqual(a, keyString({ limits: { memoryBytes: 1, cpus: 2 }, outbound: false }, 'g'));
  assert.match(a, /^[0-9a-f]{16}$/);
});

test('a busy host refills nothing (host admission refuses)', async () => {
  const driver = new FakeDriver();
  let busy = true;
  const p = pool(driver, {
    admission: () => {
      if (busy) throw new Error('HOST_BUSY');
    },
  });
  p.start();
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(p.readyCount, 0);
  assert.equal(driver.calls.filter((c) => c === 'createNetwork').length, 0, 'not even a network');
  busy = false;
  await p.close();
});
