import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import { writeRecipeFiles } from './customize.js';

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-customize-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('writes, replaces and appends files with their modes, creating parents', (t) => {
  const top = tempRoot(t);
  const root = path.join(top, 'rootfs');
  mkdirSync(path.join(root, 'root'), { recursive: true });
  mkdirSync(path.join(root, 'etc'));
  writeFileSync(path.join(root, 'root/.bashrc'), '# debian\n');
  writeFileSync(path.join(root, 'etc/motd'), 'old\n', { mode: 0o600 });
  writeRecipeFiles(root, [
    { path: '/etc/motd', content: 'new\n', mode: 0o644 },
    { path: '/root/.bashrc', content: 'PS1=x\n', mode: 0o644, append: true },
    { path: '/etc/containers/nodocker', content: '', mode: 0o644 },
  ]);
  assert.equal(readFileSync(path.join(root, 'etc/motd'), 'utf8'), 'new\n');
  assert.equal(statSync(path.join(root, 'etc/motd')).mode & 0o777, 0o644);
  assert.equal(readFileSync(path.join(root, 'root/.bashrc'), 'utf8'), '# debian\nPS1=x\n');
  assert.equal(readFileSync(path.join(root, 'etc/containers/nodocker'), 'utf8'), '');
  assert.equal(statSync(path.join(root, 'etc/containers')).mode & 0o777, 0o755);
});

test('refuses to follow a symlink out of the tree', (t) => {
  const top = tempRoot(t);
  const root = path.join(top, 'rootfs');
  const host = path.join(top, 'host-etc');
  mkdirSync(root);
  mkdirSync(host);
  symlinkSync(host, path.join(root, 'etc')); // an absolute link, as in a real tree
  writeFileSync(path.join(host, 'motd'), 'host\n');
  assert.throws(() => writeRecipeFiles(root, [{ path: '/etc/motd', content: 'x', mode: 0o644 }]), (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED'));
  assert.equal(readFileSync(path.join(host, 'motd'), 'utf8'), 'host\n');

  mkdirSync(path.join(root, 'root'));
  symlinkSync(path.join(host, 'motd'), path.join(root, 'root/.bashrc'));
  assert.throws(() => writeRecipeFiles(root, [{ path: '/root/.bashrc', content: 'x', mode: 0o644, append: true }]), (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED'));
  assert.equal(readFileSync(path.join(host, 'motd'), 'utf8'), 'host\n');
});

test('refuses paths that are not absolute and normal', (t) => {
  const root = tempRoot(t);
  for (const bad of ['etc/motd', '/etc/../motd', '/', '/etc//motd']) {
    assert.throws(() => writeRecipeFiles(root, [{ path: bad, content: '', mode: 0o644 }]), (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED'), bad);
  }
});
