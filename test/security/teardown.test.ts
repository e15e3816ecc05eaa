// docs/SECURITY.md attacks 30 and 40: nothing a student starts outlives their sandbox, and
// creating and destroying many sandboxes at once leaves nothing on the host. Checked from
// outside: host processes pinned by pid and start time, and every host object named after
// the sandboxes' ids. lifecycle.test.ts holds the sequential create/destroy cycles; this is
// the concurrent and adversarial side.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { rootSuite } from '../helpers/root.js';
import { driver, sh, shOk } from '../helpers/sandbox.js';
import {
  cgroupProcs,
  hostProcess,
  hostProcessesMatching,
  waitForNoLeftovers,
  processFate,
  sleep,
  waitFor,
  type HostProcess,
} from '../helpers/host.js';
import type { RunResult, SandboxInfo } from '../../sandbox/index.js';

/** Sandboxes and networks still to remove, in case a test fails before its own cleanup. */
const live = new Set<string>();
const liveNetworks = new Set<string>();

/** A classic daemon: fork, setsid, fork again, cwd /, stdio on /dev/null, then exec. */
const DAEMON_PY = `
import os, sys
name = sys.argv[1]
if os.fork():
    sys.exit(0)
os.setsid()
if os.fork():
    os._exit(0)
os.chdir("/")
fd = os.open("/dev/null", os.O_RDWR)
for i in (0, 1, 2):
    os.dup2(fd, i)
os.execvp("sleep", [name, "1d"])
`;
import { initPid as initPidOf } from '../helpers/init-pid.js';

describe('teardown attacks (docs/SECURITY.md 30, 40)', rootSuite(), () => {
  after(async () => {
    for (const id of live) await driver.destroy(id).catch(() => undefined);
    for (const id of liveNetworks) await driver.destroyNetwork(id).catch(() => undefined);
  });

  test('#30 survive teardown: setsid, double-fork daemons, nested pid and user namespaces, open sessions all die with the sandbox', { timeout: 60_000 }, async () => {
    const s: SandboxInfo = await driver.create({ hostname: 'node1' });
    live.add(s.id);
    try {
      // Each survivor renames itself (argv[0]) with a token the host can find it by.
      const token = `survivor-${randomBytes(4).toString('hex')}`;
      const kinds = ['setsid', 'daemon', 'pidns', 'userns', 'userpidns', 'stopped', 'escapee'];
      const written = await sh(s.id, 'cat > /tmp/daemon.py', { input: DAEMON_PY });
      assert.equal(written.exitCode, 0, written.stderr);
      const launch = [
        `T=${token}`,
        // Immune to hangup and termination, in a session of its own.
        `setsid nohup bash -c "trap '' HUP TERM INT; exec -a $T-setsid sleep 1d" >/dev/null 2>&1 &`,
        `python3 /tmp/daemon.py $T-daemon`,
        // pid 1 of a nested pid namespace, and nested user namespaces (root there too).
        `unshare --pid --fork --mount-proc bash -c "exec -a $T-pidns sleep 1d" >/dev/null 2>&1 &`,
        `unshare --user --map-root-user bash -c "exec -a $T-userns sleep 1d" >/dev/null 2>&1 &`,
        `unshare --user --map-root-user --pid --fork bash -c "exec -a $T-userpidns sleep 1d" >/dev/null 2>&1 &`,
        // Stopped (once it has exec'd): it acts on no signal but SIGKILL. In a session of
        // its own, so that this shell's exit does not SIGHUP its orphaned process group.
        `setsid bash -c "exec -a $T-stopped sleep 1d" >/dev/null 2>&1 & p=$!`,
        `until [ "$(cat /proc/$p/comm)" = sleep ]; do sleep 0.05; done; kill -STOP $p`,
        // Tries to leave the sandbox's cgroup for the root one before it settles.
        `bash -c "for f in /sys/fs/cgroup/*/cgroup.procs /sys/fs/cgroup/cgroup.procs; do echo \\$\\$ > \\$f; done 2>/dev/null; exec -a $T-escapee sleep 1d" >/dev/null 2>&1 &`,
        'echo launched',
      ].join('\n');
      assert.equal((await shOk(s.id, launch, { timeoutMs: 15_000 })).trim(), 'launched');

      // Sessions still open at teardown: a command running to completion, and a terminal.
      const running: Promise<RunResult> = driver.run(s.id, { cmd: ['sleep', '86400'], timeoutMs: 120_000 });
      const term = await driver.execTty(s.id, { cmd: ['/bin/bash'], size: { cols: 80, rows: 24 } });
      const termExit = new Promise<number>((r) => term.onExit((e) => r(e.exitCode)));

      const survivors = new Map<string, HostProcess>();
      const found = await waitFor(() => {
        for (const p of hostProcessesMatching(token)) {
          const kind = kinds.find((k) => p.cmdline.startsWith(`${token}-${k} `));
          if (kind) survivors.set(kind, p);
        }
        return survivors.size === kinds.length;
      }, 10_000);
      assert.ok(found, `survivors seen on the host: ${[...survivors.keys()].join(', ')}`);
      // The namespaces really are nested: not the sandbox init's own.
      const initPid = await initPidOf(s.id);
      assert.ok(initPid, 'no init pid');
      const ns = (pid: number, kind: string) => readlinkSync(`/proc/${pid}/ns/${kind}`);
      const nested = (kind: string, ty: string) => ns(survivors.get(kind)!.pid, ty) !== ns(initPid, ty);
      assert.deepEqual(
        { pidns: nested('pidns', 'pid'), userns: nested('userns', 'user'), userpidns: [nested('userpidns', 'user'), nested('userpidns', 'pid')], setsid: nested('setsid', 'pid') },
        { pidns: true, userns: true, userpidns: [true, true], setsid: false },
      );
      // All of them, the escapee included, are in the sandbox's cgroup.
      const procs = cgroupProcs(s.id);
      const outside = [...survivors].filter(([, p]) => !procs.includes(p.pid)).map(([k]) => k);
      assert.deepEqual(outside, [], 'processes outside the sandbox\'s cgroup');

      // Pin everything of the sandbox on the host: its cgroup's processes and the runc
      // exec clients serving the open sessions.
      const pinned = [...procs.map(hostProcess), ...hostProcessesMatching(s.containerId), hostProcess(term.pid)].filter(
        (p): p is HostProcess => p !== null,
      );
      const pinnedPids = new Set(pinned.map((p) => p.pid));
      for (const p of survivors.values()) assert.ok(pinnedPids.has(p.pid));

      const t0 = performance.now();
      await driver.destroy(s.id);
      live.delete(s.id);
      const destroyMs = performance.now() - t0;

      const sessions = await Promise.race([Promise.all([running, termExit]), sleep(10_000).then(() => null)]);
      const t1 = performance.now();
      const allGone = await waitFor(() => pinned.every((p) => processFate(p) === 'gone'), 5000);
      const reapMs = performance.now() - t1;
      const left = pinned.filter((p) => processFate(p) !== 'gone').map((p) => `${p.pid} ${processFate(p)} ${p.cmdline}`);
      console.log(
        `#30 ${pinned.length} host processes pinned (${survivors.size} survivors); destroy ${destroyMs.toFixed(0)} ms, all reaped ${reapMs.toFixed(0)} ms later; ` +
          `open run ended ${sessions ? JSON.stringify({ exit: sessions[0].exitCode, signal: sessions[0].signal }) : 'never'}, terminal exit ${sessions?.[1] ?? 'never'}`,
      );
      assert.ok(allGone, `host processes of the sandbox remain after destroy: ${left.join('; ')}`);
      assert.ok(sessions, 'an open session outlived the sandbox');
      assert.notEqual(sessions[0].exitCode, 0, 'the open `sleep 86400` claims success');
      assert.deepEqual(hostProcessesMatching(token), []);
      assert.deepEqual((await waitForNoLeftovers([s.id])).left, []);
      assert.equal(await driver.get(s.id), null);
    } finally {
      if (live.has(s.id)) {
        await driver.destroy(s.id);
        live.delete(s.id);
      }
    }
  });

  test('#40 resource leaks: 50 sandboxes created 10 at a time on one network, destroyed overlapping, leave nothing', { timeout: 5 * 60_000 }, async () => {
    const BATCHES = 5;
    const PER_BATCH = 10;
    const network = await driver.createNetwork();
    liveNetworks.add(network.id);
    const ids: string[] = [];
    const createMs: number[] = [];
    let destroying: Promise<unknown> = Promise.resolve();
    try {
      for (let b = 0; b < BATCHES; b++) {
        const t0 = performance.now();
        // The previous batch is torn down while this one comes up: up to 20 nodes at once.
        const batch = await Promise.all(
          Array.from({ length: PER_BATCH }, async (_, i) => {
            const s = await driver.create({ network: network.id, hostname: `n${b}-${i}` });
            live.add(s.id);
            ids.push(s.id);
            return s;
          }),
        );
        createMs.push(performance.now() - t0);
        const answers = await Promise.all(batch.map((s) => sh(s.id, 'hostname; ip -4 -o addr show eth0 | wc -l', { timeoutMs: 30_000 })));
        answers.forEach((r, i) => assert.equal(r.stdout, `n${b}-${i}\n1\n`, JSON.stringify(r)));
        await destroying;
        destroying = Promise.all(
          batch.map(async (s) => {
            await driver.destroy(s.id);
            live.delete(s.id);
          }),
        );
      }
      await destroying;
      const nodesLeft = (await driver.list()).filter((l) => l.network === network.id);
      assert.deepEqual(nodesLeft, [], 'sandboxes still listed on the network');
      await driver.destroyNetwork(network.id);
      liveNetworks.delete(network.id);

      const { left, waitedMs } = await waitForNoLeftovers(ids, [network.id]);
      console.log(`#40 ${ids.length} sandboxes; batch create ${createMs.map((ms) => ms.toFixed(0)).join(', ')} ms; clean ${waitedMs.toFixed(0)} ms after the last destroy; ${left.length} objects left`);
      assert.equal(new Set(ids).size, BATCHES * PER_BATCH);
      assert.deepEqual(left, []);
    } finally {
      await destroying.catch(() => undefined);
    }
  });
});
