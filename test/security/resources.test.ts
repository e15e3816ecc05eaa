// docs/SECURITY.md attacks 1–7, 9 and 31: a student exhausts what the host shares (pids, threads,
// memory, tmpfs, disk, inodes, CPU, file descriptors, hostname and clock). Each test runs
// the attack from a real sandbox and asserts from outside: the sandbox's cgroup files, host
// processes, host load, another sandbox. limits.test.ts holds the acceptance checks of the
// same limits; these are the attack catalogue.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, statfsSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { driver, sh, shOk, runtime } from '../helpers/sandbox.js';
import {
  CGROUP_MODE,
  MiB,
  cgroupNumber,
  cgroupProcs,
  cgroupRead,
  cgroupDirsOf,
  describeLatencies,
  hostForkMs,
  hostProcess,
  hostThreads,
  waitForNoLeftovers,
  oomKills,
  openShell,
  percentile,
  processFate,
  sandboxDir,
  sleep,
  swapLimit,
  waitFor,
  type HostProcess,
} from '../helpers/host.js';
import type { SandboxCreateSpec, SandboxInfo } from '../../sandbox/index.js';
import { initPid } from '../helpers/init-pid.js';

/** Latency a user still calls responsive on a loaded 2-core CI machine. */
const RESPONSIVE_P95_MS = 500;
/** The host forks and runs `true` within this even under attack. */
const HOST_FORK_MAX_MS = 1000;

/** Sandboxes still to destroy, in case a test fails before its own `finally`. */
const live = new Set<string>();

async function create(spec: Partial<SandboxCreateSpec>): Promise<SandboxInfo> {
  const info = await driver.create({ hostname: 'node1', ...spec });
  live.add(info.id);
  return info;
}

async function destroy(id: string): Promise<void> {
  await driver.destroy(id);
  live.delete(id);
}

/** Runs `fn` on a sandbox of `spec` and destroys it whatever happens. */
async function using<T>(spec: Partial<SandboxCreateSpec>, fn: (s: SandboxInfo) => Promise<T>): Promise<T> {
  const s = await create(spec);
  try {
    return await fn(s);
  } finally {
    await destroy(s.id);
  }
}

/** Calls `sample` every `everyMs` until `work` settles; resolves with work's result. */
async function sampleWhile<T>(work: Promise<T>, sample: () => void | Promise<void>, everyMs = 50): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  while (!done) {
    await sample();
    await Promise.race([settled.catch(() => undefined), sleep(everyMs)]);
  }
  return settled;
}

/** A host process started before an attack: it must outlive it. */
function hostBystander(): { proc: HostProcess; stop: () => void } {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  const proc = hostProcess(child.pid!);
  assert.ok(proc, 'host bystander did not start');
  return { proc, stop: () => child.kill('SIGKILL') };
}

describe('resource attacks (docs/SECURITY.md 1-7, 9, 31)', rootSuite(), () => {
  after(async () => {
    for (const id of live) await driver.destroy(id).catch(() => undefined);
  });

  test('#1 fork bomb: stops at the pids limit, host and bystander stay responsive, the shell recovers, destroy leaves nothing', { timeout: 120_000 }, async () => {
    const PIDS = 64;
    await using({ hostname: 'bystander' }, async (bystander) => {
      const a = await create({ hostname: 'node1', limits: { pids: PIDS } });
      const bShell = await openShell(bystander.id);
      const aShell = await openShell(a.id);
      try {
        const baseline: number[] = [];
        for (let i = 0; i < 10; i++) baseline.push(await bShell.echoMs(5000));
        const threadsBefore = hostThreads();

        // The student's shell: job control gives the bomb a process group of its own.
        await aShell.send('set -m; bash -c ":(){ :|:& };:" >/dev/null 2>&1 & b=$!; echo launched', 'launched', 5000);
        let most = 0;
        let threadsMost = 0;
        const during: number[] = [];
        const hostMs: number[] = [];
        const until = Date.now() + 3000;
        while (Date.now() < until) {
          most = Math.max(most, cgroupNumber(a.id, 'pids.current'));
          threadsMost = Math.max(threadsMost, hostThreads());
          during.push(await bShell.echoMs(5000));
          hostMs.push(hostForkMs());
          await sleep(50);
        }
        const execStart = performance.now();
        assert.equal((await shOk(bystander.id, 'echo ok', { timeoutMs: 10_000 })).trim(), 'ok');
        const execMs = performance.now() - execStart;
        console.log(
          `#1 pids max=${most}/${PIDS}; bystander echo before ${describeLatencies(baseline)}, during ${describeLatencies(during)}; ` +
            `bystander exec ${execMs.toFixed(0)} ms; host fork ${describeLatencies(hostMs)}; host threads ${threadsBefore} -> max ${threadsMost}`,
        );
        assert.equal(most, PIDS, 'the bomb should fill the pids limit exactly');
        assert.equal(cgroupNumber(a.id, 'pids.max'), PIDS);
        assert.ok(percentile(during, 95) < RESPONSIVE_P95_MS, `bystander echo stalled: ${describeLatencies(during)}`);
        assert.ok(Math.max(...hostMs) < HOST_FORK_MAX_MS, `host stalled: ${describeLatencies(hostMs)}`);
        assert.ok(threadsMost - threadsBefore < 1000, `host tasks grew from ${threadsBefore} to ${threadsMost}`);

        // The student recovers with builtins only (no fork is possible): kill the group.
        const t = performance.now();
        const out = await aShell.send('n=0; while kill -9 -- -$b 2>/dev/null; do n=$((n+1)); done; wait; echo "rounds $n"; echo recovered', 'recovered', 10_000);
        const pidsAfter = cgroupNumber(a.id, 'pids.current');
        console.log(`#1 recovery in ${(performance.now() - t).toFixed(0)} ms (${out.trim().split('\n')[0]}), pids now ${pidsAfter}`);
        assert.ok(pidsAfter <= 4, `processes left after killing the bomb: ${pidsAfter}`);
        assert.equal((await shOk(a.id, 'echo ok', { timeoutMs: 10_000 })).trim(), 'ok', 'the sandbox did not recover');

        // The blunt cure a student reaches for: kill every process they can (kill -1 spares
        // the caller and the sandbox's init). The sandbox must survive it.
        const init = hostProcess((await initPid(a.id)) ?? -1);
        assert.ok(init, 'no init');
        await aShell.send('bash -c ":(){ :|:& };:" >/dev/null 2>&1 & echo relaunched', 'relaunched', 5000);
        assert.ok(await waitFor(() => cgroupNumber(a.id, 'pids.current') >= PIDS - 4, 5000), 'the bomb did not grow again');
        const blunt = await aShell
          .send('n=0; while kill -9 -1 2>/dev/null; do n=$((n+1)); done; wait; echo "rounds $n"; echo recovered', 'recovered', 10_000)
          .catch((err: Error) => `the shell died: ${err.message}`);
        const status = (await driver.list()).find((l) => l.id === a.id)?.status;
        console.log(`#1 kill -9 -1: ${blunt.trim().split('\n')[0]}; sandbox ${status}, init ${processFate(init)}, pids ${cgroupNumber(a.id, 'pids.current')}`);
        assert.equal(processFate(init), 'running', "kill -9 -1 inside ended the sandbox's init");
        assert.equal(status, 'running');
        assert.equal((await shOk(a.id, 'echo ok', { timeoutMs: 10_000 })).trim(), 'ok', 'the sandbox did not survive kill -9 -1');

        // Again, and this time the sandbox is reset from outside while the bomb runs.
        await aShell.send('bash -c ":(){ :|:& };:" >/dev/null 2>&1 & echo relaunched', 'relaunched', 5000);
        assert.ok(await waitFor(() => cgroupNumber(a.id, 'pids.current') >= PIDS - 4, 5000), 'the second bomb did not grow');
        const procs = cgroupProcs(a.id)
          .map(hostProcess)
          .filter((p): p is HostProcess => p !== null);
        const destroyStart = performance.now();
        await destroy(a.id);
        const destroyMs = performance.now() - destroyStart;
        // The init's zombie waits for the host's init to reap it (see waitForNoLeftovers).
        await waitFor(() => procs.every((p) => processFate(p) === 'gone'), 5000);
        const left = procs.filter((p) => processFate(p) !== 'gone');
        console.log(`#1 destroy under a live bomb: ${destroyMs.toFixed(0)} ms, ${procs.length} host processes pinned, ${left.length} left`);
        assert.deepEqual(left, [], 'processes of the destroyed sandbox remain on the host');
        assert.deepEqual(cgroupDirsOf(a.id), []);
        assert.deepEqual((await waitForNoLeftovers([a.id])).left, [], 'host objects of the destroyed sandbox remain');
        assert.equal(await driver.get(a.id), null);

        const afterwards: number[] = [];
        for (let i = 0; i < 10; i++) afterwards.push(await bShell.echoMs(5000));
        assert.ok(percentile(afterwards, 95) < RESPONSIVE_P95_MS, `bystander slow after the reset: ${describeLatencies(afterwards)}`);
      } finally {
        await aShell.close();
        await bShell.close();
        if (live.has(a.id)) await destroy(a.id);
      }
    });
  });

  test('#2 thread bomb: the pids limit counts threads', { timeout: 60_000 }, async () => {
    const PIDS = 128;
    await using({ limits: { pids: PIDS } }, async (s) => {
      const threadsBefore = hostThreads();
      // Each thread waits on an event: the threads live until the bomb has stopped and the
      // host has looked at them.
      const script = [
        'import threading, time',
        'ev = threading.Event()',
        'n = 0',
        'try:',
        '    for _ in range(100_000):',
        '        threading.Thread(target=ev.wait, daemon=True).start()',
        '        n += 1',
        'except RuntimeError as e:',
        '    print("stopped", n, e, flush=True)',
        'time.sleep(2)',
        'ev.set()',
        'print("started", n, flush=True)',
      ].join('\n');
      let most = 0;
      let tasksAtMost = 0;
      let threadsMost = 0;
      const run = sh(s.id, `python3 -c '${script}'`, { timeoutMs: 30_000 });
      const r = await sampleWhile(run, () => {
        try {
          const n = cgroupNumber(s.id, 'pids.current');
          if (n > most) {
            most = n;
            tasksAtMost = cgroupRead(s.id, 'tasks').split('\n').filter(Boolean).length;
          }
        } catch {
          /* read raced the process exiting */
        }
        threadsMost = Math.max(threadsMost, hostThreads());
      });
      const started = Number(/started (\d+)/.exec(r.stdout)?.[1] ?? NaN);
      console.log(`#2 ${r.stdout.trim().replace(/\n/g, '; ')}; pids.current max=${most}/${PIDS} (tasks listed then: ${tasksAtMost}); host threads ${threadsBefore} -> max ${threadsMost}`);
      assert.match(r.stdout, /stopped \d+ can't start new thread/, `the bomb was not stopped: ${JSON.stringify(r)}`);
      // init, its sleep, sh and python's main thread hold 4 of the 128.
      assert.ok(started < PIDS && started >= PIDS - 8, `started ${started} threads with a limit of ${PIDS} tasks`);
      assert.equal(most, PIDS, 'pids.current should reach the limit: threads count');
      assert.ok(tasksAtMost >= PIDS - 2, `the cgroup listed ${tasksAtMost} tasks at pids.current=${most}`);
      assert.ok(threadsMost - threadsBefore < PIDS + 1000, `host threads grew from ${threadsBefore} to ${threadsMost}`);
      assert.equal((await shOk(s.id, 'echo ok')).trim(), 'ok');
      assert.ok(cgroupNumber(s.id, 'pids.current') <= 4, 'threads left behind');
    });
  });

  test('#3 memory hog: OOM kill at the limit stays inside, no swap', { timeout: 60_000 }, async () => {
    const LIMIT = 256 * MiB;
    const host = hostBystander();
    try {
      await using({ limits: { memoryBytes: LIMIT } }, async (s) => {
        const pid = await initPid(s.id);
        assert.ok(pid, 'no init pid');
        const init = hostProcess(pid)!;

        // Swap 0: memory+swap is capped at the memory limit (v1), or swap.max is 0 (v2).
        const swap = swapLimit(s.id);
        assert.equal(cgroupNumber(s.id, 'memory.limit'), LIMIT);
        if (swap) assert.equal(swap.value, CGROUP_MODE === 'v2' ? 0 : LIMIT, `${swap.file}`);
        else assert.match(readFileSync('/proc/meminfo', 'utf8'), /^SwapTotal:\s+0 kB$/m, 'no swap accounting on this kernel, yet the host has swap');

        // The table's exact command: refused (OOM-killed, or MemoryError when the host's
        // overcommit heuristic refuses 8 GiB outright).
        const big = await sh(s.id, 'python3 -c "b=bytearray(8<<30); print(len(b))"; echo "exit=$?"', { timeoutMs: 30_000 });
        assert.match(big.stdout, /exit=(137|1)\b/, JSON.stringify(big));
        assert.doesNotMatch(big.stdout, /8589934592/);
        if (/exit=1\b/.test(big.stdout)) assert.match(big.stderr, /MemoryError/);

        // Growing step by step always meets the cgroup's OOM killer.
        const killsBefore = oomKills(s.id);
        const grow = await sh(s.id, 'python3 -c "\nl = []\nwhile True: l.append(bytearray(16 << 20))"; echo "exit=$?"', { timeoutMs: 30_000 });
        const kills = oomKills(s.id) - killsBefore;
        const peak = cgroupNumber(s.id, 'memory.peak');
        console.log(`#3 8 GiB: ${big.stdout.trim()}; stepwise: ${grow.stdout.trim()}; sandbox oom_kill +${kills}; peak ${(peak / MiB).toFixed(1)} MiB of ${LIMIT / MiB}`);
        assert.match(grow.stdout, /exit=137/, JSON.stringify(grow));
        assert.ok(kills >= 1, 'the OOM kill was not counted in the sandbox\'s cgroup');
        assert.ok(peak <= LIMIT, `peak ${peak} over the limit`);

        assert.equal(processFate(init), 'running', "the sandbox's init was killed");
        assert.equal((await driver.list()).find((l) => l.id === s.id)?.status, 'running');
        assert.equal((await shOk(s.id, 'echo alive')).trim(), 'alive');
        assert.ok(cgroupNumber(s.id, 'memory.usage') < LIMIT / 2, 'memory not released after the kill');
      });
      assert.equal(processFate(host.proc), 'running', 'a host process was killed');
    } finally {
      host.stop();
    }
  });

  test('#4 tmpfs memory: /dev/shm stops at its size; any tmpfs is charged to the memory limit', { timeout: 60_000 }, async () => {
    const LIMIT = 192 * MiB;
    const SHM = 64 * MiB;
    const host = hostBystander();
    try {
      await using({ limits: { memoryBytes: LIMIT, shmBytes: SHM } }, async (s) => {
        const dd = await sh(s.id, 'dd if=/dev/zero of=/dev/shm/x bs=1M count=8000; echo "exit=$?"; stat -c %s /dev/shm/x', { timeoutMs: 30_000 });
        assert.match(dd.stderr, /No space left on device/, JSON.stringify(dd));
        assert.match(dd.stdout, /exit=1\n/);
        const size = Number(dd.stdout.trim().split('\n').pop());
        const charged = cgroupNumber(s.id, 'memory.usage');
        console.log(`#4 /dev/shm file ${size / MiB} MiB; sandbox memory while it exists ${(charged / MiB).toFixed(1)} MiB`);
        assert.equal(size, SHM);
        assert.ok(charged >= SHM, `the /dev/shm file is not charged to the sandbox: usage ${charged}`);
        await shOk(s.id, 'rm /dev/shm/x');

        // /dev is a tmpfs too, with its own small size.
        const dev = await sh(s.id, 'dd if=/dev/zero of=/dev/x bs=1M count=8000; echo "exit=$?"; stat -c %s /dev/x; rm -f /dev/x', { timeoutMs: 30_000 });
        assert.match(dev.stderr, /No space left on device/, JSON.stringify(dev));
        assert.ok(Number(dev.stdout.trim().split('\n').pop()) <= 64 * MiB, dev.stdout);

        // A tmpfs the student mounts with a huge size: the memory limit bounds it.
        const killsBefore = oomKills(s.id);
        const own = await sh(
          s.id,
          'mkdir -p /mnt/t && mount -t tmpfs -o size=100g none /mnt/t && dd if=/dev/zero of=/mnt/t/x bs=1M count=8000; echo "exit=$?"; stat -c %s /mnt/t/x',
          { timeoutMs: 30_000 },
        );
        const peak = cgroupNumber(s.id, 'memory.peak');
        const written = Number(own.stdout.trim().split('\n').pop());
        console.log(`#4 own tmpfs: ${own.stdout.trim().replace(/\n/g, '; ')}; peak ${(peak / MiB).toFixed(1)} MiB of ${LIMIT / MiB}; oom_kill +${oomKills(s.id) - killsBefore}`);
        assert.match(own.stdout, /exit=(137|1)\n/, JSON.stringify(own));
        assert.ok(written < LIMIT, `wrote ${written} bytes to tmpfs with a ${LIMIT}-byte memory limit`);
        assert.ok(peak <= LIMIT, `peak ${peak} over the limit`);
        await shOk(s.id, 'rm /mnt/t/x && umount /mnt/t');
        assert.equal((await shOk(s.id, 'echo alive')).trim(), 'alive');
      });
      assert.equal(processFate(host.proc), 'running', 'a host process was killed');
    } finally {
      host.stop();
    }
  });

  test('#5 disk fill: the overlay root, /tmp, /root and podman storage share one disk limit', { timeout: 90_000 }, async () => {
    const DISK = 128 * MiB;
    await using({ limits: { diskBytes: DISK } }, async (s) => {
      const hostBefore = statfsSync(runtime.paths.stateDir);
      // Through the overlay root (its upper layer lives on the sandbox's disk).
      const fill = await sh(s.id, 'dd if=/dev/zero of=/var/x bs=1M count=400; echo "exit=$?"; stat -c %s /var/x', { timeoutMs: 60_000 });
      assert.match(fill.stderr, /No space left on device/, JSON.stringify(fill));
      const filled = Number(fill.stdout.trim().split('\n').pop());
      // Every other writable place is the same disk: full too.
      const others: Record<string, string> = {
        '/tmp': 'dd if=/dev/zero of=/tmp/y bs=1M count=10',
        '/root': 'dd if=/dev/zero of=/root/y bs=1M count=10',
        '/var/lib/containers': 'dd if=/dev/zero of=/var/lib/containers/y bs=1M count=10',
        '/etc (copy-up)': 'fallocate -l 10M /etc/y',
      };
      const refused: string[] = [];
      for (const [where, cmd] of Object.entries(others)) {
        const r = await sh(s.id, cmd, { timeoutMs: 30_000 });
        if (r.exitCode !== 0 && /No space left on device/.test(r.stderr)) refused.push(where);
      }
      const image = statSync(path.join(sandboxDir(s.id), 'disk.img'));
      const hostAfter = statfsSync(runtime.paths.stateDir);
      const hostUsed = (hostBefore.bavail - hostAfter.bavail) * hostAfter.bsize;
      const stats = await driver.stats(s.id);
      console.log(
        `#5 /var/x ${(filled / MiB).toFixed(1)} MiB; refused after: ${refused.join(', ')}; disk.img allocates ${((image.blocks * 512) / MiB).toFixed(1)} MiB; ` +
          `host free space -${(hostUsed / MiB).toFixed(1)} MiB; stats ${(stats.diskUsedBytes / MiB).toFixed(1)}/${(stats.diskLimitBytes / MiB).toFixed(1)} MiB`,
      );
      assert.ok(filled > DISK * 0.75 && filled <= DISK, `filled ${filled} of ${DISK}`);
      assert.deepEqual(refused, Object.keys(others), 'a writable place is not on the sandbox\'s disk');
      assert.ok(image.blocks * 512 <= DISK + MiB, `disk.img allocates ${image.blocks * 512} bytes on the host`);
      assert.ok(hostUsed < DISK + 32 * MiB, `host lost ${hostUsed} bytes`);
      // Freeing space on one path frees it for the others.
      await shOk(s.id, 'rm /var/x && dd if=/dev/zero of=/tmp/y bs=1M count=50 2>/dev/null && rm /tmp/y', { timeoutMs: 30_000 });
    });
  });

  test('#6 inode exhaustion: /tmp and the overlay root share the disk\'s inode limit', { timeout: 90_000 }, async () => {
    const INODES = 4096;
    await using({ limits: { inodes: INODES } }, async (s) => {
      const hostBefore = statfsSync(runtime.paths.stateDir).ffree;
      const r = await sh(s.id, 'mkdir /tmp/many && cd /tmp/many && seq 1 10000 | xargs touch', { timeoutMs: 60_000 });
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /No space left on device/);
      const made = Number((await shOk(s.id, 'ls /tmp/many | wc -l')).trim());
      const disk = statfsSync(path.join(sandboxDir(s.id), 'disk'));
      const others: Record<string, string> = {
        '/var (overlay)': 'touch /var/y',
        '/etc (mkdir)': 'mkdir /etc/newdir',
        '/etc/motd (copy-up)': 'echo x >> /etc/motd',
        '/root': 'touch /root/y',
        '/dev/shm': 'touch /dev/shm/y',
      };
      const refused: string[] = [];
      for (const [where, cmd] of Object.entries(others)) {
        const o = await sh(s.id, cmd, { timeoutMs: 10_000 });
        if (o.exitCode !== 0 && /No space left on device/.test(o.stderr)) refused.push(where);
      }
      const hostLost = hostBefore - statfsSync(runtime.paths.stateDir).ffree;
      console.log(`#6 ${made} files in /tmp/many; disk inodes ${disk.files} total, ${disk.ffree} free; refused after: ${refused.join(', ')}; host inodes -${hostLost}`);
      assert.ok(made < INODES, `${made} files with ${INODES} inodes`);
      assert.ok(disk.files <= INODES, `the disk has ${disk.files} inodes`);
      assert.equal(disk.ffree, 0);
      // /dev/shm is a tmpfs of its own (bounded by its size and memory), not the disk.
      assert.deepEqual(refused, ['/var (overlay)', '/etc (mkdir)', '/etc/motd (copy-up)', '/root']);
      assert.ok(hostLost < 100, `the host lost ${hostLost} inodes`);
      await shOk(s.id, 'rm -rf /tmp/many && touch /var/y', { timeoutMs: 30_000 });
    });
  });

  test('#7 CPU hog: a sandbox with cpus=1 busy on every core leaves another sandbox responsive', { timeout: 90_000 }, async () => {
    await using({ hostname: 'bystander' }, async (b) => {
      await using({ hostname: 'hog', limits: { cpus: 1 } }, async (a) => {
        const bShell = await openShell(b.id);
        try {
          // `sh -c true` timed inside the bystander with bash's clock (no fork to read it).
          const probe = `bash -c 'for i in $(seq 30); do s=\${EPOCHREALTIME/./}; sh -c true; e=\${EPOCHREALTIME/./}; echo $((e-s)); sleep 0.05; done'`;
          const parse = (out: string) => out.trim().split('\n').map((us) => Number(us) / 1000);
          const baseline = parse(await shOk(b.id, probe, { timeoutMs: 30_000 }));
          const echoBefore: number[] = [];
          for (let i = 0; i < 10; i++) echoBefore.push(await bShell.echoMs(5000));

          const cores = Number((await shOk(a.id, 'nproc')).trim());
          const throttledBefore = Number(/^nr_throttled (\d+)$/m.exec(cgroupRead(a.id, 'cpu.stat'))?.[1]);
          const before = await driver.stats(a.id);
          const t0 = performance.now();
          const hog = sh(a.id, `timeout 8 sh -c 'for i in $(seq ${cores}); do yes >/dev/null & done; wait'`, { timeoutMs: 20_000 });
          await sleep(500);
          const during = parse(await shOk(b.id, probe, { timeoutMs: 30_000 }));
          const echoDuring: number[] = [];
          const hostMs: number[] = [];
          for (let i = 0; i < 20; i++) {
            echoDuring.push(await bShell.echoMs(5000));
            hostMs.push(hostForkMs());
            await sleep(50);
          }
          const mid = await driver.stats(a.id);
          const wallUs = (performance.now() - t0) * 1000;
          await hog;
          const used = mid.cpuUsageUsec - before.cpuUsageUsec;
          const throttled = Number(/^nr_throttled (\d+)$/m.exec(cgroupRead(a.id, 'cpu.stat'))?.[1]) - throttledBefore;
          console.log(
            `#7 ${cores} x yes in a cpus=1 sandbox used ${(used / wallUs).toFixed(2)} cores over ${(wallUs / 1e6).toFixed(1)} s, throttled ${throttled} periods; ` +
              `bystander sh -c true before ${describeLatencies(baseline)}, during ${describeLatencies(during)}; ` +
              `bystander echo before ${describeLatencies(echoBefore)}, during ${describeLatencies(echoDuring)}; host fork ${describeLatencies(hostMs)}`,
          );
          assert.equal(during.length, 30);
          assert.ok(used <= wallUs * 1.15, `the hog used ${(used / wallUs).toFixed(2)} cores with cpus=1`);
          assert.ok(used >= wallUs * 0.3, 'the hog barely ran: the measurement is void');
          if (cores > 1) assert.ok(throttled > 0, 'the CPU quota never throttled the hog');
          assert.ok(percentile(during, 95) < RESPONSIVE_P95_MS, `bystander sh -c true: ${describeLatencies(during)}`);
          assert.ok(percentile(echoDuring, 95) < RESPONSIVE_P95_MS, `bystander echo: ${describeLatencies(echoDuring)}`);
          assert.ok(Math.max(...hostMs) < HOST_FORK_MAX_MS, `host fork: ${describeLatencies(hostMs)}`);
        } finally {
          await bShell.close();
        }
      });
    });
  });

  test('#9 fd exhaustion: sockets stop at RLIMIT_NOFILE, which cannot be raised', { timeout: 60_000 }, async () => {
    const NOFILE = 4096;
    await using({ limits: { nofile: NOFILE } }, async (s) => {
      const script = [
        'import socket, errno, resource, time',
        'socks = []',
        'try:',
        '    while len(socks) < 1_000_000:',
        '        socks.append(socket.socket())',
        'except OSError as e:',
        '    print("stopped", len(socks), errno.errorcode[e.errno], flush=True)',
        'try:',
        '    resource.setrlimit(resource.RLIMIT_NOFILE, (1 << 20, 1 << 20))',
        '    print("raised", flush=True)',
        'except (ValueError, OSError) as e:',
        '    print("refused", e, flush=True)',
        'print("limit", resource.getrlimit(resource.RLIMIT_NOFILE), flush=True)',
        'time.sleep(2)',
      ].join('\n');
      let mostFds = 0;
      let limitsLine = '';
      let execOk = false;
      const r = await sampleWhile(sh(s.id, `python3 -c '${script}'`, { timeoutMs: 30_000 }), async () => {
        for (const pid of cgroupProcs(s.id)) {
          try {
            const n = readdirSync(`/proc/${pid}/fd`).length;
            if (n > mostFds) {
              mostFds = n;
              limitsLine = /^Max open files.*$/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'))?.[0] ?? '';
            }
          } catch {
            /* exited meanwhile */
          }
        }
        // While the fds are exhausted, the server can still exec into the sandbox.
        if (mostFds >= NOFILE - 16 && !execOk) execOk = (await sh(s.id, 'echo ok', { timeoutMs: 10_000 })).stdout === 'ok\n';
      }, 100);
      const stopped = Number(/stopped (\d+) EMFILE/.exec(r.stdout)?.[1] ?? NaN);
      const ulimit = await sh(s.id, 'ulimit -n 1048576; echo "soft=$?"; ulimit -Hn 1048576; echo "hard=$?"; ulimit -n; ulimit -Hn; prlimit --nofile=1048576 true; echo "prlimit=$?"');
      console.log(`#9 ${r.stdout.trim().replace(/\n/g, '; ')}; most fds seen from the host ${mostFds} (${limitsLine.replace(/\s+/g, ' ')}); ulimit: ${ulimit.stdout.trim().replace(/\n/g, ' ')}`);
      assert.ok(stopped <= NOFILE - 3 && stopped >= NOFILE - 16, `python opened ${stopped} sockets: ${JSON.stringify(r)}`);
      assert.match(r.stdout, /^refused /m, 'setrlimit raised the hard limit');
      assert.match(r.stdout, /limit \(4096, 4096\)/);
      assert.ok(mostFds <= NOFILE && mostFds >= NOFILE - 16, `host saw ${mostFds} fds in one process`);
      assert.match(limitsLine, /^Max open files\s+4096\s+4096\s+files/);
      assert.ok(execOk, 'exec into the sandbox failed while its fds were exhausted');
      assert.match(ulimit.stdout, /^soft=[1-9]/m);
      assert.match(ulimit.stdout, /^hard=[1-9]/m);
      assert.match(ulimit.stdout, /^4096\n4096\n/m);
      assert.match(ulimit.stdout, /^prlimit=[1-9]/m);
    });
  });

  test('#31 hostname and clock: hostname changes only inside; the clock cannot be set', { timeout: 60_000 }, async () => {
    const hostName = osHostname();
    const hostUts = ['hostname', 'domainname'].map((f) => readFileSync(`/proc/sys/kernel/${f}`, 'utf8'));
    await using({ hostname: 'other' }, async (other) => {
      await using({ hostname: 'node1' }, async (s) => {
        const wall0 = Date.now();
        const mono0 = performance.now();
        const set = await sh(s.id, 'hostname x && hostname && cat /proc/sys/kernel/hostname && domainname y && domainname');
        assert.equal(set.stdout, 'x\nx\ny\n', JSON.stringify(set));
        const clock = await sh(
          s.id,
          [
            "date -s '2001-01-01'; echo \"date=$?\"",
            'python3 -c "import time; time.clock_settime(time.CLOCK_REALTIME, 978307200)"; echo "clock_settime=$?"',
            'python3 -c "import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); tv = (ctypes.c_long * 2)(978307200, 0); print(\'settimeofday\', libc.settimeofday(tv, None), os.strerror(ctypes.get_errno()))"',
            'date +%s',
          ].join('\n'),
        );
        const wallDrift = Date.now() - wall0 - (performance.now() - mono0);
        const insideNow = Number(clock.stdout.trim().split('\n').pop()) * 1000;
        console.log(`#31 ${clock.stdout.trim().replace(/\n/g, '; ')}; ${clock.stderr.trim().replace(/\n/g, '; ')}; host wall-vs-monotonic drift ${wallDrift.toFixed(1)} ms`);
        assert.match(clock.stdout, /^date=1$/m);
        assert.match(clock.stderr, /cannot set date: Operation not permitted/);
        assert.match(clock.stdout, /^clock_settime=1$/m);
        assert.match(clock.stderr, /PermissionError/);
        assert.match(clock.stdout, /^settimeofday -1 Operation not permitted$/m);
        assert.ok(Math.abs(insideNow - Date.now()) < 5000, `the sandbox's clock reads ${new Date(insideNow).toISOString()}`);
        assert.ok(Math.abs(wallDrift) < 1000, `the host's clock jumped by ${wallDrift} ms`);

        assert.equal(osHostname(), hostName, "the host's hostname changed");
        assert.deepEqual(['hostname', 'domainname'].map((f) => readFileSync(`/proc/sys/kernel/${f}`, 'utf8')), hostUts);
        assert.equal((await shOk(other.id, 'hostname; domainname')).trim(), 'other\n(none)', "another sandbox's hostname changed");
        assert.equal((await shOk(s.id, 'hostname')).trim(), 'x', 'the change did not hold inside');
      });
    });
  });
});
