// Issue 11, points 1 and 2: each sandbox is its own host uid range, and one student cannot
// use up a kernel counter for the others. Attacks run from a student's shell in a real
// sandbox; everything is asserted from outside (the host, another sandbox).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, sh, shOk, show } from '../helpers/sandbox.js';
import type { SandboxInfo, SandboxTty } from '../../sandbox/index.js';
import { idRangeClaimsDir, sandboxPaths } from '../../sandbox/layout.js';
import { ID_RANGE_CLAIM_FILE, SHARED_ID_RANGE } from '../../sandbox/idmap/ranges.js';
import { reconcileIdRanges } from '../../sandbox/idmap/reconcile.js';
import { SANDBOX_USER_LIMITS } from '../../sandbox/host/shared-limits.js';
import { createRuncDriver } from '../../sandbox/runc/driver.js';

const TEST_TIMEOUT_MS = 120_000;
const CMD_MS = 60_000;
const SIZE = { cols: 80, rows: 24 };

/** Host uid, gid of a live process (from /proc/PID/status). */
function hostIds(pid: number): { uid: number; gid: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return { uid: Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]), gid: Number(/^Gid:\s+(\d+)/m.exec(status)?.[1]) };
}

async function initPid(id: string): Promise<number> {
  const pid = await initPidOf(id);
  assert.ok(pid, `sandbox ${id} has no init`);
  return pid;
}

/** Runs argv on the host as `uid`:`uid` with no supplementary groups (setpriv). */
function asHostUid(uid: number, argv: string[]): { code: number | null; out: string } {
  const r = spawnSync('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', ...argv], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** A terminal's whole output and exit code. */
async function ttyRun(id: string, cmd: string[]): Promise<{ exitCode: number; out: string }> {
  const tty: SandboxTty = await driver.execTty(id, { cmd, size: SIZE });
  const chunks: Buffer[] = [];
  tty.onData((d) => chunks.push(d));
  const exit = await new Promise<{ exitCode: number }>((resolve) => tty.onExit(resolve));
  return { exitCode: exit.exitCode, out: Buffer.concat(chunks).toString('utf8') };
}

/**
 * Starts `python3 -c CODE ARGS…` in a sandbox as a long-lived attacker and resolves with the
 * first line it prints (its report), leaving it running (it sleeps, holding what it took).
 */
async function attacker(id: string, code: string, args: string[]): Promise<string> {
  const child = await driver.execPiped(id, { cmd: ['python3', '-c', code, ...args] });
  child.stdin.end();
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
    void child.exited.then((e) => reject(new Error(`attacker exited ${e.exitCode ?? e.signal} before reporting: ${err}`)));
  });
}

/** Holds ~4000 fds in flight over SCM_RIGHTS (never received), then prints how many and why it stopped. */
const SCM_RIGHTS_FLOOD = `
import array, errno, os, socket, time
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
fd = os.open('/dev/null', os.O_RDONLY)
batch = array.array('i', [fd] * 253)
n = 0
while n < 20000:
    try:
        a.sendmsg([b'x'], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, batch)])
        n += len(batch)
    except OSError as e:
        print(n, errno.errorcode.get(e.errno, e.errno), flush=True)
        break
else:
    print(n, 'none', flush=True)
time.sleep(600)
`;

/** Takes one kernel counter until the kernel refuses; prints "COUNT ERRNO" and holds it. argv[1]: which; argv[2]: 'all' or 'one'. */
const EXHAUST = `
import ctypes, errno, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
what, mode = sys.argv[1], sys.argv[2]
limit = 1 if mode == 'one' else 10**6
held = []
def err():
    return errno.errorcode.get(ctypes.get_errno(), '?')
def report(n, why):
    print(n, why, flush=True)
    if mode == 'all':
        time.sleep(600)
    sys.exit(0)
if what == 'inotify':
    while len(held) < limit:
        fd = libc.inotify_init1(0)
        if fd < 0: report(len(held), err())
        held.append(fd)
    report(len(held), 'ok')
if what == 'watches':
    d = '/tmp/pier-watch'
    os.makedirs(d, exist_ok=True)
    for i in range(1024): open(f'{d}/{i}', 'w').close()
    n = 0
    while True:
        fd = libc.inotify_init1(0)
        if fd < 0: report(n, 'instances-' + err())
        held.append(fd)
        for i in range(1024):
            if libc.inotify_add_watch(fd, f'{d}/{i}'.encode(), 0x100) < 0: report(n, err())
            n += 1
            if n >= limit: report(n, 'ok')
if what == 'fanotify':
    while len(held) < limit:
        fd = libc.fanotify_init(0x200, os.O_RDONLY)  # FAN_REPORT_FID: allowed without host privilege
        if fd < 0: report(len(held), err())
        held.append(fd)
    report(len(held), 'ok')
if what == 'userns':
    while len(held) < limit:
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            ok = libc.unshare(0x10000000) == 0  # CLONE_NEWUSER
            os.write(w, b'ok' if ok else err().encode())
            time.sleep(30)
            os._exit(0)
        answer = os.read(r, 64).decode()
        if answer == 'ok': held.append(os.open(f'/proc/{pid}/ns/user', os.O_RDONLY))
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        if answer != 'ok': report(len(held), answer)
    report(len(held), 'ok')
`;
import { initPid as initPidOf } from '../helpers/init-pid.js';

/** What each counter's exhaustion looks like: the sandbox's share and the errno at it. */
const COUNTERS = [
  { what: 'inotify', share: SANDBOX_USER_LIMITS.max_inotify_instances, errno: 'EMFILE' },
  { what: 'watches', share: SANDBOX_USER_LIMITS.max_inotify_watches, errno: 'ENOSPC' },
  { what: 'fanotify', share: SANDBOX_USER_LIMITS.max_fanotify_groups, errno: 'EMFILE' },
  // The sandbox's own user namespace counts against its share: one less for the student.
  { what: 'userns', share: SANDBOX_USER_LIMITS.max_user_namespaces - 1, errno: 'ENOSPC' },
] as const;

describe('per-sandbox host uid ranges (issue 11, point 1)', rootSuite(), () => {
  let a: SandboxInfo;
  let b: SandboxInfo;
  const extra: string[] = [];
  before(async () => {
    a = await driver.create({ hostname: 'node1' });
    b = await driver.create({ hostname: 'node1' });
  });
  after(async () => {
    for (const id of [a?.id, b?.id, ...extra]) if (id) await driver.destroy(id).catch(() => undefined);
  });

  test("two sandboxes' roots map to different host uids, none of them the image's shared 100000", { timeout: TEST_TIMEOUT_MS }, async () => {
    assert.ok(a.idRange && b.idRange && a.idRange.index !== null && b.idRange.index !== null, 'no per-sandbox range recorded');
    assert.notEqual(a.idRange.hostId, b.idRange.hostId);
    for (const s of [a, b]) {
      const ids = hostIds(await initPid(s.id));
      assert.deepEqual(ids, { uid: s.idRange?.hostId, gid: s.idRange?.hostId }, `sandbox ${s.id}'s init is not its range's root`);
      assert.notEqual(ids.uid, SHARED_ID_RANGE.hostId);
      assert.equal(readFileSync(path.join(idRangeClaimsDir(runtime.paths), String(s.idRange?.index), ID_RANGE_CLAIM_FILE), 'utf8'), s.id);
    }
    // Files a student writes belong to their own range on the host (overlay upper, disk binds).
    await shOk(a.id, 'echo a > /etc/pier-probe && echo a > /root/pier-probe && echo a > /tmp/pier-probe');
    const pa = sandboxPaths(runtime.paths, a.id);
    for (const f of [path.join(pa.upper, 'etc/pier-probe'), path.join(pa.disk, 'root/pier-probe'), path.join(pa.disk, 'tmp/pier-probe')]) {
      assert.equal(statSync(f).uid, a.idRange?.hostId, f);
    }
    // The shared image and image store are seen through idmapped mounts: owned by the
    // sandbox's root inside, while on disk they stay at 100000 (not copied, not chowned).
    assert.equal((await shOk(a.id, 'stat -c %u:%g /usr/bin/bash /usr/lib/containers/storage')).trim(), '0:0\n0:0');
    const image = await runtime.images.current();
    assert.equal(statSync(path.join(image.rootfs, 'usr/bin/bash')).uid, SHARED_ID_RANGE.hostId);
    assert.match(await shOk(a.id, 'podman images --format "{{.Repository}}" | head -1'), /\S/, 'nested podman sees no image in the shared store');
  });

  test("a process running as sandbox A's host uid cannot read or write sandbox B's files", { timeout: TEST_TIMEOUT_MS }, async () => {
    await shOk(b.id, 'echo b-secret > /etc/pier-b-file && chmod 644 /etc/pier-b-file && echo b-home > /root/pier-b-home');
    const pb = sandboxPaths(runtime.paths, b.id);
    const targets = [path.join(pb.rootfs, 'etc/pier-b-file'), path.join(pb.upper, 'etc/pier-b-file'), path.join(pb.disk, 'root/pier-b-home')];
    const aUid = a.idRange?.hostId ?? 0;
    const bUid = b.idRange?.hostId ?? 0;
    // Control: B's own uid reaches its world-readable file, so the checks below can fail.
    assert.equal(asHostUid(bUid, ['cat', targets[0] ?? '']).out.trim(), 'b-secret', 'control: B cannot read its own file from the host');
    for (const f of targets) {
      const read = asHostUid(aUid, ['cat', f]);
      assert.notEqual(read.code, 0, `A's uid read ${f}: ${read.out}`);
      assert.match(read.out, /Permission denied/);
      const write = asHostUid(aUid, ['sh', '-c', 'echo pwned >> "$0"', f]);
      assert.notEqual(write.code, 0, `A's uid wrote ${f}`);
    }
    assert.notEqual(asHostUid(aUid, ['ls', pb.dir]).code, 0, "A's uid lists B's state directory");
    assert.equal((await shOk(b.id, 'cat /etc/pier-b-file')).trim(), 'b-secret');
  });

  test("SCM_RIGHTS fds held in flight in sandbox A no longer break sandbox B's terminals", { timeout: TEST_TIMEOUT_MS }, async () => {
    // The attack still works where it can: between two sandboxes sharing one host uid.
    const c = await driver.create({ hostname: 'node1', uidMode: 'shared' });
    extra.push(c.id);
    const d = await driver.create({ hostname: 'node1', uidMode: 'shared' });
    extra.push(d.id);
    assert.equal((await ttyRun(d.id, ['/bin/echo', 'tty-ok'])).out.includes('tty-ok'), true, 'shared sandbox terminal before the attack');
    const held = (await attacker(c.id, SCM_RIGHTS_FLOOD, [])).split(' ');
    assert.ok(Number(held[0]) >= 4000 && held[1] === 'ETOOMANYREFS', `the flood did not fill the in-flight limit: ${held.join(' ')}`);
    const broken = await ttyRun(d.id, ['/bin/echo', 'tty-ok']);
    assert.ok(!broken.out.includes('tty-ok') || broken.exitCode !== 0, `with a shared uid the attack should break the other terminal: ${JSON.stringify(broken)}`);
    assert.match(broken.out, /too many references/i, 'the shared-uid failure is the in-flight limit');

    // With ranges: the same flood in A, and B's new terminal works.
    const heldA = (await attacker(a.id, SCM_RIGHTS_FLOOD, [])).split(' ');
    assert.ok(Number(heldA[0]) >= 4000 && heldA[1] === 'ETOOMANYREFS', `the flood in A did not fill its limit: ${heldA.join(' ')}`);
    const ok = await ttyRun(b.id, ['/bin/echo', 'tty-ok']);
    assert.equal(ok.exitCode, 0, JSON.stringify(ok));
    assert.match(ok.out, /tty-ok/);
    const r = await sh(b.id, 'echo piped-ok');
    assert.equal(r.stdout.trim(), 'piped-ok', show(r));
  });

  test('adoption after a restart keeps each range; teardown frees it', { timeout: TEST_TIMEOUT_MS }, async () => {
    // A restarted runtime: a fresh driver on the same state dir sees the sandbox with its range.
    const fresh = createRuncDriver({ paths: runtime.paths, network: { pool: runtime.config.subnetPool, prefix: runtime.config.subnetPrefix, outbound: false }, resolveImage: () => runtime.images.current() });
    const seen = await fresh.get(a.id);
    assert.deepEqual(seen?.idRange, a.idRange);
    // Reconciliation (ranges part; the host-wide part would touch other tests' sandboxes)
    // keeps the adopted sandbox's claim, and restores it if it was lost.
    const claim = path.join(idRangeClaimsDir(runtime.paths), String(a.idRange?.index));
    const known = new Set(readdirSync(path.join(runtime.paths.stateDir, 'sandboxes')));
    assert.deepEqual((await reconcileIdRanges(runtime.paths, known, [a])).filter((l) => l.includes(a.id)), []);
    assert.equal(readFileSync(path.join(claim, ID_RANGE_CLAIM_FILE), 'utf8'), a.id);
    // A new sandbox never gets a range in use.
    const e = await driver.create({ hostname: 'node1' });
    extra.push(e.id);
    assert.ok(![a.idRange?.hostId, b.idRange?.hostId].includes(e.idRange?.hostId), 'a range in use was handed out again');
    // Teardown: the claim goes, and nothing of the sandbox stays mounted (image views included).
    await driver.destroy(e.id);
    assert.equal(existsSync(path.join(idRangeClaimsDir(runtime.paths), String(e.idRange?.index))), false, 'teardown kept the range claimed');
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    assert.ok(!mounts.includes(e.id), `a mount of ${e.id} is left`);
    assert.equal(existsSync(sandboxPaths(runtime.paths, e.id).dir), false);
  });
});

describe('shared kernel counters (issue 11, point 2)', rootSuite(), () => {
  let a: SandboxInfo;
  let b: SandboxInfo;
  before(async () => {
    a = await driver.create({ hostname: 'node1' });
    b = await driver.create({ hostname: 'node1' });
  });
  after(async () => {
    for (const id of [a?.id, b?.id]) if (id) await driver.destroy(id).catch(() => undefined);
  });

  for (const c of COUNTERS) {
    test(`${c.what}: one sandbox takes its whole share; another sandbox and the host still get one`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const [count, why] = (await attacker(a.id, EXHAUST, [c.what, 'all'])).split(' ');
      // The attack ran to the kernel's refusal, at the sandbox's share (not the host's total).
      assert.deepEqual([Number(count), why], [c.share, c.errno], `sandbox A stopped at ${count} (${why})`);
      const other = await sh(b.id, `python3 -c '${EXHAUST.replaceAll("'", "'\\''")}' ${c.what} one`, { timeoutMs: CMD_MS });
      assert.equal(other.stdout.trim(), '1 ok', `sandbox B got no ${c.what}: ${show(other)}`);
      const host = spawnSync('python3', ['-c', EXHAUST, c.what, 'one'], { encoding: 'utf8', timeout: CMD_MS, cwd: '/tmp' });
      assert.equal(host.stdout.trim(), '1 ok', `the host got no ${c.what}: ${host.stderr}`);
      // The attacker lets go (its own processes, inside its own sandbox) for the next counter.
      await sh(a.id, 'pkill -9 -x python3; while pgrep -x python3 >/dev/null; do sleep 0.05; done', { timeoutMs: CMD_MS });
    });
  }
});
