// Unit test of the doctor's isolation lines (reads this host's sysctls; needs no root).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkIsolation } from './isolation-checks.js';

test('doctor reports the pool (size, host ids, in use), the helper, idmapped mounts and the host totals', async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'pier-doctor-'));
  try {
    await mkdir(path.join(stateDir, 'uidranges', '3'), { recursive: true });
    await writeFile(path.join(stateDir, 'uidranges', '3', 'sandbox'), '0123456789');
    const checks = await checkIsolation({ stateDir, runcRoot: path.join(stateDir, 'runc') }, 'per-sandbox', 16);
    assert.deepEqual(checks.map((c) => c.name), ['uid ranges', 'pier-idmap', 'idmapped mounts', 'shared kernel limits']);
    assert.match(checks[0]?.detail ?? '', /^per-sandbox: 16 ranges of 65536 \(host ids 1000000000\.\.1001048575\), 1 in use$/);
    const shared = await checkIsolation({ stateDir, runcRoot: path.join(stateDir, 'runc') }, 'shared', 16);
    assert.equal(shared[0]?.status, 'warn');
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
});
