// interpreterBind: the host folder with pier's static bash, made once and bound read-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_PATHS } from '../layout.js';
import { HOST_STATIC_BASH, interpreterBind, PIER_BIN_DIR } from './interpreter.js';

test('the folder holds a copy of the static bash and sh → bash; a second call keeps the file', async () => {
  const source = HOST_STATIC_BASH.find((p) => existsSync(p));
  assert.ok(source, 'bash-static is installed (scripts/setup.sh installs it)');
  const stateDir = mkdtempSync(path.join(tmpdir(), 'pier-interp-'));
  try {
    const bind = await interpreterBind({ ...DEFAULT_PATHS, stateDir });
    assert.deepEqual(bind, { source: path.join(stateDir, 'interpreter'), destination: PIER_BIN_DIR, readonly: true });
    const bash = path.join(bind.source, 'bash');
    assert.equal(statSync(bash).size, statSync(source).size);
    assert.equal(statSync(bash).mode & 0o777, 0o755);
    assert.equal(readlinkSync(path.join(bind.source, 'sh')), 'bash');
    assert.equal(execFileSync(path.join(bind.source, 'sh'), ['-c', 'echo $((6*7))'], { encoding: 'utf8' }), '42\n');
    const inode = statSync(bash).ino;
    await interpreterBind({ ...DEFAULT_PATHS, stateDir });
    assert.equal(statSync(bash).ino, inode, 'not copied again');
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
});
