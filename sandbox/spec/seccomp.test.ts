// Tests of the seccomp translation: Docker's rule selection on synthetic profiles, pier's
// hardening, and the verdicts of the real profile installed on this host.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import { GRANTED_CAPABILITIES } from './capabilities.js';
import type { LinuxSeccomp, LinuxSyscall } from './oci-types.js';
import {
  ALLOWED_SOCKET_FAMILIES,
  DEFAULT_SECCOMP_PROFILE_PATH,
  PIER_DENIED_SYSCALLS,
  PIER_ENOSYS_SYSCALLS,
  deniedSyscallErrno,
  findSeccompConflicts,
  hardenSeccomp,
  loadDockerSeccompProfile,
  translateDockerSeccomp,
  translateSeccomp,
  type DockerSeccompProfile,
} from './seccomp.js';

const ENOSYS = 38;

/**
 * What the filter does with one call, the way libseccomp resolves it: an unconditional
 * rule decides; otherwise the first argument-filtered rule whose conditions all hold;
 * otherwise the default. (Only SCMP_CMP_EQ/NE, all this file needs.)
 */
function verdict(seccomp: LinuxSeccomp, name: string, args: number[] = []): string {
  const show = (action: string, errno?: number) => (action === 'SCMP_ACT_ERRNO' ? `ERRNO(${errno ?? 1})` : action.replace('SCMP_ACT_', ''));
  const rules = seccomp.syscalls.filter((r) => r.names.includes(name));
  const matches = (r: LinuxSyscall) =>
    (r.args ?? []).every((a) => (a.op === 'SCMP_CMP_EQ' ? args[a.index] === a.value : a.op === 'SCMP_CMP_NE' ? args[a.index] !== a.value : false));
  const rule = rules.find((r) => !r.args?.length) ?? rules.find(matches);
  return rule ? show(rule.action, rule.errnoRet) : show(seccomp.defaultAction, seccomp.defaultErrnoRet);
}

const profile = (syscalls: DockerSeccompProfile['syscalls'], archMap?: DockerSeccompProfile['archMap']): DockerSeccompProfile => ({
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: ENOSYS,
  ...(archMap ? { archMap } : {}),
  syscalls,
});

const X64 = { capabilities: ['CAP_SYS_ADMIN', 'CAP_CHOWN'], arch: 'x64', kernel: '6.18.44-fc' };

describe('translateDockerSeccomp keeps a rule only when its includes/excludes fit', () => {
  const cases: { name: string; rule: DockerSeccompProfile['syscalls'][number]; target?: Partial<typeof X64>; kept: boolean }[] = [
    { name: 'no includes or excludes', rule: { names: ['read'], action: 'SCMP_ACT_ALLOW' }, kept: true },
    { name: 'includes.caps all granted', rule: { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_CHOWN'] } }, kept: true },
    { name: 'includes.caps one not granted', rule: { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_SYS_MODULE'] } }, kept: false },
    { name: 'includes.caps granted without the CAP_ prefix', rule: { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }, target: { capabilities: ['sys_admin'] }, kept: true },
    { name: 'includes.arches names the host', rule: { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } }, kept: true },
    { name: 'includes.arches misses the host', rule: { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } }, target: { arch: 'arm64' }, kept: false },
    { name: 'includes.arches for arm64 on arm64', rule: { names: ['cacheflush'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm', 'arm64'] } }, target: { arch: 'arm64' }, kept: true },
    { name: 'includes.minKernel older than the host', rule: { names: ['openat2'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5.6' } }, kept: true },
    { name: 'includes.minKernel newer than the host', rule: { names: ['openat2'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '6.19' } }, kept: false },
    { name: 'excludes.caps granted', rule: { names: ['bpf'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_ADMIN'] } }, kept: false },
    { name: 'excludes.caps one of several granted', rule: { names: ['bpf'], action: 'SCMP_ACT_ERRNO', excludes: { caps: ['CAP_BPF', 'CAP_CHOWN'] } }, kept: false },
    { name: 'excludes.caps none granted', rule: { names: ['init_module'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, excludes: { caps: ['CAP_SYS_MODULE'] } }, kept: true },
    { name: 'excludes.arches names the host', rule: { names: ['x'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['amd64'] } }, kept: false },
    { name: 'excludes.arches another arch', rule: { names: ['x'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['s390x'] } }, kept: true },
    { name: 'includes and excludes both empty objects', rule: { names: ['x'], action: 'SCMP_ACT_ALLOW', includes: {}, excludes: {} }, kept: true },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const out = translateDockerSeccomp(profile([c.rule]), { ...X64, ...c.target });
      assert.equal(out.syscalls.length, c.kept ? 1 : 0);
    });
  }
});

test('translateDockerSeccomp writes OCI rules: names, errnoRet, args; no includes/excludes', () => {
  const out = translateDockerSeccomp(
    profile([
      { name: 'personality', action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
      { names: ['swapon', 'swapoff'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: null, includes: {} },
      { names: ['kcmp'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0xff, valueTwo: 0x10, op: 'SCMP_CMP_MASKED_EQ' }] },
    ]),
    X64,
  );
  assert.deepEqual(out.syscalls, [
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
    { names: ['swapon', 'swapoff'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
    { names: ['kcmp'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0xff, valueTwo: 0x10, op: 'SCMP_CMP_MASKED_EQ' }] },
  ]);
  assert.equal(out.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(out.defaultErrnoRet, ENOSYS);
});

describe('translateDockerSeccomp architectures', () => {
  const archMap = [
    { architecture: 'SCMP_ARCH_X86_64' as const, subArchitectures: ['SCMP_ARCH_X86' as const, 'SCMP_ARCH_X32' as const] },
    { architecture: 'SCMP_ARCH_AARCH64' as const, subArchitectures: ['SCMP_ARCH_ARM' as const] },
  ];
  const cases = [
    { arch: 'x64', archMap, want: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { arch: 'arm64', archMap, want: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] },
    { arch: 'x64', archMap: undefined, want: ['SCMP_ARCH_X86_64'] },
    { arch: 's390x', archMap, want: ['SCMP_ARCH_S390X'] },
  ];
  for (const c of cases) {
    test(`${c.arch}${c.archMap ? '' : ' without archMap'}`, () => {
      assert.deepEqual(translateDockerSeccomp(profile([], c.archMap), { ...X64, arch: c.arch }).architectures, c.want);
    });
  }
  test('an unknown node arch is HOST_UNSUPPORTED', () => {
    assert.throws(() => translateDockerSeccomp(profile([]), { ...X64, arch: 'mips' }), (e) => isSandboxError(e, 'HOST_UNSUPPORTED'));
  });
});

describe('hardenSeccomp', () => {
  const docker: LinuxSeccomp = {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: ENOSYS,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: ['read', 'keyctl', 'socket', 'syslog'], action: 'SCMP_ACT_ALLOW' },
      { names: ['bpf', 'perf_event_open', 'setns'], action: 'SCMP_ACT_ALLOW' },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW' },
      { names: ['userfaultfd'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
      { names: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'], action: 'SCMP_ACT_ALLOW' },
    ],
  };
  const hard = hardenSeccomp(docker);

  test('keeps only the native architecture (i386 socketcall would bypass the family filter)', () => {
    assert.deepEqual(hard.architectures, ['SCMP_ARCH_X86_64']);
  });
  test('each denied syscall is named by exactly one rule: the final EPERM rule, or the ENOSYS one for keyrings', () => {
    const denied = Object.keys(PIER_DENIED_SYSCALLS);
    assert.deepEqual(hard.syscalls.slice(-2), [
      { names: denied.filter((n) => !PIER_ENOSYS_SYSCALLS.has(n)), action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
      { names: ['keyctl', 'add_key', 'request_key'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
    ]);
    for (const name of denied) {
      assert.equal(hard.syscalls.filter((r) => r.names.includes(name)).length, 1, name);
      assert.equal(verdict(hard, name), `ERRNO(${deniedSyscallErrno(name)})`, name);
    }
  });
  test('other names of a stripped rule stay allowed; emptied rules disappear', () => {
    assert.equal(verdict(hard, 'read'), 'ALLOW');
    assert.equal(verdict(hard, 'setns'), 'ALLOW');
    assert.ok(hard.syscalls.every((r) => r.names.length > 0));
  });
  test('socket is allowed only for the listed families, one SCMP_CMP_EQ rule each', () => {
    const socketRules = hard.syscalls.filter((r) => r.names.includes('socket'));
    assert.equal(socketRules.length, Object.keys(ALLOWED_SOCKET_FAMILIES).length);
    for (const r of socketRules) {
      assert.deepEqual(r.names, ['socket']);
      assert.equal(r.action, 'SCMP_ACT_ALLOW');
      assert.equal(r.args?.length, 1);
      assert.equal(r.args?.[0]?.op, 'SCMP_CMP_EQ');
    }
    for (const family of Object.values(ALLOWED_SOCKET_FAMILIES)) assert.equal(verdict(hard, 'socket', [family]), 'ALLOW');
    for (const family of [38 /* AF_ALG */, 40 /* AF_VSOCK */, 44 /* AF_XDP */, 30 /* AF_TIPC */]) {
      assert.equal(verdict(hard, 'socket', [family]), `ERRNO(${ENOSYS})`, `family ${family}`);
    }
  });
  test('leaves the input untouched', () => {
    assert.equal(docker.architectures.length, 3);
    assert.ok(docker.syscalls[0]?.names.includes('keyctl'));
  });
  test('the result has no libseccomp conflicts', () => {
    assert.deepEqual(findSeccompConflicts(hard), []);
  });
});

describe('findSeccompConflicts', () => {
  const base = { defaultAction: 'SCMP_ACT_ERRNO' as const, architectures: ['SCMP_ARCH_X86_64' as const] };
  const eq = (value: number) => [{ index: 0, value, op: 'SCMP_CMP_EQ' as const }];
  const cases: { name: string; syscalls: LinuxSyscall[]; conflicts: number }[] = [
    { name: 'same unconditional action twice (libseccomp merges)', syscalls: [{ names: ['a'], action: 'SCMP_ACT_ALLOW' }, { names: ['a', 'b'], action: 'SCMP_ACT_ALLOW' }], conflicts: 0 },
    { name: 'unconditional ALLOW then ERRNO (libseccomp silently keeps ALLOW)', syscalls: [{ names: ['bpf'], action: 'SCMP_ACT_ALLOW' }, { names: ['bpf'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }], conflicts: 1 },
    { name: 'unconditional ALLOW plus conditional ERRNO (libseccomp EEXIST)', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW' }, { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: eq(40) }], conflicts: 1 },
    { name: 'ERRNO with different errno', syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, { names: ['x'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }], conflicts: 1 },
    { name: 'conditional rules only, different actions', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: eq(1) }, { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: eq(40) }], conflicts: 0 },
  ];
  for (const c of cases) {
    test(c.name, () => assert.equal(findSeccompConflicts({ ...base, syscalls: c.syscalls }).length, c.conflicts));
  }
});

describe('loadDockerSeccompProfile', () => {
  let dir = '';
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string) => {
    dir ||= await mkdtemp(path.join(tmpdir(), 'pier-seccomp-'));
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };

  test('a missing file is HOST_UNSUPPORTED and names the file', async () => {
    await assert.rejects(loadDockerSeccompProfile('/nonexistent/seccomp.json'), (e) => isSandboxError(e, 'HOST_UNSUPPORTED') && e.message.includes('/nonexistent/seccomp.json'));
  });
  const bad = [
    { name: 'not JSON', text: '{"defaultAction": ' },
    { name: 'no syscalls', text: '{"defaultAction":"SCMP_ACT_ERRNO"}' },
    { name: 'unknown action', text: '{"defaultAction":"SCMP_ACT_MAYBE","syscalls":[]}' },
    { name: 'rule without names', text: '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"action":"SCMP_ACT_ALLOW"}]}' },
    { name: 'arg index out of range', text: '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":0,"op":"SCMP_CMP_EQ"}]}]}' },
    { name: 'bad architecture name', text: '{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"x86_64"}],"syscalls":[]}' },
  ];
  for (const b of bad) {
    test(`malformed (${b.name}) is HOST_UNSUPPORTED`, async () => {
      const file = await write(`${b.name.replace(/\W+/g, '-')}.json`, b.text);
      await assert.rejects(loadDockerSeccompProfile(file), (e) => isSandboxError(e, 'HOST_UNSUPPORTED') && e.message.includes(file));
    });
  }
  test('a minimal valid profile loads', async () => {
    const file = await write('ok.json', '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","comment":"ignored"}]}');
    const p = await loadDockerSeccompProfile(file);
    assert.deepEqual(p.syscalls, [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }]);
  });
});

// --- The real profile of this host ------------------------------------------------------

const realProfileMissing = await access(DEFAULT_SECCOMP_PROFILE_PATH).then(
  () => null,
  () => `${DEFAULT_SECCOMP_PROFILE_PATH} is missing (apt-get install golang-github-containers-common)`,
);
const inCI = process.env.CI === 'true';
if (realProfileMissing && !inCI) console.log(`# skipping the real-profile tests: ${realProfileMissing}`);

describe('the real profile (Debian containers-common) for pier', { skip: realProfileMissing && !inCI ? realProfileMissing : false }, () => {
  const target = { capabilities: GRANTED_CAPABILITIES, arch: process.arch };
  const load = async () => {
    if (realProfileMissing) assert.fail(`in CI nothing skips: ${realProfileMissing}`);
    return loadDockerSeccompProfile();
  };

  test('Docker semantics give 19 rules on x86_64 (as measured with containers-common 0.50.1), with x86 and x32 sub-architectures', { skip: process.arch !== 'x64' && 'measured on x64 only' }, async () => {
    const docker = translateDockerSeccomp(await load(), target);
    assert.equal(docker.syscalls.length, 19, '19 rules were measured with containers-common 0.50.1; re-measure if the package changed');
    assert.deepEqual(docker.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    // Why pier hardens: with CAP_SYS_ADMIN this profile opens bpf and perf_event_open,
    // and it allows keyctl and syslog outright.
    for (const name of ['bpf', 'perf_event_open', 'keyctl', 'syslog', 'open_by_handle_at']) assert.equal(verdict(docker, name), 'ALLOW', name);
    // …and io_uring is not named at all: the default ENOSYS.
    assert.equal(verdict(docker, 'io_uring_setup'), `ERRNO(${ENOSYS})`);
  });

  const refused = [
    'keyctl', 'add_key', 'request_key', 'bpf', 'perf_event_open', 'userfaultfd', 'kexec_load', 'kexec_file_load',
    'init_module', 'finit_module', 'delete_module', 'open_by_handle_at', 'syslog', 'reboot', 'settimeofday',
    'clock_settime', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'swapon', 'swapoff', 'acct',
    'iopl', 'ioperm', 'vmsplice', 'uselib',
  ];
  test('exploit primitives and host-global syscalls are refused', async () => {
    const seccomp = translateSeccomp(await load(), target);
    for (const name of refused) assert.match(verdict(seccomp, name), /^ERRNO\(/, name);
    for (const name of Object.keys(PIER_DENIED_SYSCALLS)) assert.equal(verdict(seccomp, name), `ERRNO(${deniedSyscallErrno(name)})`, name);
    for (const name of ['keyctl', 'add_key', 'request_key']) assert.equal(verdict(seccomp, name), `ERRNO(${ENOSYS})`, name);
  });

  // mount_setattr: this profile allows it outright, and pier keeps it. It changes flags of
  // mounts in the caller's mount namespace, checked against that namespace's owning user
  // namespace (the sandbox's); podman and `mount -o remount,ro` on recursive binds use it.
  // clone3: allowed here outright (Docker's own profile answers ENOSYS without
  // CAP_SYS_ADMIN so that glibc falls back to clone; pier grants SYS_ADMIN either way).
  const allowed = ['unshare', 'mount', 'umount2', 'setns', 'clone', 'clone3', 'chroot', 'pivot_root', 'sethostname', 'mount_setattr', 'ptrace', 'read', 'execve'];
  test('namespace and mount syscalls stay allowed (unshare, mount, setns, clone3, chroot…)', async () => {
    const seccomp = translateSeccomp(await load(), target);
    for (const name of allowed) assert.equal(verdict(seccomp, name), 'ALLOW', name);
  });

  test('socket: AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET only', async () => {
    const seccomp = translateSeccomp(await load(), target);
    for (const family of [1, 2, 10, 16, 17]) assert.equal(verdict(seccomp, 'socket', [family]), 'ALLOW', `family ${family}`);
    for (const family of [38, 40, 44, 30, 21, 31]) assert.equal(verdict(seccomp, 'socket', [family]), `ERRNO(${ENOSYS})`, `family ${family}`);
    assert.equal(verdict(seccomp, 'socketpair'), 'ALLOW');
  });

  test('native architecture only, default ENOSYS, and no rule conflicts', async () => {
    const seccomp = translateSeccomp(await load(), target);
    assert.equal(seccomp.architectures.length, 1);
    assert.equal(seccomp.defaultAction, 'SCMP_ACT_ERRNO');
    assert.equal(seccomp.defaultErrnoRet, ENOSYS);
    assert.deepEqual(findSeccompConflicts(seccomp), []);
  });
});
