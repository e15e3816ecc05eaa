// Nested containers on a cgroup v2 host get real per-container limits: the sandbox's
// delegated subtree lets dockerd (daemon-v2.json: cgroupfs driver) make a cgroup per container, so
// `docker run --memory 32m` OOM-kills inside that container while the sandbox lives on, and
// `docker stats` shows each container's own usage. Everything stays under the sandbox's limits.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { driver, sh, shOk, show } from '../helpers/sandbox.js';
import { loadOffline } from '../helpers/docker.js';
import type { SandboxInfo } from '../../sandbox/index.js';

const MiB = 1024 * 1024;
/** One docker command under TCG emulation: slow, so generous. */
const CMD_MS = 240_000;

describe('nested docker with per-container cgroups', () => {
  let s: SandboxInfo;
  before(async () => {
    s = await driver.create({ hostname: 'node1', limits: { memoryBytes: 512 * MiB } });
    await loadOffline(s.id, ['busybox:latest']);
  });
  after(async () => {
    if (s) await driver.destroy(s.id);
  });

  test('the sandbox owns its subtree: its root holds no process and delegates cpu, memory, pids', async () => {
    const out = await shOk(s.id, 'cat /proc/self/cgroup; cat /sys/fs/cgroup/cgroup.subtree_control; cat /sys/fs/cgroup/cgroup.procs | wc -l; stat -c %u /sys/fs/cgroup');
    const [cg, subtree, procs, owner] = out.trim().split('\n');
    assert.equal(cg, '0::/init');
    for (const c of ['cpu', 'memory', 'pids']) assert.ok(subtree?.split(' ').includes(c), `subtree_control: ${subtree}`);
    assert.equal(procs?.trim(), '0');
    assert.equal(owner, '0', 'the sandbox root owns its cgroup');
  });

  test('docker run --memory 32m: the container is OOM-killed inside it; the sandbox lives on', async () => {
    // The big allocation dies, the container's shell lives on: its own cgroup counts the kill.
    const script = [
      `docker run -d --name oomer --network none --memory 32m busybox sh -c 'dd if=/dev/zero of=/dev/null bs=128M count=1; echo dd-exit=$?; sleep 600' >/dev/null`,
      'for i in $(seq 1 600); do docker logs oomer 2>&1 | grep -q dd-exit && break; sleep 0.5; done',
      'docker logs oomer 2>&1',
      'id=$(docker inspect -f "{{.Id}}" oomer)',
      'for d in $(find /sys/fs/cgroup -type d -name "*$id*"); do echo "$d $(cat $d/memory.max) $(grep oom_kill $d/memory.events)"; done',
      'docker rm -f oomer >/dev/null',
    ].join('\n');
    const r = await sh(s.id, script, { timeoutMs: CMD_MS });
    assert.match(r.stdout, /dd-exit=137/, show(r));
    // The container's cgroup, below the sandbox's: limit 32 MiB, one OOM kill.
    assert.match(r.stdout, new RegExp(`^/sys/fs/cgroup/\\S+ ${32 * MiB} oom_kill [1-9]`, 'm'), show(r));
    assert.equal((await shOk(s.id, 'echo alive')).trim(), 'alive');
    const ok = await sh(s.id, 'docker run --rm --network none --memory 32m busybox sh -c "dd if=/dev/zero of=/dev/null bs=8M count=1 && echo small-fits"', { timeoutMs: CMD_MS });
    assert.match(ok.stdout, /small-fits/, show(ok));
  });

  test('docker stats shows per-container memory use against the container limit', async () => {
    await shOk(s.id, 'docker run -d --name hog --network none --memory 48m busybox sh -c "head -c 20m /dev/zero | tail > /dev/null & sleep 600" >/dev/null', { timeoutMs: CMD_MS });
    try {
      const r = await sh(s.id, 'docker stats --no-stream --format "{{.Name}} {{.MemUsage}}" hog', { timeoutMs: CMD_MS });
      assert.equal(r.exitCode, 0, show(r));
      // e.g. "hog 21.5MiB / 48MiB": the limit shown is the container's own 48 MiB.
      assert.match(r.stdout, /^hog \S+ \/ 48MiB$/m, show(r));
      assert.doesNotMatch(r.stderr, /not enforced/, 'no "not enforced" note where limits are');
      assert.match((await shOk(s.id, 'docker top hog', { timeoutMs: CMD_MS })), /sleep 600/);
    } finally {
      await sh(s.id, 'docker rm -f hog', { timeoutMs: CMD_MS });
    }
  });
});
