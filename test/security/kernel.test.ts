// docs/SECURITY.md attacks on the kernel and the host (10-17, 19, 23, 24, 45), each run from a
// student's root shell in a real sandbox, with the refusal asserted inside and, where it
// means something, the host's state asserted unchanged outside.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { hostname as hostHostname } from 'node:os';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { driver, hostRead, python, sh, show } from '../helpers/sandbox.js';
import { detectCgroupMode, type RunResult, type SandboxInfo } from '../../sandbox/index.js';
import { PIER_DENIED_SYSCALLS, deniedSyscallErrno, loadDockerSeccompProfile } from '../../sandbox/spec/index.js';

/** Bound of one command inside the sandbox. */
const CMD_TIMEOUT_MS = 15_000;
/** Bound of one test (a few commands). */
const TEST_TIMEOUT_MS = 45_000;

const EPERM = 1;
const ENOSYS = 38;

/**
 * x86_64 numbers of the syscalls pier's seccomp filter denies, with arguments that would be
 * harmless if a call got through — and that, where the kernel allows it, make the kernel
 * answer something other than EPERM (EFAULT, EINVAL, an fd), so EPERM means seccomp.
 * `"fd"` stands for an open file descriptor.
 */
const DENIED_CALLS_X86_64: Readonly<Record<string, { nr: number; args: (number | 'fd')[] }>> = {
  keyctl: { nr: 250, args: [0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session keyring */, 0] },
  add_key: { nr: 248, args: [0, 0, 0, 0, 0] },
  request_key: { nr: 249, args: [0, 0, 0, 0] },
  bpf: { nr: 321, args: [0 /* BPF_MAP_CREATE */, 0, 0] },
  perf_event_open: { nr: 298, args: [0, 0, -1, -1, 0] },
  userfaultfd: { nr: 323, args: [1 /* UFFD_USER_MODE_ONLY: allowed to anyone by the kernel */] },
  io_uring_setup: { nr: 425, args: [1, 0] },
  io_uring_enter: { nr: 426, args: [-1, 0, 0, 0, 0, 0] },
  io_uring_register: { nr: 427, args: [-1, 0, 0, 0] },
  open_by_handle_at: { nr: 304, args: [-1, 0, 0] },
  syslog: { nr: 103, args: [10 /* SYSLOG_ACTION_SIZE_BUFFER: unrestricted when dmesg_restrict=0 */, 0, 0] },
  reboot: { nr: 169, args: [0, 0, 0, 0] /* wrong magic: EINVAL if it got through */ },
  kexec_load: { nr: 246, args: [0, 0, 0, 0] },
  kexec_file_load: { nr: 320, args: [-1, -1, 0, 0, 0] },
  init_module: { nr: 175, args: [0, 0, 0] },
  finit_module: { nr: 313, args: ['fd', 0, 0] },
  delete_module: { nr: 176, args: [0, 0] },
};

/**
 * Calls raw syscalls through ctypes: stdin is `{name: [nr, [args…]]}`, stdout
 * `{name: [return value, errno]}` plus `seccomp`, the Seccomp line of /proc/self/status.
 */
const PY_SYSCALLS = `
import ctypes, json, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
fd = os.open('/etc/hostname', os.O_RDONLY)
def call(nr, args):
    args = [fd if a == 'fd' else a for a in args]
    ctypes.set_errno(0)
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    return [r, ctypes.get_errno() if r == -1 else 0]
out = {name: call(nr, args) for name, (nr, args) in json.load(sys.stdin).items()}
out['seccomp'] = [l.split()[1] for l in open('/proc/self/status') if l.startswith('Seccomp:')]
print(json.dumps(out))
`;

/**
 * Writes files: stdin is `[[path, value], …]`, stdout `{path: ["ok", value read back] |
 * ["refused", errno name]}`. Errors surface at close, which the `with` block covers.
 */
const PY_WRITE = `
import errno, json, sys
out = {}
for path, value in json.load(sys.stdin):
    try:
        with open(path, 'w') as f:
            f.write(value)
    except OSError as e:
        out[path] = ['refused', errno.errorcode.get(e.errno, str(e.errno))]
        continue
    try:
        with open(path) as f:
            out[path] = ['ok', f.read().strip()]
    except OSError:
        out[path] = ['ok', None]
print(json.dumps(out))
`;

/**
 * Probes paths: stdin is `[path, …]`, stdout `{path: {kind, bytes?, entries?, error?}}` where
 * kind is absent|file|dir|other, bytes the count read (max 4096), entries a directory's.
 */
const PY_PROBE = `
import errno, json, os, stat, sys
out = {}
for p in json.load(sys.stdin):
    r = {}
    try:
        m = os.stat(p).st_mode
    except OSError as e:
        out[p] = {'kind': 'absent' if e.errno == errno.ENOENT else 'other', 'error': errno.errorcode.get(e.errno)}
        continue
    try:
        if stat.S_ISDIR(m):
            r = {'kind': 'dir', 'entries': os.listdir(p)}
        else:
            fd = os.open(p, os.O_RDONLY | os.O_NONBLOCK)
            try:
                r = {'kind': 'file', 'bytes': len(os.read(fd, 4096))}
            finally:
                os.close(fd)
    except OSError as e:
        r = {'kind': 'dir' if stat.S_ISDIR(m) else 'file', 'error': errno.errorcode.get(e.errno, str(e.errno))}
    out[p] = r
print(json.dumps(out))
`;
import { initPid } from '../helpers/init-pid.js';

type Probe = { kind: 'absent' | 'file' | 'dir' | 'other'; bytes?: number; entries?: string[]; error?: string };


/** Path of a sysctl under /proc/sys. */
const sysctlPath = (key: string): string => `/proc/sys/${key.replace(/\./g, '/')}`;

/** Restores host files whose content differs from `saved` (a failed defense must not linger). */
function restoreHost(saved: ReadonlyMap<string, string | null>): string[] {
  const changed: string[] = [];
  for (const [file, value] of saved) {
    if (value === null || hostRead(file) === value) continue;
    changed.push(file);
    try {
      writeFileSync(file, value);
    } catch {
      // Reported through `changed`; the assertion names the file.
    }
  }
  return changed;
}

/** Lines of `out` starting with `word`. */
const linesStarting = (out: string, word: string): string[] => out.split('\n').filter((l) => l.startsWith(`${word} `));

describe('kernel and host attacks (docs/SECURITY.md 10-17, 19, 23, 24, 45)', rootSuite(), () => {
  let s: SandboxInfo;
  const rand = randomBytes(4).toString('hex');

  before(async () => {
    s = await driver.create({ hostname: 'kernel' });
  });
  after(async () => {
    if (s) await driver.destroy(s.id);
  });

  test('#10 sysrq: writing /proc/sysrq-trigger is refused', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const hostHas = existsSync('/proc/sysrq-trigger');
    const saved = new Map([['/proc/sys/kernel/sysrq', hostRead('/proc/sys/kernel/sysrq')]]);
    // 'h' (print help) rather than 'b' (reboot): the write is refused or accepted before the
    // key is read, so the refusal is the same and a missing defense does not reboot the CI.
    const targets = ['/proc/sysrq-trigger', '/tmp/pier-proc/sysrq-trigger', '/proc/sys/kernel/sysrq'];
    try {
      const mounts = await sh(s.id, 'grep " /proc/sysrq-trigger " /proc/self/mountinfo || true', { timeoutMs: CMD_TIMEOUT_MS });
      // A fresh procfs (students have SYS_ADMIN in their user namespace) has no read-only mask.
      const prep = await sh(s.id, 'mkdir -p /tmp/pier-proc && mount -t proc proc /tmp/pier-proc', { timeoutMs: CMD_TIMEOUT_MS });
      const values = [['/proc/sysrq-trigger', 'h'], ['/tmp/pier-proc/sysrq-trigger', 'h'], ['/proc/sys/kernel/sysrq', saved.get('/proc/sys/kernel/sysrq')?.trim() ?? '1']];
      const out = await python<Record<string, [string, string | null]>>(s.id, PY_WRITE, values);
      await sh(s.id, 'umount /tmp/pier-proc', { timeoutMs: CMD_TIMEOUT_MS });
      for (const target of targets) {
        assert.equal(out[target]?.[0], 'refused', `${target} was writable: ${JSON.stringify(out)} (fresh procfs: ${show(prep)})`);
      }
      if (hostHas) {
        assert.match(mounts.stdout, /\/proc\/sysrq-trigger ro[, ]/, `not masked read-only: ${show(mounts)}`);
      } else {
        t.diagnostic('this kernel has no CONFIG_MAGIC_SYSRQ: the writes fail with ENOENT; the read-only mask is checked on hosts that have the file');
      }
      assert.deepEqual(restoreHost(saved), [], 'the host sysrq mask changed');
    } finally {
      restoreHost(saved);
    }
  });

  test('#11 core_pattern: writing /proc/sys/kernel/core_pattern is refused; the host\'s is unchanged', { timeout: TEST_TIMEOUT_MS }, async () => {
    const file = '/proc/sys/kernel/core_pattern';
    const before = hostRead(file);
    assert.notEqual(before, null, 'the host has no core_pattern');
    const saved = new Map([[file, before]]);
    const evil = `|/pier-test-core-${rand} %p`;
    try {
      const direct = await python<Record<string, [string, string | null]>>(s.id, PY_WRITE, [[file, evil]]);
      assert.equal(direct[file]?.[0], 'refused', `direct write: ${JSON.stringify(direct)}`);
      // With every capability of a nested user namespace, and through a fresh procfs.
      const nested = await python<Record<string, [string, string | null]>>(s.id, PY_WRITE, [[file, evil]], { prefix: ['unshare', '-Ur'] });
      assert.equal(nested[file]?.[0], 'refused', `from unshare -Ur: ${JSON.stringify(nested)}`);
      const viaSysctl = await sh(s.id, `sysctl -w 'kernel.core_pattern=${evil}'`, { timeoutMs: CMD_TIMEOUT_MS });
      assert.notEqual(viaSysctl.exitCode, 0, `sysctl -w: ${show(viaSysctl)}`);
      const fresh = await sh(
        s.id,
        `mkdir -p /tmp/pier-proc && mount -t proc proc /tmp/pier-proc && { (printf '%s' '${evil}' > /tmp/pier-proc/sys/kernel/core_pattern) 2>&1; echo "rc=$?"; umount /tmp/pier-proc; }`,
        { timeoutMs: CMD_TIMEOUT_MS },
      );
      assert.doesNotMatch(fresh.stdout, /rc=0/, `fresh procfs: ${show(fresh)}`);
      assert.equal(hostRead(file), before, 'the host core_pattern changed');
    } finally {
      restoreHost(saved);
    }
  });

  test('#12 global sysctls are refused; namespaced ones change only inside', { timeout: TEST_TIMEOUT_MS }, async () => {
    const read = (key: string): string | null => hostRead(sysctlPath(key))?.trim() ?? null;
    // Global knobs: each written with a harmless value (the host's own, or a neighbour) so
    // that a missing defense cannot hurt the host; refusal shows in the errno.
    const bump = (v: string | null, d: number): string => String(Number(v ?? '0') + d);
    const global: [string, (host: string | null) => string][] = [
      ['vm.drop_caches', () => '1'],
      ['vm.swappiness', (h) => bump(h, h === '100' ? -1 : 1)],
      ['vm.overcommit_memory', (h) => h ?? '0'],
      ['kernel.randomize_va_space', (h) => h ?? '2'],
      ['fs.file-max', (h) => bump(h, 1)],
      ['kernel.panic', (h) => h ?? '0'],
      ['kernel.printk', (h) => h ?? '4 4 1 7'],
      ['kernel.perf_event_paranoid', (h) => h ?? '2'],
      ['kernel.kptr_restrict', (h) => h ?? '0'],
      ['kernel.dmesg_restrict', (h) => h ?? '0'],
      ['kernel.modprobe', (h) => h ?? '/sbin/modprobe'],
    ];
    // Namespaced (net, ipc): must change inside, and only there.
    const namespaced: [string, string][] = [
      ['net.ipv4.ip_forward', '1'],
      ['net.core.somaxconn', '123'],
      ['kernel.shmmax', '123456789'],
    ];
    // UTS names are namespaced but their /proc/sys files belong to the host's root; pid_max
    // is per pid namespace since Linux 6.14. Either refused or confined: the host keeps its own.
    const confined: [string, string][] = [
      ['kernel.hostname', `evil-${rand}`],
      ['kernel.domainname', `evil-${rand}`],
      ['kernel.pid_max', '40000'],
    ];
    const all = [...global.map(([k]) => k), ...namespaced.map(([k]) => k), ...confined.map(([k]) => k)].filter((k) => existsSync(sysctlPath(k)));
    const saved = new Map(all.map((k) => [sysctlPath(k), hostRead(sysctlPath(k))]));
    const hostnameBefore = hostHostname();
    try {
      const writes = [
        ...global.filter(([k]) => all.includes(k)).map(([k, v]) => [sysctlPath(k), v(read(k))]),
        ...namespaced.map(([k, v]) => [sysctlPath(k), v]),
        ...confined.filter(([k]) => all.includes(k)).map(([k, v]) => [sysctlPath(k), v]),
      ];
      const out = await python<Record<string, [string, string | null]>>(s.id, PY_WRITE, writes);
      const verdict = (k: string): string => JSON.stringify(out[sysctlPath(k)]);
      for (const [k] of global.filter(([key]) => all.includes(key))) {
        assert.equal(out[sysctlPath(k)]?.[0], 'refused', `${k} was writable inside: ${verdict(k)}`);
      }
      for (const [k, v] of namespaced) {
        assert.deepEqual(out[sysctlPath(k)], ['ok', v], `${k} should change inside its own namespace: ${verdict(k)}`);
      }
      // sysctl(8) as a student would type it, for the classic one.
      const drop = await sh(s.id, 'sysctl -w vm.drop_caches=3', { timeoutMs: CMD_TIMEOUT_MS });
      assert.notEqual(drop.exitCode, 0, `sysctl -w vm.drop_caches=3: ${show(drop)}`);
      for (const [file, value] of saved) {
        assert.equal(hostRead(file), value, `the host's ${file} changed (inside: ${JSON.stringify(out[file])})`);
      }
      assert.equal(hostHostname(), hostnameBefore, "the host's hostname changed");
      const inside = (await sh(s.id, 'hostname', { timeoutMs: CMD_TIMEOUT_MS })).stdout.trim();
      const hn = out[sysctlPath('kernel.hostname')];
      assert.equal(inside, hn?.[0] === 'ok' ? `evil-${rand}` : 'kernel', `hostname inside after ${JSON.stringify(hn)}`);
    } finally {
      restoreHost(saved);
    }
  });

  test('#13 mount host disk: block devices are absent, mount and mknod are refused', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The host's block devices with their numbers, plus the usual names.
    const hostDevs = readdirSync('/sys/class/block')
      .map((name) => ({ name, dev: hostRead(`/sys/class/block/${name}/dev`)?.trim() ?? '' }))
      .filter((d) => /^\d+:\d+$/.test(d.dev) && !d.name.startsWith('loop') && !d.name.startsWith('ram'))
      .slice(0, 8);
    const names = [...new Set([...hostDevs.map((d) => d.name), 'vda', 'sda', 'sda1', 'nvme0n1'])];
    const numbers = [...new Set([...hostDevs.map((d) => d.dev), '8:0', '8:1', '254:0', '259:0'])];
    const script = [
      'echo "blockdevs $(find /dev -type b 2>/dev/null | tr "\\n" " ")"',
      'mkdir -p /mnt/pier-disk',
      ...names.map((n) => `mount /dev/${n} /mnt/pier-disk 2>/dev/null; echo "mount ${n} $?"`),
      ...names.map((n) => `mount -t ext4 /dev/${n} /mnt/pier-disk 2>/dev/null; echo "mount-ext4 ${n} $?"`),
      ...numbers.map((d, i) => `mknod /tmp/pier-blk${i} b ${d.replace(':', ' ')} 2>/dev/null; echo "mknod ${d} $?"`),
      ...numbers.map((d, i) => `unshare -Ur mknod /tmp/pier-blkn${i} b ${d.replace(':', ' ')} 2>/dev/null; echo "mknod-userns ${d} $?"`),
      // Were a node made after all, reading it must still fail (device cgroup).
      'for f in /tmp/pier-blk*; do [ -e "$f" ] || continue; head -c 512 "$f" >/dev/null 2>&1; echo "read $f $?"; done',
      'echo "mounted $(grep -c " /mnt/pier-disk " /proc/self/mountinfo)"',
      'umount /mnt/pier-disk 2>/dev/null; rm -f /tmp/pier-blk*',
    ].join('\n');
    const r = await sh(s.id, script, { timeoutMs: CMD_TIMEOUT_MS });
    const blockdevs = linesStarting(r.stdout, 'blockdevs')[0]?.slice('blockdevs '.length).trim();
    assert.equal(blockdevs, '', `block devices in /dev: ${show(r)}`);
    const attempts = [...linesStarting(r.stdout, 'mount'), ...linesStarting(r.stdout, 'mount-ext4'), ...linesStarting(r.stdout, 'mknod'), ...linesStarting(r.stdout, 'mknod-userns')];
    assert.equal(attempts.length, 2 * names.length + 2 * numbers.length, `not every attempt ran: ${show(r)}`);
    assert.deepEqual(attempts.filter((l) => l.endsWith(' 0')), [], `succeeded: ${show(r)}`);
    assert.deepEqual(linesStarting(r.stdout, 'read').filter((l) => l.endsWith(' 0')), [], `a block device was readable: ${show(r)}`);
    assert.deepEqual(linesStarting(r.stdout, 'mounted'), ['mounted 0'], show(r));
  });

  test('#14 kernel modules: modprobe, insmod and the module syscalls are refused', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const modulesBefore = hostRead('/proc/modules');
    const tools = await sh(
      s.id,
      'for c in modprobe insmod; do command -v $c >/dev/null || { echo "absent $c"; continue; }; done; ' +
        'command -v modprobe >/dev/null && { modprobe dummy; echo "modprobe $?"; }; ' +
        'command -v insmod >/dev/null && { head -c 4096 /dev/urandom > /tmp/pier.ko; insmod /tmp/pier.ko; echo "insmod $?"; }; true',
      { timeoutMs: CMD_TIMEOUT_MS },
    );
    assert.deepEqual([...linesStarting(tools.stdout, 'modprobe'), ...linesStarting(tools.stdout, 'insmod')].filter((l) => l.endsWith(' 0')), [], show(tools));
    const absent = linesStarting(tools.stdout, 'absent');
    if (absent.length > 0) t.diagnostic(`not in the image: ${absent.join(', ')}; the syscalls they make are called directly below`);
    const calls = Object.fromEntries(
      ['init_module', 'finit_module', 'delete_module'].map((n) => {
        const c = DENIED_CALLS_X86_64[n];
        assert.ok(c, n);
        return [n, [c.nr, c.args]];
      }),
    );
    for (const prefix of [[], ['unshare', '-Ur']]) {
      const out = await python<Record<string, [number, number]>>(s.id, PY_SYSCALLS, { ...calls, getpid: [39, []] }, { prefix });
      assert.ok((out.getpid?.[0] ?? 0) > 0, `the ctypes harness is broken: ${JSON.stringify(out)}`);
      for (const n of Object.keys(calls)) {
        assert.deepEqual(out[n], [-1, EPERM], `${n} ${prefix.join(' ')}: expected EPERM, got ${JSON.stringify(out[n])}`);
      }
    }
    assert.equal(hostRead('/proc/modules'), modulesBefore, "the host's module list changed");
  });

  test('#15 exploit primitives: seccomp refuses keyctl, bpf, perf, io_uring, userfaultfd, AF_ALG, AF_VSOCK…', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (process.arch !== 'x64') {
      t.skip(`syscall numbers here are x86_64's; this host is ${process.arch}`);
      return;
    }
    const profile = await loadDockerSeccompProfile();
    // The design: pier's deny list gets EPERM, its keyring calls ENOSYS (attack 45); socket
    // families outside the allowlist get the profile's default errno (Debian's: ENOSYS).
    const defaultErrno = profile.defaultAction === 'SCMP_ACT_ERRNO' ? (profile.defaultErrnoRet ?? EPERM) : null;
    assert.notEqual(defaultErrno, null, `the profile's default is ${profile.defaultAction}, not an errno`);
    const missing = Object.keys(PIER_DENIED_SYSCALLS).filter((n) => !(n in DENIED_CALLS_X86_64));
    assert.deepEqual(missing, [], 'denied syscalls without an x86_64 number in this test');
    const calls: Record<string, [number, (number | 'fd')[]]> = {
      ...Object.fromEntries(Object.entries(DENIED_CALLS_X86_64).map(([n, c]) => [n, [c.nr, c.args]])),
      // socket(2) is 41: family, type, protocol.
      socket_af_alg: [41, [38, 5 /* SOCK_SEQPACKET */, 0]],
      socket_af_vsock: [41, [40, 1 /* SOCK_STREAM */, 0]],
      // AF_VSOCK with garbage in the upper half: the kernel reads an int.
      socket_af_vsock_high_bits: [41, [2 ** 32 + 40, 1, 0]],
      socket_af_xdp: [41, [44, 3 /* SOCK_RAW */, 0]],
      // Controls: the same path must let permitted calls through, so the test can fail.
      getpid: [39, []],
      socket_af_inet: [41, [2, 2 /* SOCK_DGRAM */, 0]],
      socket_af_unix: [41, [1, 1, 0]],
    };
    // As the sandbox's root, and with every capability of a nested user namespace.
    for (const prefix of [[], ['unshare', '-Ur']]) {
      const where = prefix.length ? 'in unshare -Ur' : 'as root';
      const out = await python<Record<string, [number, number]>>(s.id, PY_SYSCALLS, calls, { prefix });
      assert.ok((out.getpid?.[0] ?? 0) > 0, `getpid through ctypes failed ${where}: ${JSON.stringify(out)}`);
      assert.ok((out.socket_af_inet?.[0] ?? -1) >= 0, `socket(AF_INET) refused ${where}: ${JSON.stringify(out)}`);
      assert.ok((out.socket_af_unix?.[0] ?? -1) >= 0, `socket(AF_UNIX) refused ${where}: ${JSON.stringify(out)}`);
      assert.deepEqual(out.seccomp, ['2'], `no seccomp filter ${where}`);
      const wrong = Object.keys(DENIED_CALLS_X86_64)
        .filter((n) => out[n]?.[0] !== -1 || out[n]?.[1] !== deniedSyscallErrno(n))
        .map((n) => `${n} → ${JSON.stringify(out[n])}, expected [-1, ${deniedSyscallErrno(n)}]`);
      assert.deepEqual(wrong, [], `denied syscalls answered otherwise ${where}`);
      const sockets = ['socket_af_alg', 'socket_af_vsock', 'socket_af_vsock_high_bits', 'socket_af_xdp'];
      const open = sockets.filter((n) => out[n]?.[0] !== -1 || out[n]?.[1] !== defaultErrno).map((n) => `${n} → ${JSON.stringify(out[n])}`);
      assert.deepEqual(open, [], `expected [-1, ${defaultErrno}] ${where}`);
    }
  });

  test('#45 keyrings: keyctl, add_key and request_key fail with ENOSYS (still denied); no key reaches the host', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    if (process.arch !== 'x64') {
      t.skip(`syscall numbers here are x86_64's; this host is ${process.arch}`);
      return;
    }
    const pid = await initPid(s.id);
    assert.ok(pid !== null, 'the sandbox has no init pid');
    const hostUid = Number(/^Uid:\s+(\d+)/m.exec(hostRead(`/proc/${pid}/status`) ?? '')?.[1] ?? NaN);
    assert.ok(hostUid > 0, "cannot read the sandbox root's host uid");
    const keyUsers = (): string[] => (hostRead('/proc/key-users') ?? '').split('\n').filter((l) => l.trim().startsWith(`${hostUid}:`));
    const before = keyUsers();
    // Arguments the kernel would accept: join (create) an anonymous session keyring, add a
    // user key to it, look one up. If seccomp let any through, a keyring would exist on the
    // host for the sandbox's uid.
    const calls = {
      keyctl_join: [250, [1 /* KEYCTL_JOIN_SESSION_KEYRING */, 0]],
      keyctl_get: [250, [0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 1 /* create */]],
      add_key: [248, [0, 0, 0, 0, -3]],
      request_key: [249, [0, 0, 0, -3]],
      getpid: [39, []],
    };
    for (const prefix of [[], ['unshare', '-Ur']]) {
      const out = await python<Record<string, [number, number]>>(s.id, PY_SYSCALLS, calls, { prefix });
      assert.ok((out.getpid?.[0] ?? 0) > 0, `the ctypes harness is broken: ${JSON.stringify(out)}`);
      for (const n of ['keyctl_join', 'keyctl_get', 'add_key', 'request_key']) {
        assert.deepEqual(out[n], [-1, ENOSYS], `${n} ${prefix.join(' ')}: expected ENOSYS, got ${JSON.stringify(out[n])}`);
      }
    }
    const tool = await sh(s.id, 'command -v keyctl >/dev/null || { echo absent; exit 0; }; keyctl session - true 2>&1; echo "rc $?"', { timeoutMs: CMD_TIMEOUT_MS });
    if (tool.stdout.trim() === 'absent') t.diagnostic('keyctl(1) is not in the image: the raw syscalls above stand for it');
    else assert.doesNotMatch(tool.stdout, /^rc 0$/m, `keyctl(1) made a session keyring: ${show(tool)}`);
    assert.deepEqual(keyUsers(), before, `the host's /proc/key-users changed for uid ${hostUid}`);
  });

  test('#16 cgroup release_agent (CVE-2022-0492): no release_agent can be written; the host\'s are unchanged', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const hostAgents = (): Map<string, string | null> =>
      new Map(
        readdirSync('/sys/fs/cgroup')
          .map((c) => path.join('/sys/fs/cgroup', c, 'release_agent'))
          .filter((f) => existsSync(f))
          .map((f) => [f, hostRead(f)]),
      );
    const before = hostAgents();
    if (before.size === 0) t.diagnostic('no cgroup v1 hierarchy on the host: release_agent does not exist here');
    const agent = `/pier-test-release-agent-${rand}`;
    // One attempt: mount a v1 hierarchy, then write release_agent and notify_on_release.
    const attempt = [
      'label=$1; opts=$2; d=$(mktemp -d)',
      'if ! mount -t cgroup -o "$opts" cgroup "$d" 2>/dev/null; then echo "refused $label mount"; rmdir "$d"; exit 0; fi',
      `if (echo ${agent} > "$d/release_agent") 2>/dev/null; then echo "WROTE $label release_agent"; else echo "refused $label write"; fi`,
      'if (echo 1 > "$d/notify_on_release") 2>/dev/null; then echo "WROTE $label notify_on_release"; fi',
      'umount "$d"; rmdir "$d"',
    ].join('\n');
    const controllers = ['rdma', 'memory', 'pids', 'cpu', 'none,name=pier'];
    const runs = controllers.flatMap((c) => [
      `sh /tmp/pier-ra.sh direct:${c} ${c}`,
      `unshare -UrmC sh /tmp/pier-ra.sh unshare-UrmC:${c} ${c}`,
      `unshare -Urm sh /tmp/pier-ra.sh unshare-Urm:${c} ${c}`,
    ]);
    const script = [
      `cat > /tmp/pier-ra.sh <<'EOF'\n${attempt}\nEOF`,
      ...runs,
      // The sandbox's own (read-only) hierarchies, remounted rw.
      'for m in /sys/fs/cgroup/*/; do mount -o remount,rw "$m" 2>/dev/null && echo "WROTE remount $m"; ' +
        `[ -e "$m/release_agent" ] && (echo ${agent} > "$m/release_agent") 2>/dev/null && echo "WROTE own $m"; done`,
      'rm -f /tmp/pier-ra.sh; echo done',
    ].join('\n');
    try {
      const r = await sh(s.id, script, { timeoutMs: CMD_TIMEOUT_MS });
      assert.match(r.stdout, /^done$/m, show(r));
      assert.equal(linesStarting(r.stdout, 'refused').length + linesStarting(r.stdout, 'WROTE').filter((l) => / release_agent$/.test(l)).length, runs.length, `not every variant ran: ${show(r)}`);
      assert.deepEqual(linesStarting(r.stdout, 'WROTE'), [], `a release_agent or notify_on_release was writable: ${show(r)}`);
      t.diagnostic(linesStarting(r.stdout, 'refused').join('; '));
      assert.deepEqual(hostAgents(), before, "a host release_agent changed");
    } finally {
      restoreHost(before);
    }
  });

  test('#17 cgroup tampering: the sandbox cannot raise its own limits; the host keeps them', { timeout: TEST_TIMEOUT_MS }, async () => {
    const mode = detectCgroupMode();
    const cg = `pier/${s.containerId}`;
    const host =
      mode === 'v2'
        ? { pids: `/sys/fs/cgroup/${cg}/pids.max`, memory: `/sys/fs/cgroup/${cg}/memory.max`, cpu: `/sys/fs/cgroup/${cg}/cpu.max` }
        : { pids: `/sys/fs/cgroup/pids/${cg}/pids.max`, memory: `/sys/fs/cgroup/memory/${cg}/memory.limit_in_bytes`, cpu: `/sys/fs/cgroup/cpu/${cg}/cpu.cfs_quota_us` };
    const quota = Math.round(s.limits.cpus * 100_000);
    const expected = { pids: String(s.limits.pids), memory: String(s.limits.memoryBytes), cpu: mode === 'v2' ? `${quota} 100000` : String(quota) };
    const readHost = () => ({ pids: hostRead(host.pids)?.trim(), memory: hostRead(host.memory)?.trim(), cpu: hostRead(host.cpu)?.trim() });
    assert.deepEqual(readHost(), expected, `the limits are not where this test looks (${mode})`);
    // Every limit file, v1 and v2 names, written where the sandbox sees it and in fresh rw mounts.
    const writes = [
      ['pids.max', 'max'],
      ['memory.limit_in_bytes', '-1'],
      ['memory.memsw.limit_in_bytes', '-1'],
      ['memory.max', 'max'],
      ['memory.swap.max', 'max'],
      ['cpu.cfs_quota_us', '-1'],
      ['cpu.max', 'max'],
    ];
    const tryDir = (dir: string) => writes.map(([f, v]) => `[ -e ${dir}/${f} ] && { if (echo ${v} > ${dir}/${f}) 2>/dev/null; then echo "WROTE ${dir}/${f}"; else echo "refused ${dir}/${f}"; fi; }`);
    const script = [
      ...['/sys/fs/cgroup', '/sys/fs/cgroup/pids', '/sys/fs/cgroup/memory', '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'].flatMap(tryDir),
      'for m in /sys/fs/cgroup /sys/fs/cgroup/pids /sys/fs/cgroup/memory /sys/fs/cgroup/cpu; do ' +
        'grep -q " $m cgroup" /proc/self/mounts || continue; mount -o remount,rw $m 2>/dev/null && echo "WROTE remount $m" || echo "refused remount $m"; done',
      // A fresh hierarchy, mounted read-write (allowed in the sandbox's cgroup namespace).
      'mkdir -p /tmp/pier-cg',
      ...['pids', 'memory', 'cpu'].flatMap((c) => [
        `if mount -t cgroup -o ${c} cgroup /tmp/pier-cg 2>/dev/null; then echo "mounted ${c}"`,
        ...tryDir('/tmp/pier-cg'),
        'umount /tmp/pier-cg; fi',
      ]),
      'if mount -t cgroup2 cgroup2 /tmp/pier-cg 2>/dev/null; then echo "mounted cgroup2"',
      ...tryDir('/tmp/pier-cg'),
      'umount /tmp/pier-cg; fi',
      'echo done',
    ].join('\n');
    const r = await sh(s.id, script, { timeoutMs: CMD_TIMEOUT_MS });
    assert.match(r.stdout, /^done$/m, show(r));
    const refused = linesStarting(r.stdout, 'refused');
    assert.ok(refused.filter((l) => !l.includes('remount')).length >= 3, `too few limit files found inside: ${show(r)}`);
    assert.ok(refused.some((l) => l.startsWith('refused remount')), `no read-only cgroup mount to remount: ${show(r)}`);
    assert.deepEqual(linesStarting(r.stdout, 'WROTE'), [], `a limit file or mount was writable: ${show(r)}`);
    assert.deepEqual(readHost(), expected, 'the host-side limits changed');
  });

  test('#19 setuid: a setuid root shell gives a user nothing (no_new_privs); sandbox root is its own range\'s first host uid', { timeout: TEST_TIMEOUT_MS }, async () => {
    // On the overlay root, which is not nosuid (/root and /tmp are): only no_new_privs stops it.
    const r = await sh(
      s.id,
      [
        'id -u student >/dev/null 2>&1 || useradd -u 1000 -M student',
        'cp /bin/bash /usr/local/bin/pier-rootbash && chmod 4755 /usr/local/bin/pier-rootbash',
        'echo "mode $(stat -c %A /usr/local/bin/pier-rootbash) owner $(stat -c %u /usr/local/bin/pier-rootbash)"',
        'echo "rootopts $(findmnt -no OPTIONS /)"',
        'setpriv --reuid 1000 --regid 1000 --clear-groups /usr/local/bin/pier-rootbash -p -c ' +
          '\'grep -E "^(Uid|Gid|CapEff|NoNewPrivs):" /proc/self/status; touch /etc/pier-setuid-probe 2>/dev/null && echo "touched"\'',
        'echo "root $(grep NoNewPrivs: /proc/self/status)"',
        'nohup setpriv --reuid 1000 --regid 1000 --clear-groups sleep 30 >/dev/null 2>&1 & echo "sleeper $!"',
        'sleep 0.2',
      ].join('\n'),
      { timeoutMs: CMD_TIMEOUT_MS },
    );
    assert.match(r.stdout, /^mode -rwsr-xr-x owner 0$/m, `the setuid bit was not set: ${show(r)}`);
    assert.doesNotMatch(r.stdout, /^rootopts .*nosuid/m, `/ is nosuid: this would not test no_new_privs: ${show(r)}`);
    assert.match(r.stdout, /^Uid:\s+1000\s+1000\s+1000\s+1000$/m, `privilege gained: ${show(r)}`);
    assert.match(r.stdout, /^CapEff:\s+0+$/m, show(r));
    assert.match(r.stdout, /^NoNewPrivs:\s+1$/m, show(r));
    assert.match(r.stdout, /^root NoNewPrivs:\s+1$/m, show(r));
    assert.doesNotMatch(r.stdout, /^touched$/m, `the user wrote /etc: ${show(r)}`);
    await sh(s.id, 'rm -f /usr/local/bin/pier-rootbash', { timeoutMs: CMD_TIMEOUT_MS });
    // Outside: every process of the sandbox runs as a uid of its range, the user's as 101000.
    const listing = { pid: await initPid(s.id) };
    assert.ok(listing.pid, 'the sandbox has no init pid');
    const uidsOf = (pid: number | string): number[] => (/^Uid:\s+(.*)$/m.exec(hostRead(`/proc/${pid}/status`) ?? '')?.[1] ?? '').split(/\s+/).filter(Boolean).map(Number);
    const root = s.idRange?.hostId ?? 100000;
    assert.ok(root >= 100000, `the sandbox's root is host uid ${root}`);
    assert.deepEqual(uidsOf(listing.pid), [root, root, root, root], `the init runs as host uid ${root}, its range's first`);
    const procs = (hostRead(detectCgroupMode() === 'v2' ? `/sys/fs/cgroup/pier/${s.containerId}/cgroup.procs` : `/sys/fs/cgroup/pids/pier/${s.containerId}/cgroup.procs`) ?? '')
      .split('\n')
      .filter(Boolean);
    assert.ok(procs.length >= 2, `no processes in the sandbox's cgroup: ${procs.join(',')}`);
    const uids = procs.map((p) => ({ p, cmd: hostRead(`/proc/${p}/cmdline`)?.replace(/\0/g, ' ').trim(), uids: uidsOf(p) })).filter((x) => x.uids.length > 0);
    assert.deepEqual(uids.filter((x) => x.uids.some((u) => u < root || u >= root + 65536)), [], 'a sandbox process runs as a host uid outside its range');
    assert.ok(uids.some((x) => x.cmd === 'sleep 30' && x.uids.every((u) => u === root + 1000)), `the user's sleep is not uid ${root + 1000} on the host: ${JSON.stringify(uids)}`);
  });

  test('#23 host info leaks: kcore, keys, timer_list, sched_debug, /sys/firmware, /proc/acpi are masked', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const paths = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/sys/firmware', '/proc/acpi', '/proc/latency_stats', '/proc/timer_stats', '/proc/scsi'];
    const hostView = Object.fromEntries(paths.map((p) => [p, existsSync(p) ? 'present' : 'absent']));
    t.diagnostic(`on the host: ${JSON.stringify(hostView)}`);
    const isHidden = (p: Probe | undefined): boolean =>
      p !== undefined && (p.kind === 'absent' || p.error !== undefined || (p.kind === 'file' && p.bytes === 0) || (p.kind === 'dir' && p.entries?.length === 0));
    const masked = await python<Record<string, Probe>>(s.id, PY_PROBE, paths);
    assert.deepEqual(paths.filter((p) => !isHidden(masked[p])).map((p) => `${p}: ${JSON.stringify(masked[p])}`), [], 'readable inside');
    // Masks are mounts in the sandbox's own mount namespace: its root may mount a fresh procfs
    // and a (read-only, as /sys is) sysfs beside them, without the masks. A refused mount is a
    // defense too; whatever mounts must still show nothing of the host.
    const prep = await sh(
      s.id,
      'mkdir -p /tmp/pier-proc /tmp/pier-sys; mount -t proc proc /tmp/pier-proc && echo "proc mounted"; ' +
        'mount -t sysfs -o ro sysfs /tmp/pier-sys && echo "sysfs mounted" && ls /tmp/pier-sys/firmware/acpi/tables 2>/dev/null | sed "s/^/table /"; true',
      { timeoutMs: CMD_TIMEOUT_MS },
    );
    try {
      const procMounted = /^proc mounted$/m.test(prep.stdout);
      const sysMounted = /^sysfs mounted$/m.test(prep.stdout);
      t.diagnostic(`fresh procfs ${procMounted ? 'mounted' : 'refused'}, fresh sysfs ${sysMounted ? 'mounted' : 'refused'}`);
      const fresh = procMounted ? ['kcore', 'timer_list', 'sched_debug', 'kmsg'].map((f) => `/tmp/pier-proc/${f}`) : [];
      const tables = linesStarting(prep.stdout, 'table').map((l) => `/tmp/pier-sys/firmware/acpi/tables/${l.slice('table '.length)}`);
      const unmasked = await python<Record<string, Probe>>(s.id, PY_PROBE, [...fresh, ...tables]);
      const leaked = [...fresh, ...tables].filter((p) => {
        const u = unmasked[p];
        return u !== undefined && u.kind === 'file' && u.error === undefined && (u.bytes ?? 0) > 0;
      });
      assert.deepEqual(leaked.map((p) => `${p}: ${JSON.stringify(unmasked[p])}`), [], 'readable through a fresh procfs/sysfs');
      if (procMounted) {
        // /proc/keys there lists the keys the caller may view: none of a host uid (shown as 65534).
        const keys = await sh(s.id, 'cat /tmp/pier-proc/keys', { timeoutMs: CMD_TIMEOUT_MS });
        const hostKeys = keys.stdout.split('\n').filter((l) => l.trim().split(/\s+/)[5] === '65534');
        assert.deepEqual(hostKeys, [], `host keys visible: ${show(keys)}`);
      }
      if (sysMounted) {
        const memmap = await sh(s.id, 'cat /tmp/pier-sys/firmware/memmap/*/type 2>/dev/null | wc -l', { timeoutMs: CMD_TIMEOUT_MS });
        if (Number(memmap.stdout.trim()) > 0) t.diagnostic('note: /sys/firmware/memmap (the e820 RAM map, mode 0444) is readable through a fresh sysfs');
      }
    } finally {
      await sh(s.id, 'umount /tmp/pier-proc 2>/dev/null; umount /tmp/pier-sys 2>/dev/null; true', { timeoutMs: CMD_TIMEOUT_MS });
    }
  });

  test('#24 kernel log: dmesg, /dev/kmsg and /proc/kmsg are refused', { timeout: TEST_TIMEOUT_MS }, async () => {
    // The host does have a log to leak: otherwise the refusals below would prove nothing.
    assert.ok(execFileSync('dmesg', { encoding: 'utf8', maxBuffer: 64 << 20 }).length > 0, 'the host kernel log is empty');
    const r = await sh(
      s.id,
      [
        'dmesg >/dev/null 2>/tmp/e; echo "dmesg $? $(head -c 200 /tmp/e)"',
        'echo "devkmsg $(test -e /dev/kmsg && echo present || echo absent)"',
        'timeout 2 head -c 1 /dev/kmsg >/dev/null 2>&1; echo "read-devkmsg $?"',
        'mknod /tmp/pier-kmsg c 1 11 2>/dev/null; echo "mknod $?"',
        'timeout 2 head -c 1 /tmp/pier-kmsg >/dev/null 2>&1; echo "read-mknod $?"; rm -f /tmp/pier-kmsg',
        'timeout 2 head -c 1 /proc/kmsg >/dev/null 2>&1; echo "read-prockmsg $?"',
        'mkdir -p /tmp/pier-proc && mount -t proc proc /tmp/pier-proc && { timeout 2 head -c 1 /tmp/pier-proc/kmsg >/dev/null 2>&1; echo "read-freshkmsg $?"; umount /tmp/pier-proc; }',
        'echo done',
      ].join('\n'),
      { timeoutMs: CMD_TIMEOUT_MS },
    );
    assert.match(r.stdout, /^done$/m, show(r));
    assert.match(r.stdout, /^dmesg [1-9]\d* .*Operation not permitted/m, `dmesg: ${show(r)}`);
    assert.match(r.stdout, /^devkmsg absent$/m, show(r));
    for (const step of ['read-devkmsg', 'mknod', 'read-mknod', 'read-prockmsg', 'read-freshkmsg']) {
      const line = linesStarting(r.stdout, step)[0];
      assert.ok(line !== undefined && !line.endsWith(' 0'), `${step}: ${show(r)}`);
    }
  });
});
