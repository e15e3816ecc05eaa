// Acceptance 4: memory, pids, disk and CPU limits hold, and what happens stays inside.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statfsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { rootSuite } from '../helpers/root.js';
import { driver, withSandbox, sh, shOk, runtime } from '../helpers/sandbox.js';

const MiB = 1024 * 1024;

/** Host answers a trivial command quickly: it was not starved. */
function hostResponsive(): number {
  const t = performance.now();
  execFileSync('true');
  return performance.now() - t;
}

describe('sandbox limits', rootSuite(), () => {
  test('a process allocating past --memory is OOM-killed inside; the sandbox lives on', async () => {
    await withSandbox({ limits: { memoryBytes: 128 * MiB } }, async (s) => {
      const r = await sh(s.id, 'python3 -c "b = bytearray(512 << 20); print(len(b))"; echo "exit=$?"');
      assert.match(r.stdout, /exit=137/, `python was not killed: ${r.stdout}${r.stderr}`);
      assert.doesNotMatch(r.stdout, /536870912/);
      assert.equal((await shOk(s.id, 'echo alive')).trim(), 'alive');
      const stats = await driver.stats(s.id);
      assert.equal(stats.memoryLimitBytes, 128 * MiB);
      assert.ok(stats.memoryBytes < 128 * MiB);
    });
  });

  test('a fork bomb stops at --pids; host and other sandboxes stay responsive; reset clears it', async () => {
    await withSandbox({ hostname: 'bystander' }, async (other) => {
      const bomb = await driver.create({ hostname: 'node1', limits: { pids: 64 } });
      try {
        // The bomb's first shell returns at once; its children go on multiplying.
        await sh(bomb.id, 'bash -c ":(){ :|:& };:" >/dev/null 2>&1 &', { timeoutMs: 3000 });
        let most = 0;
        for (let i = 0; i < 40 && most < 64; i++) {
          most = Math.max(most, (await driver.stats(bomb.id)).pids);
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(most, 64, `the bomb should fill the limit exactly, max pids=${most}`);
        assert.ok(hostResponsive() < 2000, 'host stalled');
        assert.equal((await shOk(other.id, 'echo ok')).trim(), 'ok', 'another sandbox stalled');
      } finally {
        await driver.destroy(bomb.id);
      }
      assert.equal(await driver.get(bomb.id), null);
    });
  });

  test('writing past --disk fails with ENOSPC while the host keeps its free space', async () => {
    await withSandbox({ limits: { diskBytes: 128 * MiB } }, async (s) => {
      const before = statfsSync(runtime.paths.stateDir);
      const fa = await sh(s.id, 'fallocate -l 500G /root/big');
      assert.match(fa.stderr, /No space left on device/, JSON.stringify(fa));
      assert.notEqual(fa.exitCode, 0);
      const dd = await sh(s.id, 'dd if=/dev/zero of=/root/f bs=1M count=400', { timeoutMs: 60_000 });
      assert.notEqual(dd.exitCode, 0);
      assert.match(dd.stderr, /No space left on device/);
      const after = statfsSync(runtime.paths.stateDir);
      const usedOnHost = (before.bavail - after.bavail) * after.bsize;
      assert.ok(usedOnHost < 160 * MiB, `host lost ${Math.round(usedOnHost / MiB)} MiB for a 128 MiB disk`);
      const stats = await driver.stats(s.id);
      assert.ok(stats.diskLimitBytes <= 128 * MiB && stats.diskLimitBytes > 100 * MiB);
    });
  });

  test('inode exhaustion stops at the disk inode limit', async () => {
    await withSandbox({ limits: { inodes: 4096 } }, async (s) => {
      const r = await sh(s.id, 'mkdir -p /root/many && cd /root/many && seq 1 10000 | xargs touch', { timeoutMs: 60_000 });
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /No space left on device/);
      const n = Number((await shOk(s.id, 'ls /root/many | wc -l')).trim());
      assert.ok(n < 4096, `${n} files created with 4096 inodes`);
    });
  });

  test('CPU use stays within --cpus', async () => {
    await withSandbox({ limits: { cpus: 0.5 } }, async (s) => {
      const before = await driver.stats(s.id);
      const t0 = performance.now();
      await sh(s.id, 'timeout 3 sh -c "yes >/dev/null & yes >/dev/null & wait"', { timeoutMs: 10_000 });
      const wallUsec = (performance.now() - t0) * 1000;
      const used = (await driver.stats(s.id)).cpuUsageUsec - before.cpuUsageUsec;
      // Two busy loops would use two cores; the quota allows half of one.
      assert.ok(used <= 0.5 * wallUsec * 1.2, `used ${(used / 1e6).toFixed(2)} s of CPU in ${(wallUsec / 1e6).toFixed(2)} s`);
      assert.ok(used >= 0.1 * wallUsec, 'the busy loops did not run at all');
    });
  });
});
