import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { SandboxError } from '../../sandbox/index.js';
import type { SessionEvent } from '../../protocol/http.js';
import { FakeDriver } from '../../test/helpers/fake-driver.js';
import { isServerError, ServerError, type ServerErrorCode } from '../errors.js';
import { openStore, type Store } from '../store/store.js';
import { FakeClock } from './clock.js';
import { SERVER_LABEL, SESSION_LABEL, SessionManager, type SessionPolicy } from './manager.js';
import { TerminalPool } from './terminal-pool.js';

const MIN = 60_000;
const POLICY: SessionPolicy = {
  lifetimeMs: 120 * MIN,
  extensionMs: 30 * MIN,
  maxLifetimeMs: 180 * MIN,
  idleMs: 30 * MIN,
  warnBeforeMs: 5 * MIN,
  maxSessions: 4,
  maxSessionsPerOwner: 2,
  maxSessionsPerAddress: 3,
  defaultLimits: { memoryBytes: 1, pids: 1, cpus: 1, diskBytes: 1 },
  outboundAllowed: false,
};

/** A fake terminal: a name and how it was closed. */
interface FakeTerminal {
  id: string;
  closed: string | null;
}

function setup(options: { store?: Store; driver?: FakeDriver; clock?: FakeClock; policy?: Partial<SessionPolicy>; serverId?: string; admission?: (nodes: number) => void } = {}) {
  const driver = options.driver ?? new FakeDriver();
  const store = options.store ?? openStore(':memory:');
  const clock = options.clock ?? new FakeClock();
  const closed: string[] = [];
  const terminals = new TerminalPool<FakeTerminal>({
    open: (_pty, meta) => ({ id: meta.id, closed: null }),
    close: (t, reason) => {
      t.closed = reason;
      closed.push(`${t.id}:${reason}`);
    },
    exited: (t) => t.closed !== null,
  });
  const manager = new SessionManager<FakeTerminal>({
    driver,
    store,
    policy: { ...POLICY, ...options.policy },
    log: pino({ level: 'silent' }),
    terminals,
    serverId: options.serverId ?? 'server-a',
    clock,
    ...(options.admission ? { admission: options.admission } : {}),
  });
  return { driver, store, clock, manager, terminals, closed };
}

const code = (c: ServerErrorCode) => (err: unknown) => isServerError(err, c);
const settle = () => new Promise((r) => setImmediate(r));

test('create makes a network, node1 and one terminal, saved before it answers', async () => {
  const { driver, store, manager } = setup();
  const view = await manager.create('alice', { lessonId: 'namespaces-uts' });
  assert.deepEqual(driver.calls, ['createNetwork', 'create node1']);
  assert.equal(view.nodes.length, 1);
  assert.equal(view.nodes[0]!.status, 'running');
  assert.equal(view.lessonId, 'namespaces-uts');
  assert.equal(Date.parse(view.expiresAt) - Date.parse(view.createdAt), 120 * MIN);
  assert.equal(view.warnBeforeSeconds, 300);
  const [sandbox] = driver.sandboxes.values();
  assert.equal(sandbox!.labels[SESSION_LABEL], view.id);
  assert.equal(sandbox!.labels[SERVER_LABEL], 'server-a');
  assert.equal(store.getSession(view.id)?.networkId, [...driver.networks.keys()][0]);
  assert.deepEqual(store.nodesOf(view.id).map((n) => [n.name, n.status, n.sandboxId]), [['node1', 'running', sandbox!.id]]);
  assert.equal(store.terminalsOf(view.id).length, 1);
});

test('a failed create removes its network and is ended as an error', async () => {
  const { driver, store, manager } = setup();
  driver.failNextCreate = new SandboxError('SANDBOX_START_TIMEOUT', 'slow');
  await assert.rejects(manager.create('alice'), (err: unknown) => err instanceof SandboxError && err.code === 'SANDBOX_START_TIMEOUT');
  assert.equal(driver.networks.size, 0);
  assert.equal(manager.liveCount, 0);
  assert.equal(store.liveSessions().length, 0);
});

test('the server and per-owner caps refuse with stable codes', async () => {
  const { manager } = setup();
  await manager.create('alice');
  await manager.create('alice');
  await assert.rejects(manager.create('alice'), code('TOO_MANY_SESSIONS'));
  await manager.create('bob');
  await manager.create('carol');
  await assert.rejects(manager.create('dave'), (err: unknown) => isServerError(err, 'SERVER_FULL') && err.status === 503 && err.retryAfterSeconds !== undefined);
});

test("another owner's session does not exist for them", async () => {
  const { manager } = setup();
  const s = await manager.create('alice');
  const t = s.nodes[0]!.terminals[0]!.id;
  await assert.rejects(manager.view(s.id, 'mallory'), code('SESSION_NOT_FOUND'));
  await assert.rejects(manager.addNode(s.id, 'mallory'), code('SESSION_NOT_FOUND'));
  await assert.rejects(manager.resetNode(s.id, 'mallory', 'node1'), code('SESSION_NOT_FOUND'));
  await assert.rejects(manager.newTerminal(s.id, 'mallory', 'node1'), code('SESSION_NOT_FOUND'));
  await assert.rejects(manager.closeTerminal(s.id, 'mallory', t), code('SESSION_NOT_FOUND'));
  await assert.rejects(manager.extend(s.id, 'mallory'), code('SESSION_NOT_FOUND'));
  await assert.rejects(manager.endByOwner(s.id, 'mallory'), code('SESSION_NOT_FOUND'));
  await assert.rejects(manager.attachTerminal(t, 'mallory'), code('TERMINAL_NOT_FOUND'));
  assert.equal(manager.ownership(s.id, 'mallory'), null);
  assert.equal(manager.terminalOwnership(t, 'mallory'), null);
  assert.equal(manager.proxyTarget(s.id, 'mallory', 'node1'), null);
  assert.deepEqual(manager.proxyTarget(s.id, 'alice', 'node1'), { host: s.nodes[0]!.address });
  assert.equal(manager.ownership(s.id, 'alice'), 'live');
  assert.throws(() => manager.requireNode(s.id, 'mallory', 'node1'), code('SESSION_NOT_FOUND'));
  assert.throws(() => manager.requireNode(s.id, 'alice', 'node2'), code('NODE_NOT_FOUND'));
  manager.requireNode(s.id, 'alice', 'node1');
});

test('nodes are added up to five; a failed add leaves no node behind', async () => {
  const { driver, store, manager } = setup();
  const s = await manager.create('alice');
  driver.failNextCreate = new SandboxError('NETWORK_FULL', 'full');
  await assert.rejects(manager.addNode(s.id, 'alice'));
  assert.deepEqual(store.nodesOf(s.id).map((n) => n.name), ['node1']);
  const names = [];
  for (let i = 0; i < 4; i++) names.push((await manager.addNode(s.id, 'alice')).name);
  assert.deepEqual(names, ['node2', 'node3', 'node4', 'node5']);
  await assert.rejects(manager.addNode(s.id, 'alice'), code('NODE_LIMIT'));
  const view = await manager.view(s.id, 'alice');
  assert.deepEqual(view.nodes.map((n) => n.terminals.length), [1, 1, 1, 1, 1]);
  const networks = new Set([...driver.sandboxes.values()].map((x) => x.network));
  assert.equal(networks.size, 1, 'every node is on the session network');
});

test('terminals get numbered titles, a cap, and close their live terminal', async () => {
  const { manager, terminals } = setup();
  const s = await manager.create('alice');
  const titles = [];
  for (let i = 0; i < 7; i++) titles.push((await manager.newTerminal(s.id, 'alice', 'node1')).title);
  assert.deepEqual(titles, ['node1 #2', 'node1 #3', 'node1 #4', 'node1 #5', 'node1 #6', 'node1 #7', 'node1 #8']);
  await assert.rejects(manager.newTerminal(s.id, 'alice', 'node1'), code('TERMINAL_LIMIT'));
  await assert.rejects(manager.newTerminal(s.id, 'alice', 'node4'), code('NODE_NOT_FOUND'));
  const first = s.nodes[0]!.terminals[0]!.id;
  await terminals.ensure({ id: first, sessionId: s.id, node: 'node1', title: 'node1', size: { cols: 80, rows: 24 } }, async () => ({}) as never);
  await manager.closeTerminal(s.id, 'alice', first);
  assert.equal(terminals.size, 0);
  assert.equal(manager.terminalOwnership(first, 'alice'), null, 'a closed tab is gone');
  assert.equal((await manager.newTerminal(s.id, 'alice', 'node1')).title, 'node1', 'the freed title is reused');
});

test('extend adds the extension up to the lifetime cap', async () => {
  const { manager, store } = setup();
  const s = await manager.create('alice');
  const one = await manager.extend(s.id, 'alice');
  assert.equal(Date.parse(one.expiresAt) - Date.parse(s.expiresAt), 30 * MIN);
  const two = await manager.extend(s.id, 'alice');
  assert.equal(Date.parse(two.expiresAt) - Date.parse(s.createdAt), 180 * MIN);
  assert.equal(two.canExtend, false);
  await assert.rejects(manager.extend(s.id, 'alice'), code('CANNOT_EXTEND'));
  assert.equal(store.getSession(s.id)?.extendedCount, 2);
});

test('input after an idle warning cancels it: a fresh view without the idle deadline', async () => {
  const { manager, clock } = setup();
  const s = await manager.create('alice');
  const events: SessionEvent[] = [];
  const off = await manager.subscribe(s.id, 'alice', (e) => events.push(e));
  clock.advance(26 * MIN);
  const before = events.length;
  manager.touch(s.id);
  manager.touch(s.id);
  const after = events.slice(before);
  assert.equal(after.length, 1, 'one view for the cancelled warning, none for later input');
  assert.ok(after[0]?.type === 'session' && after[0].session.idleEndsAt === null);
  off();
  await manager.end(s.id, 'ended');
});

test('an idle session is warned, then ended and its network removed', async () => {
  const { manager, driver, store, clock } = setup();
  const s = await manager.create('alice');
  const events: SessionEvent[] = [];
  const off = await manager.subscribe(s.id, 'alice', (e) => events.push(e));
  clock.advance(26 * MIN);
  assert.deepEqual(events[1], { type: 'expiring', secondsLeft: 300, reason: 'idle' }, 'warned at 25 minutes idle, saying why');
  const warned = events[2];
  assert.ok(warned?.type === 'session', 'the warning comes with a fresh view');
  assert.equal(warned.session.idleEndsAt, new Date(clock.now() - MIN + 5 * MIN).toISOString(), 'the view carries the idle deadline');
  assert.equal(warned.session.serverTime, new Date(clock.now() - MIN).toISOString());
  clock.advance(5 * MIN);
  await settle();
  assert.deepEqual(events.at(-1), { type: 'ended', reason: 'idle' });
  assert.equal(driver.networks.size, 0);
  assert.equal(driver.sandboxes.size, 0);
  assert.equal(store.getSession(s.id)?.endedReason, 'idle');
  assert.equal(manager.liveCount, 0);
  assert.equal(manager.ownership(s.id, 'alice'), 'ended');
  off();
});

test('a session expires at its end of life even when busy', async () => {
  const { manager, store, clock } = setup();
  const s = await manager.create('alice');
  for (let m = 0; m < 125; m += 10) {
    clock.advance(10 * MIN);
    manager.touch(s.id);
  }
  await settle();
  assert.equal(store.getSession(s.id)?.endedReason, 'expired');
});

test('reset replaces the sandbox, keeps terminal ids, and closes their live terminals', async () => {
  const { manager, driver, terminals, closed } = setup();
  const s = await manager.create('alice');
  const old = [...driver.sandboxes.keys()][0]!;
  const t = s.nodes[0]!.terminals[0]!.id;
  await terminals.ensure({ id: t, sessionId: s.id, node: 'node1', title: 'node1', size: { cols: 80, rows: 24 } }, async () => ({}) as never);
  const node = await manager.resetNode(s.id, 'alice', 'node1');
  assert.equal(node.status, 'running');
  assert.deepEqual(node.terminals.map((x) => x.id), [t]);
  assert.ok(!driver.sandboxes.has(old));
  assert.equal(driver.sandboxes.size, 1);
  assert.deepEqual(closed, [`${t}:reset`]);
  driver.failNextCreate = new SandboxError('RUNC_FAILED', 'boom');
  await assert.rejects(manager.resetNode(s.id, 'alice', 'node1'));
  assert.equal((await manager.view(s.id, 'alice')).nodes[0]!.status, 'error');
  await assert.rejects(manager.attachTerminal(t, 'alice'), code('NODE_BUSY'));
  assert.equal((await manager.resetNode(s.id, 'alice', 'node1')).status, 'running', 'an error node can be reset');
});

test('adoption keeps live sessions, marks lost nodes, ends the rest, removes orphans', async () => {
  const store = openStore(':memory:');
  const driver = new FakeDriver();
  const clock = new FakeClock();
  const first = setup({ store, driver, clock });
  const kept = await first.manager.create('alice');
  const partial = await first.manager.create('alice');
  await first.manager.addNode(partial.id, 'alice');
  const lost = await first.manager.create('bob');
  const expiring = await first.manager.create('carol', {});
  await first.manager.close();
  // While the server was down: one node of `partial` and every node of `lost` died, time passed.
  const sandboxOf = (session: string, host: string) => [...driver.sandboxes.values()].find((x) => x.labels[SESSION_LABEL] === session && x.hostname === host)!;
  driver.sandboxes.get(sandboxOf(partial.id, 'node2').id)!.status = 'stopped';
  driver.sandboxes.get(sandboxOf(lost.id, 'node1').id)!.status = 'broken';
  store.setSessionExpiry(expiring.id, clock.now() + 1000, 0);
  const orphan = await driver.create({ hostname: 'node1', labels: { [SESSION_LABEL]: 'gone', [SERVER_LABEL]: 'server-a' } });
  const foreign = await driver.create({ hostname: 'node1', labels: { [SESSION_LABEL]: 'other', [SERVER_LABEL]: 'server-b' } });
  clock.advance(2000);

  const second = setup({ store, driver, clock });
  const report = await second.manager.adopt();
  assert.deepEqual(report.kept.sort(), [kept.id, partial.id].sort());
  assert.deepEqual(report.ended.map((e) => [e.id, e.reason]).sort(), [[expiring.id, 'expired'], [lost.id, 'error']].sort());
  assert.deepEqual(report.lostNodes, [`${partial.id}/node2`], 'lost nodes of kept sessions');
  assert.deepEqual(report.orphans, [orphan.id]);
  assert.ok(driver.sandboxes.has(foreign.id), "another server's sandbox is not touched");
  const view = await second.manager.view(partial.id, 'alice');
  assert.deepEqual(view.nodes.map((n) => [n.name, n.status]), [['node1', 'running'], ['node2', 'error']]);
  assert.equal(view.nodes[1]!.terminals.length, 1, 'terminals of a lost node stay, to reopen after a reset');
  assert.equal(second.manager.terminalOwnership(kept.nodes[0]!.terminals[0]!.id, 'alice'), 'live');
  assert.equal(store.getSession(lost.id)?.endedReason, 'error');
  assert.deepEqual(driver.calls.filter((c) => c === 'reconcile'), ['reconcile']);
});

test('after a restart a session still shows its own network\'s internet, not the deployment\'s', async () => {
  const store = openStore(':memory:');
  const driver = new FakeDriver();
  const clock = new FakeClock();
  const plan = (internet: boolean) => ({ classId: 'c'.repeat(32), memberId: 'm'.repeat(32), limits: {}, nodes: 1, lifetimeMs: 60 * MIN, maxSessions: 5, internet });
  const first = setup({ store, driver, clock, policy: { outboundAllowed: true, maxSessionsPerOwner: 5 } });
  const online = await first.manager.create('alice', { plan: plan(true) });
  const offline = await first.manager.create('bob', { plan: plan(false) });
  assert.deepEqual([online.internet, offline.internet], [true, false]);
  await first.manager.close();
  const second = setup({ store, driver, clock, policy: { outboundAllowed: true, maxSessionsPerOwner: 5 } });
  await second.manager.adopt();
  assert.equal((await second.manager.view(online.id, 'alice')).internet, true);
  assert.equal((await second.manager.view(offline.id, 'bob')).internet, false, 'a class without internet stays offline after a restart');
});

test('a session network reaches the internet only when the deployment allows it and, for a class session, the class too', async () => {
  const plan = (internet: boolean) => ({ classId: 'c'.repeat(32), memberId: 'm'.repeat(32), limits: {}, nodes: 1, lifetimeMs: 60 * MIN, maxSessions: 5, internet });
  const outboundOf = async (policy: Partial<SessionPolicy>, options: Parameters<SessionManager<FakeTerminal>['create']>[1]) => {
    const { driver, manager } = setup({ policy: { maxSessionsPerOwner: 5, ...policy } });
    await manager.create('alice', options);
    const [network] = driver.networks.values();
    return network!.outbound;
  };
  assert.equal(await outboundOf({ outboundAllowed: true }, {}), true, 'free playground on an outbound deployment');
  assert.equal(await outboundOf({ outboundAllowed: false }, {}), false, 'free playground on an offline deployment');
  assert.equal(await outboundOf({ outboundAllowed: true }, { plan: plan(true) }), true, 'class with internet');
  assert.equal(await outboundOf({ outboundAllowed: true }, { plan: plan(false) }), false, 'class without internet');
  assert.equal(await outboundOf({ outboundAllowed: false }, { plan: plan(true) }), false, 'class with internet on an offline deployment');
});

test('free playgrounds are capped per client address whatever the cookie; class sessions do not count', async () => {
  const { manager } = setup({ policy: { maxSessions: 20 } });
  const plan = { classId: 'c'.repeat(32), memberId: 'm'.repeat(32), limits: {}, nodes: 1, lifetimeMs: 60 * MIN, maxSessions: 5, internet: false };
  await manager.create('fresh-1', { address: '10.0.0.9' });
  await manager.create('fresh-2', { address: '10.0.0.9' });
  await manager.create('student', { plan, address: '10.0.0.9' });
  const third = await manager.create('fresh-3', { address: '10.0.0.9' });
  assert.equal(manager.countFromAddress('10.0.0.9'), 3);
  await assert.rejects(manager.create('fresh-4', { address: '10.0.0.9' }), (err: unknown) => isServerError(err, 'TOO_MANY_SESSIONS_FROM_ADDRESS') && err.status === 429);
  await manager.create('student', { plan, address: '10.0.0.9' });
  await manager.create('fresh-4', { address: '10.0.0.10' });
  await manager.endByOwner(third.id, 'fresh-3');
  await manager.create('fresh-4', { address: '10.0.0.9' });
});

test('the admission check runs before every new sandbox and its refusal starts nothing', async () => {
  const asked: number[] = [];
  let refuse = false;
  const admission = (nodes: number) => {
    asked.push(nodes);
    if (refuse) throw new ServerError('HOST_BUSY', 'test', { retryAfterSeconds: 30 });
  };
  const { driver, manager } = setup({ admission });
  const view = await manager.create('alice');
  refuse = true;
  await assert.rejects(manager.create('alice'), (err: unknown) => isServerError(err, 'HOST_BUSY') && err.status === 503 && err.retryAfterSeconds === 30);
  await assert.rejects(manager.addNode(view.id, 'alice'), code('HOST_BUSY'));
  assert.deepEqual(asked, [1, 1, 1]);
  assert.deepEqual(driver.calls, ['createNetwork', 'create node1']);
  assert.equal((await manager.view(view.id, 'alice')).nodes.length, 1);
});
