// `pier admin create` run as a child process against a fresh database: it makes an admin
// whose password verifies, refuses a taken name and a short password, and never echoes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyPassword } from '../../server/classroom/passwords.ts';
import { Store } from '../../server/store/store.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const RUN = `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(process.argv.slice(1));`;

function pierAdmin(db: string, args: string[], stdin: string) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', RUN, 'admin', ...args], {
    input: stdin,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', PIER_DATABASE: db, PIER_CONFIG: path.join(path.dirname(db), 'config.json'), PIER_STATE_DIR: path.dirname(db) },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('pier admin create makes an admin in the configured database', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-admin-'));
  try {
    const db = path.join(dir, 'pier.db');
    // An empty config file of the test's own, so the host's /etc/pier/config.json is not read.
    writeFileSync(path.join(dir, 'config.json'), '{}');
    const ok = pierAdmin(db, ['create', '--username', 'Head-Admin', '--password-stdin'], 'a-long-password-1\n');
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /created the administrator "head-admin"/);
    assert.doesNotMatch(ok.out, /a-long-password-1/);
    const taken = pierAdmin(db, ['create', '--username', 'head-admin', '--password-stdin'], 'another-password-2\n');
    assert.equal(taken.code, 1);
    assert.match(taken.out, /taken/);
    const short = pierAdmin(db, ['create', '--username', 'second', '--password-stdin'], 'short\n');
    assert.equal(short.code, 2);
    assert.match(short.out, /at least 10 characters/);
    const store = Store.open(db);
    try {
      const users = store.listUsers();
      assert.deepEqual(users.map((u) => [u.username, u.role]), [['head-admin', 'admin']]);
      assert.equal(await verifyPassword('a-long-password-1', users[0]!.passwordHash), true);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
