import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore } from './store.js';
import { MIGRATIONS } from './schema.js';
import { isServerError } from '../errors.js';

function tempFile(): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-store-'));
  return { file: path.join(dir, 'pier.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const session = (id: string, owner = 'o1') => ({ id, owner, createdAt: 1000, expiresAt: 5000, lessonId: null, networkId: 'abcdef0123' });

test('a new database gets the schema, WAL and mode 0600; reopening keeps rows', (t) => {
  const { file, cleanup } = tempFile();
  t.after(cleanup);
  const store = openStore(file);
  assert.equal(store.version, MIGRATIONS.length);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  store.insertSession(session('s1'));
  store.putNode('s1', 'node1', 'aaaaaaaaaa', 'running');
  store.insertTerminal({ id: 't1', sessionId: 's1', node: 'node1', title: 'node1', createdAt: 1000 });
  store.close();

  const again = openStore(file);
  t.after(() => again.close());
  const raw = new Database(file, { readonly: true });
  assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
  raw.close();
  assert.deepEqual(again.getSession('s1'), {
    id: 's1',
    owner: 'o1',
    createdAt: 1000,
    expiresAt: 5000,
    extendedCount: 0,
    lessonId: null,
    networkId: 'abcdef0123',
    endedAt: null,
    endedReason: null,
    classId: null,
    memberId: null,
  });
  assert.deepEqual(again.nodesOf('s1'), [{ sessionId: 's1', name: 'node1', sandboxId: 'aaaaaaaaaa', status: 'running' }]);
  assert.equal(again.terminalsOf('s1').length, 1);
});

test('sessions end once, live ones are listed, ended ones pruned with their rows', (t) => {
  const store = openStore(':memory:');
  t.after(() => store.close());
  store.insertSession(session('s1'));
  store.insertSession(session('s2'));
  store.putNode('s2', 'node1', null, 'starting');
  store.putNode('s2', 'node1', 'bbbbbbbbbb', 'running');
  store.insertTerminal({ id: 't2', sessionId: 's2', node: 'node1', title: 'node1', createdAt: 1 });
  store.setSessionExpiry('s1', 9000, 1);
  store.endSession('s2', 2000, 'idle');
  store.endSession('s2', 3000, 'expired'); // already ended: unchanged
  assert.deepEqual(store.liveSessions().map((s) => s.id), ['s1']);
  assert.equal(store.getSession('s1')?.expiresAt, 9000);
  assert.equal(store.getSession('s1')?.extendedCount, 1);
  assert.equal(store.getSession('s2')?.endedAt, 2000);
  assert.equal(store.getSession('s2')?.endedReason, 'idle');
  assert.deepEqual(store.nodesOf('s2'), [{ sessionId: 's2', name: 'node1', sandboxId: 'bbbbbbbbbb', status: 'running' }]);
  assert.equal(store.pruneEnded(2500), 1);
  assert.equal(store.getSession('s2'), null);
  assert.deepEqual(store.nodesOf('s2'), []);
  assert.equal(store.getTerminal('t2'), null);
  assert.equal(store.getSession('nope'), null);
});

test('meta values round-trip; terminals are deleted by id', (t) => {
  const store = openStore(':memory:');
  t.after(() => store.close());
  assert.equal(store.getMeta('server_id'), null);
  store.setMeta('server_id', 'x');
  store.setMeta('server_id', 'y');
  assert.equal(store.getMeta('server_id'), 'y');
  store.insertSession(session('s1'));
  store.insertTerminal({ id: 't1', sessionId: 's1', node: 'node1', title: 'node1', createdAt: 1 });
  store.insertTerminal({ id: 't2', sessionId: 's1', node: 'node1', title: 'node1 #2', createdAt: 2 });
  store.deleteTerminal('t1');
  assert.deepEqual(store.terminalsOf('s1').map((r) => r.id), ['t2']);
});

test('a row that does not parse is STATE_CORRUPT; a newer schema is refused', (t) => {
  const { file, cleanup } = tempFile();
  t.after(cleanup);
  openStore(file).close();
  const raw = new Database(file);
  raw.prepare("INSERT INTO sessions (id, owner, created_at, expires_at, ended_at, ended_reason) VALUES ('bad', 'o', 1, 2, 3, 'exploded')").run();
  raw.close();
  const store = openStore(file);
  assert.throws(() => store.getSession('bad'), (err: unknown) => isServerError(err, 'STATE_CORRUPT'));
  store.close();
  const newer = new Database(file);
  newer.pragma(`user_version = ${MIGRATIONS.length + 1}`);
  newer.close();
  assert.throws(() => openStore(file), (err: unknown) => isServerError(err, 'STATE_CORRUPT') && /newer/.test(err.message));
});

test('lesson progress is per owner, idempotent, survives reopening, and a version-1 database gains the table', (t) => {
  const { file, cleanup } = tempFile();
  t.after(cleanup);
  // A database from before lesson progress (schema version 1) is migrated in place.
  const old = new Database(file);
  old.exec(MIGRATIONS[0]!);
  old.pragma('user_version = 1');
  old.close();
  const store = openStore(file);
  assert.equal(store.version, MIGRATIONS.length);
  store.markStepPassed('alice', 'l1', 2, 1000);
  store.markStepPassed('alice', 'l1', 1, 2000);
  store.markStepPassed('alice', 'l1', 1, 3000);
  store.markStepPassed('alice', 'l2', 1, 4000);
  store.markStepPassed('bob', 'l1', 3, 5000);
  store.close();
  const again = openStore(file);
  t.after(() => again.close());
  assert.deepEqual(again.passedSteps('alice', 'l1'), [1, 2]);
  assert.deepEqual(again.passedSteps('bob', 'l1'), [3]);
  assert.deepEqual(again.passedSteps('carol', 'l1'), []);
  assert.deepEqual([...again.progressOf('alice')], [['l1', [1, 2]], ['l2', [1]]]);
});

test('a step passed after Solve is recorded as solved, apart from passes of ones own', (t) => {
  const { file, cleanup } = tempFile();
  t.after(cleanup);
  const store = openStore(file);
  t.after(() => store.close());
  store.stepPassed('alice', 'l1', 1, 1000); // her own pass
  store.stepSolved('alice', 'l1', 2, 2000); // Solve, then its check passes
  store.stepPassed('alice', 'l1', 2, 2100);
  store.stepSolved('alice', 'l1', 3, 3000); // Solve whose check failed: not passed, not solved
  store.stepSolved('bob', 'l1', 1, 4000);
  store.stepPassed('bob', 'l1', 1, 4100);
  assert.deepEqual(store.passedSteps('alice', 'l1'), [1, 2]);
  assert.deepEqual(store.solvedSteps('alice', 'l1'), [2]);
  assert.deepEqual([...store.solvedOf('alice')], [['l1', [2]]]);
  assert.deepEqual(store.solvedSteps('bob', 'l1'), [1]);
  assert.deepEqual(store.solvedSteps('carol', 'l1'), []);
  assert.equal(store.cellOf('alice', 'l1', 1).solved, false);
  assert.equal(store.cellOf('alice', 'l1', 2).solved, true);
});
