// The guest is the host kind schools run: systemd as PID 1, pure cgroup v2, and pier's own
// checks (`pier doctor`) say so, with the sandbox cgroups in a subtree systemd delegates.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statfsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { PIER_BIN, withSandbox } from '../helpers/sandbox.js';
import { DEFAULT_HOST_RESERVE, hostTotals, parentLimits } from '../../sandbox/index.js';

const CGROUP2_SUPER_MAGIC = 0x63677270;

/** One line of `pier doctor --json`. */
interface Check {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

function doctor(): Check[] {
  // Exit 1 means a required check failed; the JSON is printed either way.
  let out: string;
  try {
    out = execFileSync(PIER_BIN, ['doctor', '--json'], { encoding: 'utf8', timeout: 300_000 });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    out = String(e.stdout ?? '');
    if (!out.trim().startsWith('[')) throw new Error(`pier doctor --json printed no JSON: ${e.message} ${e.stderr ?? ''}`);
  }
  return JSON.parse(out) as Check[];
}

describe('the guest host', () => {
  test('systemd is PID 1 and /sys/fs/cgroup is the unified cgroup v2 hierarchy', () => {
    assert.equal(readFileSync('/proc/1/comm', 'utf8').trim(), 'systemd');
    assert.equal(statfsSync('/sys/fs/cgroup').type, CGROUP2_SUPER_MAGIC);
    const controllers = readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8').trim().split(' ');
    for (const c of ['cpu', 'memory', 'pids', 'io']) assert.ok(controllers.includes(c), `controller ${c} in ${controllers.join(' ')}`);
  });

  test('pier doctor reports cgroup v2 and systemd delegation, and no failed check', () => {
    const checks = doctor();
    const byName = new Map(checks.map((c) => [c.name, c]));
    assert.match(byName.get('cgroups')?.detail ?? '', /cgroup v2/, JSON.stringify(byName.get('cgroups')));
    const delegation = byName.get('cgroup delegation');
    assert.equal(delegation?.status, 'ok', JSON.stringify(delegation));
    assert.match(delegation?.detail ?? '', /systemd/);
    assert.deepEqual(checks.filter((c) => c.status === 'fail'), []);
    // crun where it is installed on pure v2: no known escapes, so no warning about them.
    const runtime = byName.get('runtime');
    assert.equal(runtime?.status, 'ok', JSON.stringify(runtime));
    assert.match(runtime?.detail ?? '', /^crun /);
  });

  test('every sandbox is under pier.slice, whose limits (set through systemd) leave the host reserve (docs/SECURITY.md 47)', async () => {
    const want = parentLimits(hostTotals(), DEFAULT_HOST_RESERVE);
    await withSandbox({}, async (s) => {
      const slice = '/sys/fs/cgroup/pier.slice';
      assert.equal(Number(readFileSync(`${slice}/memory.max`, 'utf8').trim()), want.memoryBytes, 'pier.slice memory.max');
      assert.equal(Number(readFileSync(`${slice}/pids.max`, 'utf8').trim()), want.pids, 'pier.slice pids.max');
      const [quota, period] = readFileSync(`${slice}/cpu.max`, 'utf8').trim().split(' ').map(Number);
      assert.equal(quota! / period!, Math.round(want.cpus * 100) / 100, 'pier.slice cpu.max');
      // The sandbox's own scope is a child of the slice, so the slice's limits bound it too.
      const scopes = execFileSync('find', [slice, '-maxdepth', '1', '-name', `pier-${s.id}.scope`], { encoding: 'utf8' }).trim();
      assert.equal(scopes, `${slice}/pier-${s.id}.scope`);
    });
  });
});
