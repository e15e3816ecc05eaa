// Builds a sandbox's OCI config.json as plain data: a default, then named transforms. No I/O.
// Shaped after [runc] specconv: Example() → ToRootless().
import { SandboxError } from '../errors.js';
import type { SandboxLimits } from '../types.js';
import { GRANTED_CAPABILITIES } from './capabilities.js';
import type { LinuxSeccomp, OciMount, OciSpec } from './oci-types.js';
import type { CgroupMode } from '../stats/cgroup.js';
import { withNestedCgroups } from './nested.js';

/** runtime-spec version written to config.json (runc 1.1.5 implements 1.0.2). */
export const OCI_VERSION = '1.0.2';

/** CFS period; the quota is a share of it. */
const CPU_PERIOD_US = 100_000;

/** Smallest CFS quota the kernel accepts. */
const CPU_QUOTA_MIN_US = 1_000;

/** Sandboxes go before host services when memory runs out (-1000..1000). */
const SANDBOX_OOM_SCORE_ADJ = 500;

/** Size of the /dev tmpfs: device nodes only. */
const DEV_TMPFS_SIZE_KIB = 65_536;

/**
 * Init: catatonit in pause mode (-P) reaps zombies and runs no child; terminals come via
 * `runc exec`. No child matters: catatonit exits with its child, and `kill -9 -1` inside —
 * the usual cure of a fork bomb — spares PID 1 but not a child such as `sleep infinity`,
 * which ended the whole sandbox (docs/SECURITY.md attack 1: the student's shell recovers).
 */
const INIT_ARGS = ['/usr/bin/catatonit', '-P'];

/**
 * The whole environment of the sandbox's processes: an allowlist, never the server's
 * (STYLE.md §9).
 */
const BASE_ENV = [
  'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  'HOME=/root',
  'TERM=xterm-256color',
  'LANG=C.UTF-8',
];

/**
 * runc's and containerd's defaults: host information and knobs a container has no business
 * reading (docs/SECURITY.md attack 23). Only a first layer here: the sandbox's root holds SYS_ADMIN
 * in its user namespace, so it may unmount a mask or mount a fresh procfs/sysfs beside them
 * (mount_too_revealing() counts only locked mounts, and these are not). What then holds is
 * that the files belong to the host's root, unmapped here (kcore, kmsg, timer_list: 0400).
 * /proc/keys (0444) lists the keys of the viewer's host uid, which every sandbox shares:
 * runc's `_ses.pier-<id>` keyrings of other sandboxes show there (test/security/isolation).
 */
const MASKED_PATHS = [
  '/proc/acpi',
  '/proc/asound',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/**
 * runc's defaults minus `/proc/sys`. /proc/sys stays writable because namespaced sysctls
 * must: podman inside writes net.ipv4.ping_group_range, students set net.ipv4.ip_forward
 * in their own netns. Global sysctls (kernel.core_pattern, vm.drop_caches…) are refused to
 * the root of a non-initial user namespace by the kernel itself — their files are owned
 * by host root, which is unmapped here (docs/SECURITY.md attacks 11, 12).
 */
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sysrq-trigger'];

/** A host path bind-mounted into the sandbox. */
export interface SpecBind {
  /** Absolute host path. */
  source: string;
  /** Absolute path inside the sandbox. */
  destination: string;
  readonly: boolean;
}

/** Everything a sandbox's spec depends on. */
export interface SpecInput {
  /** Absolute path of the root filesystem (the overlay mount). */
  rootfs: string;
  /** RFC 1123 label, e.g. `node1`. */
  hostname: string;
  /** cgroup path, e.g. `/pier/pier-0123456789`, or runc's systemd form `pier.slice:pier:0123456789`. */
  cgroupsPath: string;
  /** Host id that uid/gid 0 inside maps to, and how many ids are mapped. */
  idMap: { hostId: number; size: number };
  /**
   * A user namespace to join (a bind mount of its nsfs file) instead of letting runc create
   * one; it must map exactly `idMap`. pier makes it owned by the sandbox's own host uid.
   */
  userNamespacePath?: string;
  limits: SandboxLimits;
  binds: SpecBind[];
  /** From translateSeccomp; null only for diagnostics (no filter). */
  seccomp: LinuxSeccomp | null;
  /** Extra `NAME=value` entries appended to the allowlisted environment. */
  env?: string[];
  /** The host's cgroup mode; on `v2` nested containers get a writable cgroup namespace (nested.ts). */
  cgroupMode?: CgroupMode;
  /** Whether the runtime delegates the sandbox's v2 subtree to it (runc/delegate.ts). */
  cgroupDelegation?: boolean;
  /** argv of PID 1 (init.ts initArgs); default catatonit in pause mode. */
  init?: string[];
}

/** runc's and crun's systemd cgroupsPath: `slice:prefix:name`. */
const SYSTEMD_CGROUPS_PATH = /^[a-z0-9-]+\.slice:[a-z0-9-]+:[a-z0-9-]+$/;
const HOSTNAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;
const ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*=/;

/** Checks of SpecInput: each names what it guards. */
const INPUT_CHECKS: readonly { what: string; ok: (i: SpecInput) => boolean }[] = [
  { what: 'hostname must be an RFC 1123 label (1-63 of a-z 0-9 -, no leading/trailing -)', ok: (i) => HOSTNAME_PATTERN.test(i.hostname) },
  { what: 'rootfs must be an absolute path', ok: (i) => i.rootfs.startsWith('/') },
  { what: 'cgroupsPath must be an absolute path or slice:prefix:name', ok: (i) => i.cgroupsPath.startsWith('/') || SYSTEMD_CGROUPS_PATH.test(i.cgroupsPath) },
  { what: 'idMap.hostId must be a positive integer', ok: (i) => Number.isSafeInteger(i.idMap.hostId) && i.idMap.hostId > 0 },
  { what: 'idMap.size must be a positive integer', ok: (i) => Number.isSafeInteger(i.idMap.size) && i.idMap.size > 0 },
  { what: 'init must start with a clean absolute path', ok: (i) => i.init === undefined || (i.init.length > 0 && isCleanAbsolute(i.init[0]!)) },
  { what: 'userNamespacePath must be a clean absolute path', ok: (i) => i.userNamespacePath === undefined || isCleanAbsolute(i.userNamespacePath) },
  { what: 'limits.memoryBytes must be a positive integer', ok: (i) => isPositiveInt(i.limits.memoryBytes) },
  { what: 'limits.pids must be a positive integer', ok: (i) => isPositiveInt(i.limits.pids) },
  // The kernel refuses a CFS quota below 1 ms.
  { what: 'limits.cpus must be at least 0.01', ok: (i) => Number.isFinite(i.limits.cpus) && Math.round(i.limits.cpus * CPU_PERIOD_US) >= CPU_QUOTA_MIN_US },
  { what: 'limits.nofile must be a positive integer', ok: (i) => isPositiveInt(i.limits.nofile) },
  { what: 'limits.shmBytes must be a positive integer', ok: (i) => isPositiveInt(i.limits.shmBytes) },
  {
    what: 'binds must have absolute source and destination without ".." or commas',
    ok: (i) => i.binds.every((b) => isCleanAbsolute(b.source) && isCleanAbsolute(b.destination)),
  },
  { what: 'env entries must be NAME=value', ok: (i) => (i.env ?? []).every((e) => ENV_PATTERN.test(e)) },
];

function isPositiveInt(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

function isCleanAbsolute(p: string): boolean {
  return p.startsWith('/') && !p.split('/').includes('..') && !p.includes(',') && !p.includes('\0');
}

/** @throws SandboxError `INVALID_ARGUMENT` naming every failed check */
function validateInput(input: SpecInput): void {
  const failed = INPUT_CHECKS.filter((c) => !c.ok(input)).map((c) => c.what);
  if (failed.length > 0) {
    throw new SandboxError('INVALID_ARGUMENT', `invalid sandbox spec: ${failed.join('; ')}`);
  }
}

/**
 * The default sandbox, before anything per-sandbox: init, environment, capabilities,
 * namespaces, /proc /dev /sys, masked paths. Placeholders (root path, hostname, limits)
 * are filled in by the `with…` transforms.
 */
export function baseSpec(): OciSpec {
  const caps = [...GRANTED_CAPABILITIES];
  return {
    ociVersion: OCI_VERSION,
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [...INIT_ARGS],
      env: [...BASE_ENV],
      cwd: '/root',
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
      rlimits: [],
      noNewPrivileges: true,
      oomScoreAdj: SANDBOX_OOM_SCORE_ADJ,
    },
    root: { path: 'rootfs', readonly: false },
    hostname: 'sandbox',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', `size=${DEV_TMPFS_SIZE_KIB}k`] },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        // newinstance: the sandbox's own pty namespace; its terminals are /dev/pts/N there.
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      // size= is set by withLimits (it is also charged to the memory cgroup).
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      // A fresh sysfs is allowed because the sandbox owns its network namespace. Read-write:
      // the kernel lets a nested container (`docker run --privileged`) mount a read-write
      // sysfs only where a read-write one is already visible. Writes still need the file's
      // owner: host root for everything but the sandbox's own network devices.
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'rw'] },
      // Read-only: nested podman uses --cgroups=disabled. The sandbox's root can still mount a
      // v1 hierarchy read-write (rooted at its cgroup namespace): the limit files there belong
      // to the host's root (EACCES), and release_agent exists only at a hierarchy's root,
      // outside the namespace; Linux >= 5.17 also wants init-ns SYS_ADMIN for it (CVE-2022-0492).
      // docs/SECURITY.md attacks 16, 17 (test/security/kernel.test.ts).
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      uidMappings: [],
      gidMappings: [],
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'user' }, { type: 'cgroup' }],
      resources: {
        memory: { limit: 0, swap: 0 },
        pids: { limit: 0 },
        cpu: { quota: 0, period: CPU_PERIOD_US },
        // Deny every device; runc then allows its defaults (null, zero, full, random,
        // urandom, tty, ptmx, pts) — no block device is ever reachable (attack 13).
        devices: [{ allow: false, access: 'rwm' }],
      },
      cgroupsPath: '',
      maskedPaths: [...MASKED_PATHS],
      readonlyPaths: [...READONLY_PATHS],
    },
  };
}

/** Points the spec at its root filesystem and names the host. */
export function withRoot(spec: OciSpec, rootfs: string, hostname: string): OciSpec {
  return { ...spec, root: { path: rootfs, readonly: false }, hostname };
}

/**
 * Maps uid/gid 0..size-1 inside to hostId.. outside: root inside is nobody outside. With
 * `joinPath` runc joins that namespace (made by pier with the same mapping) instead.
 */
export function withUserNamespace(spec: OciSpec, idMap: SpecInput['idMap'], joinPath?: string): OciSpec {
  const map = [{ containerID: 0, hostID: idMap.hostId, size: idMap.size }];
  const namespaces = joinPath === undefined ? spec.linux.namespaces : spec.linux.namespaces.map((n) => (n.type === 'user' ? { ...n, path: joinPath } : n));
  return { ...spec, linux: { ...spec.linux, namespaces, uidMappings: map, gidMappings: map.map((m) => ({ ...m })) } };
}

/**
 * cgroup limits, RLIMIT_NOFILE and the /dev/shm size. Swap is memory+swap in runc's
 * terms, so swap = limit means no swap at all (docs/SECURITY.md attack 3).
 */
export function withLimits(spec: OciSpec, limits: SandboxLimits, cgroupsPath: string): OciSpec {
  const shmSize = `size=${limits.shmBytes}`;
  return {
    ...spec,
    process: {
      ...spec.process,
      rlimits: [...spec.process.rlimits.filter((r) => r.type !== 'RLIMIT_NOFILE'), { type: 'RLIMIT_NOFILE', hard: limits.nofile, soft: limits.nofile }],
    },
    mounts: spec.mounts.map((m) =>
      m.destination === '/dev/shm' ? { ...m, options: [...m.options.filter((o) => !o.startsWith('size=')), shmSize] } : m,
    ),
    linux: {
      ...spec.linux,
      cgroupsPath,
      resources: {
        ...spec.linux.resources,
        memory: { limit: limits.memoryBytes, swap: limits.memoryBytes },
        pids: { limit: limits.pids },
        cpu: { quota: Math.round(limits.cpus * CPU_PERIOD_US), period: CPU_PERIOD_US },
      },
    },
  };
}

/**
 * Appends the binds after the base mounts. `bind`, not `rbind`: nothing mounted below a
 * host path comes along; `rprivate`: no mount events propagate either way.
 */
export function withMounts(spec: OciSpec, binds: readonly SpecBind[]): OciSpec {
  const mounts = binds.map(
    (b): OciMount => ({
      destination: b.destination,
      type: 'bind',
      source: b.source,
      options: ['bind', 'rprivate', 'nosuid', 'nodev', b.readonly ? 'ro' : 'rw'],
    }),
  );
  return { ...spec, mounts: [...spec.mounts, ...mounts] };
}

/** Installs the seccomp filter, or none when null. */
export function withSeccomp(spec: OciSpec, seccomp: LinuxSeccomp | null): OciSpec {
  const { seccomp: _old, ...linux } = spec.linux;
  return { ...spec, linux: seccomp ? { ...linux, seccomp } : linux };
}

/** Appends entries to the environment (the caller's allowlist). */
export function withEnv(spec: OciSpec, env: readonly string[]): OciSpec {
  return { ...spec, process: { ...spec.process, env: [...spec.process.env, ...env] } };
}

/**
 * The complete config.json of one sandbox.
 * @throws SandboxError `INVALID_ARGUMENT` when the input fails a check (hostname, paths,
 *   non-positive limits)
 */
export function buildSpec(input: SpecInput): OciSpec {
  validateInput(input);
  const steps: ((s: OciSpec) => OciSpec)[] = [
    (s) => withRoot(s, input.rootfs, input.hostname),
    (s) => withUserNamespace(s, input.idMap, input.userNamespacePath),
    (s) => withLimits(s, input.limits, input.cgroupsPath),
    (s) => withMounts(s, input.binds),
    (s) => withSeccomp(s, input.seccomp),
    (s) => withEnv(s, input.env ?? []),
    (s) => (input.cgroupMode ? withNestedCgroups(s, input.cgroupMode, input.cgroupDelegation) : s),
    (s) => (input.init ? { ...s, process: { ...s.process, args: [...input.init] } } : s),
  ];
  return steps.reduce((spec, step) => step(spec), baseSpec());
}
