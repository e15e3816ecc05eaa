// Terminal recordings over a real SQLite store and real files: a pty's output becomes a row
// and an asciicast file (mode 0600, in the recordings folder), the row is finished with its
// size; a row a killed process left open is closed from its file at start; retention removes
// old rows and files, rows whose session is gone, and stray files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { openStore } from '../../store/store.js';
import { Recordings } from './recordings.js';

const DAY = 86_400_000;
const S1 = '1'.repeat(32);
const T1 = 'a'.repeat(32);

function fixture() {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-recordings-'));
  const store = openStore(':memory:');
  let now = Date.now();
  store.insertSession({ id: S1, owner: 'o'.repeat(32), createdAt: now, expiresAt: now + DAY, lessonId: null, networkId: null });
  const make = () => new Recordings({ store, dir: path.join(dir, 'recordings'), maxBytes: 1 << 20, retentionMs: 14 * DAY, log: pino({ level: 'silent' }), now: () => now });
  return { dir, store, make, advance: (ms: number) => (now += ms), done: () => (store.close(), rmSync(dir, { recursive: true, force: true })) };
}

test('a pty recorded: row, file 0600 in the folder, finished with its size', () => {
  const f = fixture();
  const rec = f.make();
  rec.init();
  assert.equal(statSync(path.join(f.dir, 'recordings')).mode & 0o777, 0o700);
  const tap = rec.start({ id: T1, sessionId: S1, node: 'node1', title: 'node1', size: { cols: 80, rows: 24 } });
  assert.ok(tap);
  f.advance(1500);
  tap.output(Buffer.from('$ echo hi\r\nhi\r\n'));
  const [row] = f.store.recordingsOfSession(S1);
  assert.ok(row);
  assert.equal(row.endedAt, null);
  assert.ok((rec.liveBytes(row.id) ?? 0) > 0, 'the header is written at once');
  tap.end();
  tap.end();
  const done = f.store.getRecording(row.id)!;
  const file = rec.fileOf(done);
  assert.equal(path.dirname(file), path.join(f.dir, 'recordings'));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(done.bytes, statSync(file).size);
  assert.equal(done.truncated, false);
  assert.ok(done.endedAt !== null);
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8').split('\n')[1]!), [1.5, 'o', '$ echo hi\r\nhi\r\n']);
  assert.equal(rec.liveBytes(row.id), null);
  rec.close();
  f.done();
});

test('start-up closes rows left open and retention removes old, orphaned and stray recordings', () => {
  const f = fixture();
  const first = f.make();
  first.init();
  const left = first.start({ id: T1, sessionId: S1, node: 'node1', title: 'node1', size: { cols: 80, rows: 24 } });
  left?.output(Buffer.from('x'));
  // The process dies here: no end(); a new one starts.
  const [open] = f.store.recordingsOfSession(S1);
  const second = f.make();
  second.init();
  const closed = f.store.getRecording(open!.id)!;
  assert.ok(closed.endedAt !== null, 'closed at start');
  assert.equal(closed.bytes, statSync(second.fileOf(closed)).size);

  // An orphan: its session row is gone (ended sessions are pruned after 7 days).
  f.store.insertSession({ id: '2'.repeat(32), owner: 'p'.repeat(32), createdAt: 0, expiresAt: 1, lessonId: null, networkId: null });
  second.start({ id: 'b'.repeat(32), sessionId: '3'.repeat(32), node: 'node1', title: 'x', size: { cols: 80, rows: 24 } })?.end();
  const stray = path.join(f.dir, 'recordings', `${'c'.repeat(32)}.cast`);
  writeFileSync(stray, '{}\n');
  assert.equal(second.prune(), 1, 'the orphan only: the others are young');
  assert.ok(existsSync(stray), 'a young stray file stays');
  f.advance(15 * DAY);
  const oldTime = new Date(Date.now() - 30 * DAY);
  utimesSync(stray, oldTime, oldTime);
  assert.equal(second.prune(), 2, 'the old recording and the stray file');
  assert.equal(f.store.getRecording(open!.id), null);
  assert.equal(existsSync(second.fileOf(closed)), false);
  assert.equal(existsSync(stray), false);
  second.close();
  f.done();
});
