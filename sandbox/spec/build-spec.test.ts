// Tests of buildSpec: what a sandbox's config.json contains, derived values, and the
// inputs it refuses. Pure: no root, no runc (see runc-accepts-spec.test.ts for that).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isSandboxError } from '../errors.js';
import { DEFAULT_LIMITS, type SandboxLimits } from '../types.js';
import { GRANTED_CAPABILITIES } from './capabilities.js';
import { baseSpec, buildSpec, type SpecInput } from './build-spec.js';
import type { LinuxSeccomp } from './oci-types.js';

const SECCOMP: LinuxSeccomp = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 38,
  architectures: ['SCMP_ARCH_X86_64'],
  syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }],
};

const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  rootfs: '/var/lib/pier/sandboxes/0123456789/rootfs',
  hostname: 'node1',
  cgroupsPath: '/pier/pier-0123456789',
  idMap: { hostId: 100_000, size: 65_536 },
  limits: DEFAULT_LIMITS,
  binds: [],
  seccomp: SECCOMP,
  ...over,
});
const withLimits = (over: Partial<SandboxLimits>) => input({ limits: { ...DEFAULT_LIMITS, ...over } });

test('process: catatonit init, root, /root, no terminal, no_new_privs, OOM first', () => {
  const { process: p } = buildSpec(input());
  assert.deepEqual(p.args, ['/usr/bin/catatonit', '-P']);
  assert.deepEqual(p.user, { uid: 0, gid: 0 });
  assert.equal(p.cwd, '/root');
  assert.equal(p.terminal, false);
  assert.equal(p.noNewPrivileges, true);
  assert.equal(p.oomScoreAdj, 500);
});

test('capabilities: the granted set in bounding, effective, permitted; none ambient or inheritable', () => {
  const { capabilities: c } = buildSpec(input()).process;
  for (const set of [c.bounding, c.effective, c.permitted]) assert.deepEqual(set, [...GRANTED_CAPABILITIES]);
  assert.equal(c.ambient, undefined);
  assert.equal(c.inheritable, undefined);
  assert.equal(GRANTED_CAPABILITIES.length, 24);
  for (const cap of ['CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_TIME', 'CAP_SYS_BOOT', 'CAP_SYSLOG', 'CAP_BPF', 'CAP_PERFMON', 'CAP_MAC_ADMIN']) {
    assert.ok(!c.bounding.includes(cap), cap);
  }
});

test('namespaces: pid, network, ipc, uts, mount, user, cgroup — all new (no path)', () => {
  const { namespaces } = buildSpec(input()).linux;
  assert.deepEqual(namespaces.map((n) => n.type).sort(), ['cgroup', 'ipc', 'mount', 'network', 'pid', 'user', 'uts']);
  assert.ok(namespaces.every((n) => n.path === undefined));
});

test('uid and gid maps: 0..size-1 inside → hostId.. outside', () => {
  const { linux } = buildSpec(input({ idMap: { hostId: 231_072, size: 65_536 } }));
  const want = [{ containerID: 0, hostID: 231_072, size: 65_536 }];
  assert.deepEqual(linux.uidMappings, want);
  assert.deepEqual(linux.gidMappings, want);
  assert.notEqual(linux.uidMappings, linux.gidMappings, 'distinct objects: a later edit of one must not change the other');
});

test('a user namespace made by pier is joined by path, with the same maps', () => {
  const { linux } = buildSpec(input({ idMap: { hostId: 1_000_000_000, size: 65_536 }, userNamespacePath: '/var/lib/pier/sandboxes/0123456789/userns' }));
  assert.deepEqual(linux.namespaces.find((n) => n.type === 'user'), { type: 'user', path: '/var/lib/pier/sandboxes/0123456789/userns' });
  assert.ok(linux.namespaces.filter((n) => n.type !== 'user').every((n) => n.path === undefined), 'only the user namespace is joined');
  assert.deepEqual(linux.uidMappings, [{ containerID: 0, hostID: 1_000_000_000, size: 65_536 }]);
  assert.throws(() => buildSpec(input({ userNamespacePath: 'relative/userns' })), (e) => isSandboxError(e, 'INVALID_ARGUMENT'));
});

describe('limits arithmetic', () => {
  const cases = [
    { cpus: 0.5, quota: 50_000 },
    { cpus: 1, quota: 100_000 },
    { cpus: 1.5, quota: 150_000 },
    { cpus: 0.333, quota: 33_300 },
    { cpus: 4, quota: 400_000 },
  ];
  for (const c of cases) {
    test(`cpus ${c.cpus} → quota ${c.quota} per 100000 µs`, () => {
      assert.deepEqual(buildSpec(withLimits({ cpus: c.cpus })).linux.resources.cpu, { quota: c.quota, period: 100_000 });
    });
  }
  test('memory: swap (memory+swap) equals the limit, so no swap', () => {
    const { memory } = buildSpec(withLimits({ memoryBytes: 768 * 1024 * 1024 })).linux.resources;
    assert.equal(memory.limit, 768 * 1024 * 1024);
    assert.equal(memory.swap, memory.limit);
  });
  test('pids, RLIMIT_NOFILE (soft = hard) and the /dev/shm size', () => {
    const spec = buildSpec(withLimits({ pids: 300, nofile: 2048, shmBytes: 32 * 1024 * 1024 }));
    assert.deepEqual(spec.linux.resources.pids, { limit: 300 });
    assert.deepEqual(spec.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 2048, soft: 2048 }]);
    const shm = spec.mounts.find((m) => m.destination === '/dev/shm');
    assert.deepEqual(shm?.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${32 * 1024 * 1024}`]);
  });
  test('devices: deny all (runc adds its defaults)', () => {
    assert.deepEqual(buildSpec(input()).linux.resources.devices, [{ allow: false, access: 'rwm' }]);
  });
  test('cgroupsPath is passed through', () => {
    assert.equal(buildSpec(input({ cgroupsPath: '/pier/pier-aaaaaaaaaa' })).linux.cgroupsPath, '/pier/pier-aaaaaaaaaa');
  });
});

test('masked paths are runc/containerd defaults', () => {
  assert.deepEqual(buildSpec(input()).linux.maskedPaths, [
    '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
    '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
  ]);
});

test('/proc/sys is not read-only (namespaced sysctls); sysrq-trigger is', () => {
  const { readonlyPaths, maskedPaths } = buildSpec(input()).linux;
  assert.deepEqual(readonlyPaths, ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sysrq-trigger']);
  assert.ok(![...readonlyPaths, ...maskedPaths].some((p) => p === '/proc/sys' || p.startsWith('/proc/sys/')));
});

test('base mounts: proc, dev, devpts, shm, mqueue, sysfs (rw, for docker run --privileged), cgroup (ro)', () => {
  const mounts = buildSpec(input()).mounts;
  assert.deepEqual(
    mounts.map((m) => [m.destination, m.type]),
    [['/proc', 'proc'], ['/dev', 'tmpfs'], ['/dev/pts', 'devpts'], ['/dev/shm', 'tmpfs'], ['/dev/mqueue', 'mqueue'], ['/sys', 'sysfs'], ['/sys/fs/cgroup', 'cgroup']],
  );
  assert.ok(mounts.find((m) => m.type === 'sysfs')?.options.includes('rw'));
  assert.ok(!mounts.find((m) => m.type === 'sysfs')?.options.includes('ro'));
  assert.ok(mounts.find((m) => m.type === 'cgroup')?.options.includes('ro'));
  assert.ok(mounts.find((m) => m.type === 'devpts')?.options.includes('newinstance'));
  assert.ok(mounts.find((m) => m.destination === '/dev')?.options.includes('size=65536k'));
});

test('binds come after the base mounts: bind (not rbind), rprivate, nosuid, nodev, ro|rw', () => {
  const spec = buildSpec(
    input({
      binds: [
        { source: '/var/lib/pier/networks/n/hosts', destination: '/etc/hosts', readonly: true },
        { source: '/var/lib/pier/sandboxes/s/disk/home', destination: '/root', readonly: false },
      ],
    }),
  );
  assert.deepEqual(spec.mounts.slice(-2), [
    { destination: '/etc/hosts', type: 'bind', source: '/var/lib/pier/networks/n/hosts', options: ['bind', 'rprivate', 'nosuid', 'nodev', 'ro'] },
    { destination: '/root', type: 'bind', source: '/var/lib/pier/sandboxes/s/disk/home', options: ['bind', 'rprivate', 'nosuid', 'nodev', 'rw'] },
  ]);
  assert.ok(spec.mounts.every((m) => !m.options.includes('rbind')));
});

describe('environment is an allowlist', () => {
  const ALLOWED = ['PATH', 'HOME', 'TERM', 'LANG'];
  test('the four base variables, with their values', () => {
    assert.deepEqual(buildSpec(input()).process.env, [
      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'HOME=/root',
      'TERM=xterm-256color',
      'LANG=C.UTF-8',
    ]);
  });
  test("nothing of the server's environment leaks in", () => {
    process.env.PIER_TEST_CANARY_SECRET = 'leaked';
    try {
      const env = buildSpec(input({ env: ['LESSON=intro'] })).process.env;
      const names = env.map((e) => e.slice(0, e.indexOf('=')));
      assert.deepEqual(names, [...ALLOWED, 'LESSON']);
      for (const key of Object.keys(process.env).filter((k) => !ALLOWED.includes(k))) {
        assert.ok(!names.includes(key), `${key} leaked`);
      }
      assert.ok(!env.some((e) => e.includes('leaked')));
    } finally {
      delete process.env.PIER_TEST_CANARY_SECRET;
    }
  });
});

test('seccomp: installed when given, absent when null', () => {
  assert.deepEqual(buildSpec(input()).linux.seccomp, SECCOMP);
  assert.ok(!('seccomp' in buildSpec(input({ seccomp: null })).linux));
});

test('hostname, root, ociVersion', () => {
  const spec = buildSpec(input({ hostname: 'web-2' }));
  assert.equal(spec.hostname, 'web-2');
  assert.deepEqual(spec.root, { path: '/var/lib/pier/sandboxes/0123456789/rootfs', readonly: false });
  assert.equal(spec.ociVersion, '1.0.2');
});

test('pure: same input, same spec; JSON round-trips; outputs share no arrays', () => {
  const a = buildSpec(input());
  const fresh = buildSpec(input());
  assert.deepEqual(a, fresh);
  assert.deepEqual(JSON.parse(JSON.stringify(a)), a);
  a.process.capabilities.bounding.push('CAP_SYS_MODULE');
  a.linux.maskedPaths.length = 0;
  a.process.env.push('X=1');
  a.mounts[0]?.options.push('rw');
  assert.ok(!GRANTED_CAPABILITIES.includes('CAP_SYS_MODULE'));
  assert.deepEqual(buildSpec(input()), fresh);
  assert.equal(baseSpec().linux.maskedPaths.length, 11);
});

describe('invalid input is INVALID_ARGUMENT', () => {
  const isInvalid = (e: unknown) => isSandboxError(e, 'INVALID_ARGUMENT');
  const hostnames = ['', '-node', 'node-', 'node_1', 'node.1', 'a'.repeat(64), 'node1\n', 'nöde', 'node 1'];
  for (const hostname of hostnames) {
    test(`hostname ${JSON.stringify(hostname)}`, () => assert.throws(() => buildSpec(input({ hostname })), isInvalid));
  }
  for (const hostname of ['a', 'node1', 'Node-1', 'a'.repeat(63), '1abc']) {
    test(`hostname ${JSON.stringify(hostname.length > 20 ? `${hostname.slice(0, 5)}…(${hostname.length})` : hostname)} is fine`, () => {
      assert.equal(buildSpec(input({ hostname })).hostname, hostname);
    });
  }
  const limits: Partial<SandboxLimits>[] = [
    { memoryBytes: 0 },
    { memoryBytes: -1 },
    { memoryBytes: 1.5 },
    { pids: 0 },
    { cpus: 0 },
    { cpus: -1 },
    { cpus: Number.NaN },
    { cpus: Number.POSITIVE_INFINITY },
    { cpus: 0.001 },
    { nofile: 0 },
    { shmBytes: 0 },
  ];
  for (const l of limits) {
    test(`limits ${JSON.stringify(l, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}`, () => {
      assert.throws(() => buildSpec(withLimits(l)), isInvalid);
    });
  }
  const others: [string, Partial<SpecInput>][] = [
    ['relative rootfs', { rootfs: 'rootfs' }],
    ['relative cgroupsPath', { cgroupsPath: 'pier/x' }],
    ['hostId 0 (host root)', { idMap: { hostId: 0, size: 65_536 } }],
    ['size 0', { idMap: { hostId: 100_000, size: 0 } }],
    ['bind source with ..', { binds: [{ source: '/var/lib/pier/../../etc', destination: '/mnt', readonly: true }] }],
    ['relative bind destination', { binds: [{ source: '/tmp/x', destination: 'mnt', readonly: true }] }],
    ['bind path with a comma', { binds: [{ source: '/tmp/a,b', destination: '/mnt', readonly: true }] }],
    ['env entry without =', { env: ['NOVALUE'] }],
  ];
  for (const [name, over] of others) {
    test(name, () => assert.throws(() => buildSpec(input(over)), isInvalid));
  }
  test('the message names every failed check', () => {
    assert.throws(
      () => buildSpec(input({ hostname: '-', limits: { ...DEFAULT_LIMITS, pids: 0 } })),
      (e) => isInvalid(e) && /hostname/.test((e as Error).message) && /pids/.test((e as Error).message),
    );
  });
});
