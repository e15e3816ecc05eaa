// Which runtime pier picks on each host kind, and what it says about runc's 2025 escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseRuntime, describeChoice, RUNC_PROC_RACE_CVES } from './oci-runtime.js';
import { runtimeCheck } from './doctor.js';

const both = { runc: [1, 1, 5], crun: '1.8.1' };

test('auto: crun on pure v2 when installed, runc on hybrid and v1 (crun refuses them)', () => {
  assert.equal((chooseRuntime('auto', 'v2', both) as { name: string }).name, 'crun');
  assert.equal((chooseRuntime('auto', 'hybrid', both) as { name: string }).name, 'runc');
  assert.equal((chooseRuntime('auto', 'v1', both) as { name: string }).name, 'runc');
  assert.equal((chooseRuntime('auto', 'v2', { runc: [1, 1, 5], crun: null }) as { name: string }).name, 'runc');
});

test('runc 1.1.5 carries the 2025 /proc escapes; 1.2.8 and crun do not', () => {
  const old = chooseRuntime('auto', 'hybrid', both);
  assert.ok(!('problem' in old));
  assert.deepEqual(old.cves, [...RUNC_PROC_RACE_CVES]);
  assert.match(describeChoice(old), /KNOWN CONTAINER ESCAPES: CVE-2025-31133, CVE-2025-52565, CVE-2025-52881/);
  assert.equal(runtimeCheck(old).status, 'warn');
  const fixed = chooseRuntime('auto', 'hybrid', { runc: [1, 2, 8], crun: null });
  assert.ok(!('problem' in fixed) && fixed.cves.length === 0);
  const crun = chooseRuntime('auto', 'v2', both);
  assert.ok(!('problem' in crun) && crun.cves.length === 0);
  assert.equal(runtimeCheck(crun).status, 'ok');
});

test('a forced runtime that cannot run here is a problem, and the doctor fails it', () => {
  const r = chooseRuntime('crun', 'hybrid', both);
  assert.ok('problem' in r && /hybrid/.test(r.problem));
  assert.equal(runtimeCheck(r).status, 'fail');
  const none = chooseRuntime('auto', 'v1', { runc: null, crun: null });
  assert.ok('problem' in none);
  assert.equal((chooseRuntime('runc', 'v2', both) as { name: string }).name, 'runc');
});
