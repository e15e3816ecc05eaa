import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diffTrees } from './diff.js';

test('diffTrees: new, changed, re-moded and re-linked entries; unchanged ones and removals apart', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'pier-diff-'));
  try {
    const base = path.join(root, 'base');
    const derived = path.join(root, 'derived');
    for (const t of [base, derived]) {
      mkdirSync(path.join(t, 'etc'), { recursive: true });
      mkdirSync(path.join(t, 'usr/bin'), { recursive: true });
      writeFileSync(path.join(t, 'usr/bin/same'), 'x');
      utimesSync(path.join(t, 'usr/bin/same'), 1000, 1000);
      writeFileSync(path.join(t, 'etc/regenerated'), 'same bytes');
      symlinkSync('/bin/a', path.join(t, 'usr/bin/link'));
      writeFileSync(path.join(t, 'etc/mode'), 'm');
    }
    utimesSync(path.join(derived, 'etc/regenerated'), 2000, 2000); // same content, other mtime: not a change
    writeFileSync(path.join(base, 'etc/passwd'), 'root\n');
    writeFileSync(path.join(derived, 'etc/passwd'), 'root\nnginx\n');
    writeFileSync(path.join(base, 'etc/shadowish'), 'aaaa');
    writeFileSync(path.join(derived, 'etc/shadowish'), 'bbbb');
    utimesSync(path.join(derived, 'etc/shadowish'), 3000, 3000);
    chmodSync(path.join(derived, 'etc/mode'), 0o600);
    rmSync(path.join(derived, 'usr/bin/link'));
    symlinkSync('/bin/b', path.join(derived, 'usr/bin/link'));
    mkdirSync(path.join(derived, 'etc/nginx'));
    writeFileSync(path.join(derived, 'etc/nginx/nginx.conf'), 'conf');
    writeFileSync(path.join(base, 'etc/gone'), 'g');

    const diff = diffTrees(base, derived);
    assert.deepEqual(diff.changed.sort(), ['./etc/mode', './etc/nginx', './etc/nginx/nginx.conf', './etc/passwd', './etc/shadowish', './usr/bin/link'].sort());
    assert.deepEqual(diff.removed, ['./etc/gone']);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
