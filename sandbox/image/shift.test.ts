import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, linkSync, lstatSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import { requireRoot } from '../../test/helpers/root.js';
import { shiftedId, shiftOwnership } from './shift.js';

const RANGE = { base: 100_000, count: 65_536 };

test('shiftedId: inside 0..count shifts, inside the range stays, else throws', () => {
  const cases: Array<[number, number | null]> = [
    [0, 100_000],
    [42, 100_042],
    [65_534, 165_534],
    [100_000, null],
    [165_535, null],
  ];
  for (const [id, want] of cases) assert.equal(shiftedId(id, RANGE, 'f'), want, String(id));
  for (const bad of [65_536, 99_999, 165_536]) {
    assert.throws(() => shiftedId(bad, RANGE, '/x'), (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED') && /\/x/.test(e.message));
  }
});

test('shiftOwnership shifts files, dirs and symlinks once, keeping setuid bits', (t) => {
  if (!requireRoot(t)) return;
  const top = mkdtempSync(path.join(tmpdir(), 'pier-shift-'));
  t.after(() => rmSync(top, { recursive: true, force: true }));
  const root = path.join(top, 'tree');
  const outside = path.join(top, 'outside');
  writeFileSync(outside, 'host file');
  chownSync(outside, 0, 0);
  mkdirSync(path.join(root, 'etc'), { recursive: true });
  const file = path.join(root, 'etc', 'plain');
  const setuid = path.join(root, 'passwd');
  const setgid = path.join(root, 'chage');
  const link = path.join(root, 'link');
  const shifted = path.join(root, 'already');
  const user = path.join(root, 'user-file');
  writeFileSync(file, 'x'.repeat(10_000));
  linkSync(file, path.join(root, 'hardlink'));
  writeFileSync(setuid, '');
  chmodSync(setuid, 0o4755);
  writeFileSync(setgid, '');
  chownSync(setgid, 0, 42);
  chmodSync(setgid, 0o2755);
  symlinkSync(outside, link); // an absolute link out of the tree: lchown must not follow it
  writeFileSync(shifted, '');
  chownSync(shifted, 100_005, 100_007);
  writeFileSync(user, '');
  chownSync(user, 1000, 1000);

  const stats = shiftOwnership(root, RANGE);
  const owner = (p: string) => { const s = lstatSync(p); return [s.uid, s.gid]; };
  assert.deepEqual(owner(root), [100_000, 100_000]);
  assert.deepEqual(owner(path.join(root, 'etc')), [100_000, 100_000]);
  assert.deepEqual(owner(file), [100_000, 100_000]);
  assert.deepEqual(owner(setuid), [100_000, 100_000]);
  assert.equal(statSync(setuid).mode & 0o7777, 0o4755, 'setuid bit restored after chown');
  assert.deepEqual(owner(setgid), [100_000, 100_042]);
  assert.equal(statSync(setgid).mode & 0o7777, 0o2755, 'setgid bit restored after chown');
  assert.deepEqual(owner(link), [100_000, 100_000], 'the symlink itself is shifted');
  assert.deepEqual(owner(outside), [0, 0], "the symlink's target is untouched");
  assert.deepEqual(owner(shifted), [100_005, 100_007], 'an already shifted file is not shifted again');
  assert.deepEqual(owner(user), [101_000, 101_000]);
  assert.equal(stats.files, 9); // root, etc, plain, hardlink, passwd, chage, link, already, user-file
  assert.equal(stats.shifted, 7); // not `already`, and `hardlink` was shifted through `plain`
  assert.ok(stats.sizeBytes >= 10_000 && stats.sizeBytes < 20_000 + 8 * 4096 * 2, `hard link counted once: ${stats.sizeBytes}`);

  const again = shiftOwnership(root, RANGE);
  assert.equal(again.shifted, 0, 'a second run changes nothing');
  assert.equal(statSync(setuid).mode & 0o7777, 0o4755);
});

test('shiftOwnership refuses an owner no sandbox can map', (t) => {
  if (!requireRoot(t)) return;
  const root = mkdtempSync(path.join(tmpdir(), 'pier-shift-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  writeFileSync(path.join(root, 'odd'), '');
  chownSync(path.join(root, 'odd'), 70_000, 0);
  assert.throws(() => shiftOwnership(root, RANGE), (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED') && /odd.*70000/.test(e.message));
});

test('shiftOwnership needs a directory', () => {
  const top = mkdtempSync(path.join(tmpdir(), 'pier-shift-'));
  try {
    writeFileSync(path.join(top, 'f'), '');
    assert.throws(() => shiftOwnership(path.join(top, 'f'), RANGE), (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED'));
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
});
