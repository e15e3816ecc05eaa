import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS, type SandboxListing } from '../../sandbox/index.js';
import type { NodeRow, SessionRow } from '../store/store.js';
import { planAdoption, POOL_LABEL, SERVER_LABEL, SESSION_LABEL } from './adoption.js';

const NOW = 1_000_000;
const row = (id: string, over: Partial<SessionRow> = {}): SessionRow => ({
  id,
  owner: 'o',
  createdAt: 0,
  expiresAt: NOW + 1,
  extendedCount: 0,
  lessonId: null,
  networkId: `net-${id}`,
  endedAt: null,
  endedReason: null,
  classId: null,
  memberId: null,
  ...over,
});
const node = (sessionId: string, name: string, sandboxId: string | null, status: NodeRow['status'] = 'running'): NodeRow => ({ sessionId, name, sandboxId, status });
const sandbox = (id: string, session: string, status: SandboxListing['status'] = 'running', server = 'me'): SandboxListing => ({
  id,
  containerId: `pier-${id}`,
  hostname: 'node1',
  network: 'n',
  address: '10.87.0.2',
  image: 'i',
  limits: DEFAULT_LIMITS,
  labels: { [SESSION_LABEL]: session, [SERVER_LABEL]: server },
  createdAt: '',
  status,
});

test('each saved session is kept, ended as expired, or ended as lost', () => {
  const nodes: Record<string, NodeRow[]> = {
    live: [node('live', 'node1', 'a'), node('live', 'node2', 'b')],
    expired: [node('expired', 'node1', 'c')],
    gone: [node('gone', 'node1', 'd')],
    starting: [node('starting', 'node1', null, 'starting')],
    nonet: [],
  };
  const plan = planAdoption({
    rows: [row('live'), row('expired', { expiresAt: NOW }), row('gone'), row('starting'), row('nonet', { networkId: null })],
    nodesOf: (id) => nodes[id] ?? [],
    listing: [sandbox('a', 'live'), sandbox('b', 'live', 'stopped'), sandbox('c', 'expired'), sandbox('x', 'old'), sandbox('y', 'old', 'running', 'someone-else')],
    serverId: 'me',
    now: NOW,
  });
  const summary = plan.sessions.map((f) =>
    f.action === 'end' ? `${f.session.id}: end ${f.reason}` : `${f.session.id}: keep ${f.live.map((l) => l.node.name).join(',')} lost ${f.lost.map((n) => n.name).join(',')}`,
  );
  assert.deepEqual(summary, ['live: keep node1 lost node2', 'expired: end expired', 'gone: end error', 'starting: end error', 'nonet: end expired']);
  assert.deepEqual(plan.orphans, ['x'], "only this server's unclaimed sandboxes");
});

test('warm sandboxes no session names go to the pool; one a session row names is the session’s', () => {
  const warm = (id: string, status: SandboxListing['status'] = 'running'): SandboxListing => ({ ...sandbox(id, ''), labels: { [SERVER_LABEL]: 'me', [POOL_LABEL]: 'k' }, status });
  const plan = planAdoption({
    rows: [row('s')],
    // `w2` was claimed by session s just before a crash: its row names it, its labels do not yet.
    nodesOf: (id) => (id === 's' ? [node('s', 'node1', 'w2')] : []),
    listing: [warm('w1'), warm('w2'), warm('w3', 'stopped'), { ...warm('w4'), labels: { [SERVER_LABEL]: 'other', [POOL_LABEL]: 'k' } }],
    serverId: 'me',
    now: NOW,
  });
  assert.deepEqual(plan.pooled, ['w1']);
  assert.deepEqual(plan.orphans, ['w3'], 'a stopped warm sandbox is an orphan; another server’s is never touched');
  const kept = plan.sessions[0];
  assert.equal(kept?.action, 'keep');
  assert.deepEqual(kept?.action === 'keep' ? kept.live.map((l) => l.sandbox.id) : [], ['w2']);
});
