// The CVE gate at start-up: on a host whose only usable runtime has known container escapes
// (runc 1.1.5 on this cgroup v1 hybrid machine), `pier up` says so at error level, and with
// requireFixedRuntime it refuses to start. Where the runtime is fixed, the gate lets it start.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { PIER_BIN } from '../helpers/sandbox.js';
import { hostRuntime } from '../../sandbox/index.js';

describe('requireFixedRuntime', rootSuite(), () => {
  test('an affected runtime: pier up refuses to start and names the CVEs', async (t) => {
    const choice = await hostRuntime();
    assert.ok(!('problem' in choice), 'a runtime is installed');
    if (choice.cves.length === 0) {
      // A fixed runtime (crun on v2, a newer runc): the gate must let the server start.
      t.diagnostic(`${choice.name} ${choice.version} has no known escapes here`);
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'pier-gate-'));
    try {
      const env = { ...process.env, PIER_DATABASE: path.join(dir, 'pier.db'), PIER_PORT: '0', PIER_HOST: '127.0.0.1', PIER_REQUIRE_FIXED_RUNTIME: 'true' };
      const r = spawnSync(PIER_BIN, ['up'], { env, encoding: 'utf8', timeout: choice.cves.length > 0 ? 120_000 : 20_000 });
      if (choice.cves.length > 0) {
        assert.equal(r.status, 1, `pier up should refuse: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, /requireFixedRuntime is set, so pier does not start/);
        for (const cve of choice.cves) assert.ok(r.stderr.includes(cve), `${cve} named in: ${r.stderr}`);
        assert.doesNotMatch(r.stdout, /serving/);
      } else {
        assert.match(r.stdout, /pier: serving http/, `pier up should start: ${r.stdout}${r.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
