import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import { acquireLock, LOCK_STALE_MS, pidAlive } from './lock.js';

function tempLock(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'build.lock');
}

/** A pid that surely belongs to no process: one that just exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

test('pidAlive', () => {
  assert.equal(pidAlive(process.pid), true);
  assert.equal(pidAlive(1), true);
  assert.equal(pidAlive(deadPid()), false);
  assert.equal(pidAlive(Number.NaN), false);
  assert.equal(pidAlive(0), false);
});

test('acquireLock writes our pid, and release removes it', async (t) => {
  const file = tempLock(t);
  const release = await acquireLock(file);
  assert.equal(readFileSync(file, 'utf8').trim(), String(process.pid));
  release();
  assert.equal(existsSync(file), false);
});

test("a dead process's lock is taken over", async (t) => {
  const file = tempLock(t);
  writeFileSync(file, `${deadPid()}\n`);
  const release = await acquireLock(file, { onWait: () => assert.fail('must not wait for a dead pid') });
  assert.equal(readFileSync(file, 'utf8').trim(), String(process.pid));
  release();
});

test('a lock older than LOCK_STALE_MS is taken over even if its pid lives', async (t) => {
  const file = tempLock(t);
  writeFileSync(file, '1\n');
  const old = (Date.now() - LOCK_STALE_MS - 60_000) / 1000;
  utimesSync(file, old, old);
  (await acquireLock(file))();
});

test('a live lock makes the second caller wait until it is released', async (t) => {
  const file = tempLock(t);
  const release = await acquireLock(file);
  const waitedFor: number[] = [];
  const second = acquireLock(file, { onWait: (pid) => waitedFor.push(pid) });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(waitedFor, [process.pid]);
  release();
  const release2 = await second;
  assert.equal(readFileSync(file, 'utf8').trim(), String(process.pid));
  release2();
});

test('waiting gives up after waitMs with IMAGE_BUILD_FAILED', async (t) => {
  const file = tempLock(t);
  writeFileSync(file, '1\n'); // init: alive, and fresh
  await assert.rejects(acquireLock(file, { waitMs: 0 }), (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED') && /pid 1/.test(e.message));
});
