import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxTty } from '../../sandbox/index.js';
import { TerminalPool, type TerminalMeta } from './terminal-pool.js';

interface Fake {
  n: number;
  exited: boolean;
  closed: string | null;
}

function pool() {
  let opened = 0;
  const p = new TerminalPool<Fake>({
    open: () => ({ n: ++opened, exited: false, closed: null }),
    close: (t, reason) => void (t.closed = reason),
    exited: (t) => t.exited || t.closed !== null,
  });
  return p;
}

const meta: TerminalMeta = { id: 't1', sessionId: 's', node: 'node1', title: 'node1', size: { cols: 80, rows: 24 } };
const spawn = async () => ({}) as SandboxTty;

test('a terminal opens once, even when attached twice at the same time', async () => {
  const p = pool();
  let spawns = 0;
  const counted = async () => (spawns++, spawn());
  const [a, b] = await Promise.all([p.ensure(meta, counted), p.ensure(meta, counted)]);
  assert.equal(a, b);
  assert.equal(spawns, 1);
  assert.equal(await p.ensure(meta, counted), a);
  assert.equal(p.size, 1);
});

test('a terminal whose pty exited is opened again; the old one is closed', async () => {
  const p = pool();
  const first = await p.ensure(meta, spawn);
  first.exited = true;
  assert.equal(p.get('t1'), undefined);
  const second = await p.ensure(meta, spawn);
  assert.notEqual(second, first);
  assert.equal(first.closed, 'closed');
});

test('closing one or all closes their terminals with the reason', async () => {
  const p = pool();
  const a = await p.ensure(meta, spawn);
  const b = await p.ensure({ ...meta, id: 't2' }, spawn);
  p.close('t1', 'reset');
  assert.equal(a.closed, 'reset');
  p.close('nope', 'closed');
  p.closeAll('shutdown');
  assert.equal(b.closed, 'shutdown');
  assert.equal(p.size, 0);
});

test('a failed spawn leaves nothing open', async () => {
  const p = pool();
  await assert.rejects(p.ensure(meta, async () => Promise.reject(new Error('no sandbox'))));
  assert.equal(p.size, 0);
  assert.ok(await p.ensure(meta, spawn));
});
