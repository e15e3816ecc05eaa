// docs/SECURITY.md attack 32: nested containers under the real Docker Engine (dockerd,
// containerd, runc as the sandbox's root). `docker run --privileged`, `-v /:/host`,
// `--pid host` and `--network host` inside a sandbox reach only the sandbox's own files,
// processes and interfaces; the daemons run as the sandbox's unprivileged host uid; the shared
// offline image store stays read-only; and a memory hog, a fork bomb and a disk filler in a
// nested container stay inside the sandbox's limits. Each attack runs from a real sandbox;
// the assertions look from the host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, sh, shOk, show } from '../helpers/sandbox.js';
import { loadOffline } from '../helpers/docker.js';
import { CGROUP_MODE, MiB, cgroupDir, cgroupNumber, oomKills, sandboxDir, sleep } from '../helpers/host.js';
import type { SandboxInfo } from '../../sandbox/index.js';
import { nestedCgroups } from '../../sandbox/spec/nested.js';
import { initPid } from '../helpers/init-pid.js';

const CMD_MS = 60_000;
const TEST_TIMEOUT_MS = 180_000;

/** The sandbox's pids cgroup's count of refused forks (`max N` in pids.events). */
function refusedForks(id: string): number {
  const text = readFileSync(path.join(cgroupDir(id, 'pids'), 'pids.events'), 'utf8');
  return Number(/^max (\d+)$/m.exec(text)?.[1] ?? NaN);
}

describe('nested containers stay inside the sandbox (docs/SECURITY.md 32)', rootSuite(), () => {
  let s: SandboxInfo;
  const marker = `pier-attack32-${randomBytes(4).toString('hex')}`;
  const hostFile = path.join('/tmp', marker);
  let hostProc: ChildProcess;

  before(async () => {
    await runtime.imageSet.build(); // cached after `pier image build`
    writeFileSync(hostFile, 'host secret\n');
    // A host process whose command line names the marker.
    hostProc = spawn('sleep', ['600'], { stdio: 'ignore', argv0: marker });
    s = await driver.create({ hostname: 'node1' });
    await loadOffline(s.id, ['busybox:latest']);
  });
  after(async () => {
    hostProc?.kill('SIGKILL');
    rmSync(hostFile, { force: true });
    if (s) await driver.destroy(s.id);
  });

  test('--privileged -v /:/host: /host is the sandbox\'s root, never the host\'s', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await sh(
      s.id,
      'docker run --rm --privileged -v /:/host busybox sh -c \'' +
        'cat /host/etc/hostname; ' +
        `test -e /host${hostFile} && echo SAW-HOST-FILE; ` +
        'test -e /host/var/lib/pier && echo SAW-HOST-STATE; ' +
        'echo from-nested > /host/root/written-by-nested; ' +
        'cat /proc/self/uid_map; ' +
        'ls /dev | grep -E "^(sd|vd|nvme|loop|xvd)" && echo SAW-BLOCK-DEVICE; ' +
        'mknod /tmp/disk b 254 0 2>/dev/null && mount /tmp/disk /mnt 2>/dev/null && echo MOUNTED-HOST-DISK; ' +
        'echo 1 > /sys/kernel/mm/ksm/run 2>/dev/null && echo WROTE-HOST-SYSFS; ' +
        'echo h > /proc/sysrq-trigger 2>/dev/null && echo WROTE-SYSRQ; ' +
        'echo done\'',
      { timeoutMs: CMD_MS },
    );
    assert.equal(r.exitCode, 0, show(r));
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'node1', 'the sandbox\'s /etc/hostname');
    assert.doesNotMatch(r.stdout, /SAW-|MOUNTED-|WROTE-/);
    // Root of the nested container is the sandbox's root (its uid map, not host root's):
    // the sandbox's root sees the same map, and is the first host id of its range.
    const own = (await shOk(s.id, 'cat /proc/self/uid_map')).trim();
    assert.match(r.stdout, new RegExp(`^\\s*${own.replace(/\s+/g, '\\s+')}$`, 'm'));
    assert.doesNotMatch(r.stdout, /^\s*0\s+0\s+4294967295$/m, 'the nested container runs as host root');
    assert.equal(statSync(`/proc/${await initPid(s.id)}`).uid, s.idRange?.hostId, "the sandbox's init is not its range's root");
    assert.equal(lines.at(-1), 'done');
    // The write landed in the sandbox's /root, and nowhere on the host.
    assert.equal((await shOk(s.id, 'cat /root/written-by-nested')).trim(), 'from-nested');
    assert.throws(() => statSync('/root/written-by-nested'));
  });

  test('--pid host: the sandbox\'s processes only; a host process is invisible and unkillable', { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(hostProc.pid, 'host marker process started');
    const r = await sh(s.id, `docker run --rm --pid host busybox sh -c 'ps -ef; kill -9 ${hostProc.pid} 2>/dev/null && echo KILLED; true'`, { timeoutMs: CMD_MS });
    assert.equal(r.exitCode, 0, show(r));
    assert.match(r.stdout, /^\s*1 \S+\s+(\/\.pier\/init|\/usr\/bin\/catatonit -P)$/m, 'PID 1 is the sandbox\'s init');
    assert.match(r.stdout, /dockerd --host fd:\/\//, 'the sandbox\'s own dockerd is listed');
    assert.ok(!r.stdout.includes(marker), 'the host process is not listed');
    assert.doesNotMatch(r.stdout, /^KILLED$/m);
    assert.equal(hostProc.exitCode, null);
    assert.equal(hostProc.signalCode, null, 'the host process still runs');
    // The sandbox's own processes are there: the nested container's shell among them.
    assert.match(r.stdout, /ps -ef/);
  });

  test('--network host: the sandbox\'s interfaces, not the host\'s', { timeout: TEST_TIMEOUT_MS }, async () => {
    const sandboxMac = (await shOk(s.id, 'cat /sys/class/net/eth0/address')).trim();
    const nested = await shOk(s.id, 'docker run --rm --privileged --network host busybox sh -c "ip -o link; cat /sys/class/net/eth0/address"');
    assert.ok(nested.includes(sandboxMac), 'eth0 is the sandbox\'s own');
    assert.doesNotMatch(nested, /pierb|pierv/, 'no host bridge or veth');
    const hostLinks = readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map((l) => l.split(':')[0]?.trim() ?? '')
      .filter((n) => n.startsWith('pier'));
    for (const name of hostLinks) assert.ok(!nested.includes(`${name}:`) && !nested.includes(`${name}@`), name);
  });

  test('dockerd, containerd and the shims run as the sandbox\'s unprivileged host uid', { timeout: TEST_TIMEOUT_MS }, async () => {
    await shOk(s.id, 'docker run -d --name idle busybox sleep 600');
    const init = await initPid(s.id);
    assert.ok(init, 'the sandbox\'s init pid');
    const hostUid = s.idRange?.hostId;
    assert.ok(hostUid !== undefined && hostUid > 0, 'the sandbox has an unprivileged host range');
    // Every process of the sandbox's pid namespace, dockerd's among them, belongs to its range.
    const ns = readlinkNs(init!);
    let daemons = 0;
    for (const pid of hostProcesses()) {
      if (readlinkNs(pid) !== ns) continue;
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      if (/^(dockerd|containerd|containerd-shim)/.test(comm)) daemons += 1;
      assert.ok(uid >= hostUid! && uid < hostUid! + (s.idRange?.size ?? 65536), `${comm} (${pid}) runs as host uid ${uid}`);
    }
    assert.ok(daemons >= 3, `dockerd, containerd and a shim seen from the host: ${daemons}`);
    await shOk(s.id, 'docker rm -f idle');
  });

  test('the shared image store is read-only, for the sandbox and for a privileged nested container', { timeout: TEST_TIMEOUT_MS }, async () => {
    const store = '/usr/lib/containers/storage';
    const r = await sh(
      s.id,
      `touch ${store}/x 2>/dev/null && echo WROTE-STORE; ` +
        `mount -o remount,rw,bind ${store} 2>/dev/null && echo REMOUNTED; ` +
        `docker run --rm --privileged -v ${store}:/s busybox sh -c 'touch /s/x 2>/dev/null && echo NESTED-WROTE; rm -rf /s/overlay-images 2>/dev/null; ls /s/overlay-images >/dev/null && echo still-there'; ` +
        'podman rmi nginx 2>&1; podman images --format "{{.Repository}}:{{.Tag}}" | grep -c "^docker.io/library/nginx:latest$"',
      { timeoutMs: CMD_MS },
    );
    assert.doesNotMatch(r.stdout, /WROTE-STORE|REMOUNTED|NESTED-WROTE/, show(r));
    assert.match(r.stdout, /still-there/);
    assert.match(r.stdout, /read-only/i, 'podman rmi of a shipped image says why not');
    assert.equal(r.stdout.trim().split('\n').at(-1), '1', 'nginx is still there');
  });
});

/** Every process id on the host. */
function hostProcesses(): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/** The pid namespace of a host process ('' once it is gone). */
function readlinkNs(pid: number): string {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return '';
  }
}

describe('nested containers stay within the sandbox\'s limits (docs/SECURITY.md 32)', rootSuite(), () => {
  // Room for dockerd and containerd (~130 MB, ~40 threads) besides each attack.
  const MEMORY = 512 * MiB;
  const PIDS = 256;
  const DISK = 2048 * MiB;
  let s: SandboxInfo;

  before(async () => {
    await runtime.imageSet.build();
    s = await driver.create({ hostname: 'node1', limits: { memoryBytes: MEMORY, pids: PIDS, diskBytes: DISK } });
    await loadOffline(s.id, ['busybox:latest', 'python:3']);
  });
  after(async () => {
    if (s) await driver.destroy(s.id);
  });

  test('a memory hog in a nested container is OOM-killed at the sandbox\'s limit; the sandbox goes on', { timeout: TEST_TIMEOUT_MS }, async () => {
    const kills = oomKills(s.id);
    const r = await sh(s.id, 'docker run --rm python:3 python -c "b = bytearray(900 * 1024 * 1024); print(\'ALLOCATED\')"; echo "exit=$?"', { timeoutMs: CMD_MS });
    assert.doesNotMatch(r.stdout, /ALLOCATED/, show(r));
    assert.match(r.stdout, /exit=137/, show(r));
    assert.ok(oomKills(s.id) > kills, 'the kernel killed it in the sandbox\'s memory cgroup');
    assert.ok(cgroupNumber(s.id, 'memory.peak') <= MEMORY, `peak ${cgroupNumber(s.id, 'memory.peak')} over ${MEMORY}`);
    assert.equal((await shOk(s.id, 'docker run --rm busybox echo alive')).trim(), 'alive');
  });

  test('a fork bomb in a nested container stops at the sandbox\'s pids limit; the sandbox recovers', { timeout: TEST_TIMEOUT_MS }, async () => {
    const refused = refusedForks(s.id);
    let peak = 0;
    // Forks until refused (a shell would exit at its first refused fork); children sleep 4 s.
    const program = [
      'import os, time',
      'forked = 0',
      'for _ in range(900):',
      '    try:',
      '        if os.fork() == 0:',
      '            time.sleep(4)',
      '            os._exit(0)',
      '        forked += 1',
      '    except OSError:',
      '        pass',
      'print("forked", forked, flush=True)',
      'while True:',
      '    try:',
      '        os.wait()',
      '    except ChildProcessError:',
      '        break',
    ].join('\n');
    const bomb = sh(s.id, `docker run --rm python:3 python -c '${program}'`, { timeoutMs: CMD_MS });
    let done = false;
    void bomb.finally(() => (done = true));
    while (!done) {
      peak = Math.max(peak, cgroupNumber(s.id, 'pids.current'));
      await sleep(50);
    }
    const result = await bomb;
    const forked = Number(/forked (\d+)/.exec(result.stdout)?.[1]);
    assert.ok(forked > 0 && forked < 900, `forked ${forked} of 900: ${show(result)}`);
    assert.ok(peak <= PIDS, `pids.current peaked at ${peak} over ${PIDS}`);
    assert.ok(peak > PIDS / 2, `the bomb ran (peak ${peak})`);
    assert.ok(refusedForks(s.id) > refused, 'forks were refused at the sandbox\'s limit');
    // The sleeps end on their own; then docker works again.
    let alive = '';
    for (let i = 0; i < 40 && alive !== 'alive'; i += 1) {
      alive = (await sh(s.id, 'docker run --rm busybox echo alive', { timeoutMs: CMD_MS })).stdout.trim();
      if (alive !== 'alive') await sleep(500);
    }
    assert.equal(alive, 'alive');
  });

  test('a nested container filling its disk stops at the sandbox\'s disk limit', { timeout: TEST_TIMEOUT_MS }, async () => {
    const r = await sh(s.id, 'docker run --rm busybox dd if=/dev/zero of=/big bs=1M count=3072 2>&1; echo "exit=$?"', { timeoutMs: 120_000 });
    assert.match(r.stdout, /No space left on device/, show(r));
    assert.doesNotMatch(r.stdout, /exit=0$/m);
    const image = statSync(path.join(sandboxDir(s.id), 'disk.img'));
    assert.ok(image.blocks * 512 <= DISK, `disk.img holds ${image.blocks * 512} bytes, over ${DISK}`);
    // --rm removed the file with the container: the sandbox has room again.
    assert.equal((await shOk(s.id, 'docker run --rm busybox echo room')).trim(), 'room');
  });

  test('per-container --memory: enforced where the v2 subtree is delegated; elsewhere accepted and only the sandbox\'s limit binds', { timeout: TEST_TIMEOUT_MS }, async () => {
    // README "Docker in the sandbox": nested cgroups need a delegated cgroup v2 subtree (sandbox/spec/nested.ts).
    const r = await sh(s.id, 'docker run --rm --memory 50m python:3 python -c "b = bytearray(100 * 1024 * 1024); print(\'ALLOCATED\')"; echo "exit=$?"', { timeoutMs: CMD_MS });
    if (nestedCgroups(CGROUP_MODE) === 'v2') {
      assert.doesNotMatch(r.stdout, /ALLOCATED/, show(r));
      assert.match(r.stdout, /exit=137/, show(r));
    } else {
      assert.match(r.stdout, /ALLOCATED\nexit=0/, show(r));
    }
  });
});
