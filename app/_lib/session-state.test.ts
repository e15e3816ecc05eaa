import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeView, SessionView } from '../../protocol/http';
import { INITIAL_STATE, canAddNode, playgroundReducer, upsertNode } from './session-state';

const node = (name: string, extra: Partial<NodeView> = {}): NodeView => ({
  name,
  status: 'running',
  address: `10.87.0.${name.slice(4)}`,
  limits: { memoryBytes: 512 << 20, pids: 512, cpus: 1, diskBytes: 2 << 30 },
  namespaces: { pid: 4026532188 },
  terminals: [],
  ports: [],
  ...extra,
});

const session = (nodes: NodeView[] = [node('node1')]): SessionView => ({
  id: 'a'.repeat(32),
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T01:00:00.000Z',
  warnBeforeSeconds: 300,
  serverTime: '2026-01-01T00:00:00.000Z',
  idleEndsAt: null,
  idleTimeoutSeconds: 1800,
  canExtend: true,
  lessonId: null,
  nodes,
  maxNodes: 5,
  internet: false,
});

const stats = (name: string) => ({
  node: name,
  at: '2026-01-01T00:00:01.000Z',
  memoryBytes: 1,
  memoryLimitBytes: 2,
  cpuPercent: 3,
  cpuLimitPercent: 100,
  pids: 4,
  pidsLimit: 512,
  diskUsedBytes: 5,
  diskLimitBytes: 6,
});

test('loaded, then node and terminal changes', () => {
  let s = playgroundReducer(INITIAL_STATE, { type: 'loaded', session: session() });
  assert.equal(s.session?.nodes.length, 1);
  s = playgroundReducer(s, { type: 'node', node: node('node3') });
  s = playgroundReducer(s, { type: 'node', node: node('node2') });
  assert.deepEqual(s.session?.nodes.map((n) => n.name), ['node1', 'node2', 'node3']);
  s = playgroundReducer(s, { type: 'node', node: node('node2', { status: 'resetting' }) });
  assert.equal(s.session?.nodes[1]?.status, 'resetting');
  const term = { id: 'b'.repeat(32), node: 'node2', title: 'node2 #1', createdAt: '2026-01-01T00:00:02.000Z' };
  s = playgroundReducer(s, { type: 'terminal-added', terminal: term });
  s = playgroundReducer(s, { type: 'terminal-added', terminal: term }); // twice: no duplicate
  assert.deepEqual(s.session?.nodes[1]?.terminals.map((t) => t.id), [term.id]);
  s = playgroundReducer(s, { type: 'terminal-removed', id: term.id });
  assert.equal(s.session?.nodes[1]?.terminals.length, 0);
});

test('events: stats, ports, session, ended', () => {
  let s = playgroundReducer(INITIAL_STATE, { type: 'loaded', session: session([node('node1'), node('node2')]) });
  s = playgroundReducer(s, { type: 'event', event: { type: 'stats', stats: stats('node2') }, receivedAtMs: 0 });
  assert.equal(s.stats.node2?.pids, 4);
  s = playgroundReducer(s, { type: 'event', event: { type: 'ports', node: 'node1', ports: [8080, 80] }, receivedAtMs: 0 });
  assert.deepEqual(s.session?.nodes[0]?.ports, [80, 8080]);
  // A session event without node2 drops node2's stats.
  s = playgroundReducer(s, { type: 'event', event: { type: 'session', session: session([node('node1')]) }, receivedAtMs: 0 });
  assert.equal(s.stats.node2, undefined);
  s = playgroundReducer(s, { type: 'event', event: { type: 'ended', reason: 'idle' }, receivedAtMs: 0 });
  assert.equal(s.ended, 'idle');
  // The first reason sticks.
  s = playgroundReducer(s, { type: 'ended', reason: 'ended' });
  assert.equal(s.ended, 'idle');
});

test('each view measures the server clock skew from its serverTime; expiring events do not move it', () => {
  const sent = Date.parse('2026-01-01T00:00:00.000Z');
  // The view says the server's clock read `sent` when it arrived at our `sent - 1000`.
  let s = playgroundReducer(INITIAL_STATE, { type: 'loaded', session: session(), receivedAtMs: sent - 1000 });
  assert.equal(s.skewMs, 1000);
  // An idle warning's secondsLeft is not about expiresAt: it must not be taken for skew.
  s = playgroundReducer(s, { type: 'event', event: { type: 'expiring', secondsLeft: 300, reason: 'idle' }, receivedAtMs: sent });
  assert.equal(s.skewMs, 1000);
});

test('changes before the session loads are ignored', () => {
  const s = playgroundReducer(INITIAL_STATE, { type: 'node', node: node('node1') });
  assert.equal(s, INITIAL_STATE);
});

test('upsertNode and canAddNode', () => {
  assert.deepEqual(upsertNode([node('node2')], node('node1')).map((n) => n.name), ['node1', 'node2']);
  assert.equal(canAddNode(session()), true);
  assert.equal(canAddNode({ ...session(), maxNodes: 1 }), false);
});

test('watchers replace each other; announcements queue once each and can be dismissed', () => {
  const tid = 'c'.repeat(32);
  let s = playgroundReducer(INITIAL_STATE, { type: 'event', event: { type: 'watchers', watchers: [{ name: 'kim', mode: 'watch', terminalId: tid }] }, receivedAtMs: 0 });
  assert.deepEqual(s.watchers.map((w) => w.mode), ['watch']);
  s = playgroundReducer(s, { type: 'event', event: { type: 'watchers', watchers: [] }, receivedAtMs: 0 });
  assert.equal(s.watchers.length, 0);
  const ann = (n: number) => ({ id: String(n).repeat(32), text: `note ${n}`, at: '2026-01-01T00:00:00.000Z', by: 'kim' });
  for (const n of [1, 2, 2, 3, 4]) s = playgroundReducer(s, { type: 'event', event: { type: 'announcement', announcement: ann(n) }, receivedAtMs: 0 });
  assert.deepEqual(s.announcements.map((a) => a.text), ['note 2', 'note 3', 'note 4']);
  s = playgroundReducer(s, { type: 'dismiss-announcement', id: ann(3).id });
  assert.deepEqual(s.announcements.map((a) => a.text), ['note 2', 'note 4']);
});
