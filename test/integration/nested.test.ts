// Acceptance 3: a student can use the namespace and mount tools inside, confined there.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { rootSuite } from '../helpers/root.js';
import { driver, sh, shOk } from '../helpers/sandbox.js';
import type { SandboxInfo } from '../../sandbox/index.js';

describe('namespace tools inside a sandbox', rootSuite(), () => {
  let s: SandboxInfo;
  before(async () => {
    s = await driver.create({ hostname: 'node1' });
  });
  after(async () => {
    if (s) await driver.destroy(s.id);
  });

  test('unshare --pid --fork --mount-proc: the command is PID 1', async () => {
    const out = await shOk(s.id, 'unshare --pid --fork --mount-proc sh -c "echo \\$\\$; ps -e -o pid=,comm="');
    const [self, ...procs] = out.trim().split('\n').map((l) => l.trim());
    assert.equal(self, '1');
    assert.deepEqual(procs, ['1 sh', '2 ps'], 'the outer sandbox\'s catatonit and sleep are invisible');
  });

  test('unshare --user --map-root-user: a nested user namespace', async () => {
    const out = await shOk(s.id, 'unshare --user --map-root-user sh -c "id -u; cat /proc/self/uid_map"');
    const [uid, map] = out.trim().split('\n');
    assert.equal(uid, '0');
    assert.match(map ?? '', /^\s*0\s+0\s+1$/);
  });

  test('unshare --net: only lo', async () => {
    const out = await shOk(s.id, 'unshare --net ip -o link show | cut -d: -f2');
    assert.deepEqual(out.trim().split('\n').map((l) => l.trim()), ['lo']);
  });

  test('ip link add: a veth pair appears inside, not on the host', async () => {
    await shOk(s.id, 'ip link add pt0 type veth peer name pt1 && ip link set pt0 up');
    const inside = await shOk(s.id, 'ip -o link show');
    assert.match(inside, /pt0@pt1/);
    const host = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    assert.doesNotMatch(host, /\bpt0@/);
    await shOk(s.id, 'ip link del pt0');
  });

  test('mount -t tmpfs: visible inside only', async () => {
    await shOk(s.id, 'mkdir -p /mnt/t && mount -t tmpfs -o size=8m tmpfs /mnt/t && echo hi > /mnt/t/f');
    assert.equal((await shOk(s.id, 'cat /mnt/t/f')).trim(), 'hi');
    const hostMounts = execFileSync('cat', ['/proc/self/mountinfo'], { encoding: 'utf8' });
    assert.doesNotMatch(hostMounts, / \/mnt\/t /);
    await shOk(s.id, 'umount /mnt/t');
  });

  test('mount -t overlay in the home directory: copy-on-write works', async () => {
    const out = await shOk(
      s.id,
      'cd /root && mkdir -p lower upper work merged && echo base > lower/a && ' +
        'mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged && ' +
        'echo changed > merged/a && cat lower/a upper/a && umount merged',
    );
    assert.deepEqual(out.trim().split('\n'), ['base', 'changed']);
  });

  test('nested namespaces stay inside: the host keeps its hostname', async () => {
    const before = execFileSync('hostname', { encoding: 'utf8' });
    const r = await sh(s.id, 'unshare --uts sh -c "hostname inner && hostname"; hostname');
    assert.equal(r.stdout, 'inner\nnode1\n');
    assert.equal(execFileSync('hostname', { encoding: 'utf8' }), before);
    assert.notEqual(readlinkSync('/proc/self/ns/uts'), (await shOk(s.id, 'readlink /proc/self/ns/uts')).trim());
  });
});
