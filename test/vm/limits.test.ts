// Sandbox limits on a cgroup v2 host, checked where a user would: the process past the
// limit dies inside while the sandbox lives on, and the v2 files say what the stats say.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { driver, withSandbox, sh, shOk } from '../helpers/sandbox.js';
import { sandboxCgroupPath } from '../../sandbox/index.js';

const MiB = 1024 * 1024;

/** A v2 file of sandbox `id`'s cgroup, as the host reads it. */
function cgroupFile(id: string, name: string): string {
  return readFileSync(path.join('/sys/fs/cgroup', sandboxCgroupPath(id), name), 'utf8');
}

describe('sandbox limits on cgroup v2', () => {
  test('--memory 64m: anonymous memory past it is OOM-killed inside; the sandbox lives on', async () => {
    await withSandbox({ limits: { memoryBytes: 64 * MiB } }, async (s) => {
      assert.equal(cgroupFile(s.id, 'memory.max').trim(), String(64 * MiB));
      const r = await sh(s.id, 'python3 -c "b = bytearray(256 << 20); print(len(b))"; echo "exit=$?"', { timeoutMs: 120_000 });
      assert.match(r.stdout, /exit=137/, `python was not killed: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout, /268435456/);
      const events = cgroupFile(s.id, 'memory.events');
      assert.ok(Number(/^oom_kill (\d+)$/m.exec(events)?.[1] ?? 0) >= 1, `no oom_kill in memory.events: ${events}`);
      assert.equal((await shOk(s.id, 'echo alive')).trim(), 'alive');
      const stats = await driver.stats(s.id);
      assert.equal(stats.memoryLimitBytes, 64 * MiB);
      assert.ok(stats.memoryBytes > 0 && stats.memoryBytes < 64 * MiB, `memoryBytes ${stats.memoryBytes}`);
    });
  });

  test('--pids 64: a fork bomb fills pids.max exactly and the sandbox still answers after', async () => {
    await withSandbox({ limits: { pids: 64 } }, async (s) => {
      assert.equal(cgroupFile(s.id, 'pids.max').trim(), '64');
      await sh(s.id, 'bash -c ":(){ :|:& };:" >/dev/null 2>&1 &', { timeoutMs: 30_000 });
      let most = 0;
      for (let i = 0; i < 300 && most < 64; i++) {
        most = Math.max(most, (await driver.stats(s.id)).pids);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(most, 64, `max pids ${most}`);
      // Failed forks are counted in the leaf where they happened (Linux 6.1) or in the cgroup
      // whose pids.max stopped them (6.12, Debian 13): one of the two saw them.
      const events = `${cgroupFile(s.id, 'pids.events')}\n${cgroupFile(s.id, 'init/pids.events')}`;
      const counted = [...events.matchAll(/^max (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
      assert.ok(counted >= 1, `pids.events of the scope and its leaf: ${events}`);
    });
  });

  test('--cpus 0.5 is cpu.max "50000 100000" and two busy loops get no more than half a CPU', async () => {
    await withSandbox({ limits: { cpus: 0.5 } }, async (s) => {
      assert.equal(cgroupFile(s.id, 'cpu.max').trim(), '50000 100000');
      const before = await driver.stats(s.id);
      const t0 = performance.now();
      await sh(s.id, 'timeout 4 sh -c "yes >/dev/null & yes >/dev/null & wait"', { timeoutMs: 60_000 });
      const wallUsec = (performance.now() - t0) * 1000;
      const used = (await driver.stats(s.id)).cpuUsageUsec - before.cpuUsageUsec;
      assert.ok(used <= 0.5 * wallUsec * 1.2, `used ${(used / 1e6).toFixed(2)} s of CPU in ${(wallUsec / 1e6).toFixed(2)} s`);
      assert.ok(used >= 0.1 * wallUsec, 'the busy loops did not run at all');
      const stat = cgroupFile(s.id, 'cpu.stat');
      assert.ok(Number(/^nr_throttled (\d+)$/m.exec(stat)?.[1] ?? 0) > 0, `never throttled: ${stat}`);
    });
  });

  test('stats come from the v2 files: memory.current, cpu.stat usage_usec, pids.current', async () => {
    await withSandbox({}, async (s) => {
      const stats = await driver.stats(s.id);
      const current = Number(cgroupFile(s.id, 'memory.current'));
      assert.ok(Math.abs(stats.memoryBytes - current) < 16 * MiB, `stats ${stats.memoryBytes} vs memory.current ${current}`);
      const usage = Number(/^usage_usec (\d+)$/m.exec(cgroupFile(s.id, 'cpu.stat'))?.[1]);
      assert.ok(stats.cpuUsageUsec > 0 && stats.cpuUsageUsec <= usage + 1_000_000, `cpu ${stats.cpuUsageUsec} vs ${usage}`);
      assert.equal(stats.pids, Number(cgroupFile(s.id, 'pids.current')));
    });
  });

  test('--disk 128m: writing past it fails with ENOSPC inside', async () => {
    await withSandbox({ limits: { diskBytes: 128 * MiB } }, async (s) => {
      const dd = await sh(s.id, 'dd if=/dev/zero of=/root/f bs=1M count=400', { timeoutMs: 120_000 });
      assert.notEqual(dd.exitCode, 0);
      assert.match(dd.stderr, /No space left on device/);
      assert.equal((await shOk(s.id, 'rm /root/f && echo ok')).trim(), 'ok');
    });
  });
});
