// Types of the OCI runtime-spec config.json subset pier writes, in the spec's own names.
// Subset of runtime-spec v1.0.2 ([runc] specs-go/config.go).

/** A POSIX rlimit of the sandbox's processes. */
export interface PosixRlimit {
  /** e.g. `RLIMIT_NOFILE`. */
  type: string;
  hard: number;
  soft: number;
}

/** Capability sets of the process, names like `CAP_SYS_ADMIN`. */
export interface LinuxCapabilities {
  bounding: string[];
  effective: string[];
  permitted: string[];
  inheritable?: string[];
  ambient?: string[];
}

/** The container's init process. */
export interface OciProcess {
  terminal: boolean;
  user: { uid: number; gid: number };
  args: string[];
  /** `NAME=value` entries. */
  env: string[];
  cwd: string;
  capabilities: LinuxCapabilities;
  rlimits: PosixRlimit[];
  noNewPrivileges: boolean;
  /** -1000..1000; higher is killed first by the OOM killer. */
  oomScoreAdj: number;
}

/** The root filesystem. */
export interface OciRoot {
  /** Absolute, or relative to the bundle. */
  path: string;
  readonly: boolean;
}

/** One mount, in the order runc performs them. */
export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** One range of a user namespace's id map. */
export interface LinuxIdMapping {
  containerID: number;
  hostID: number;
  size: number;
}

/** Namespace kinds of runtime-spec. */
export type LinuxNamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup';

/** A namespace to create (no `path`) or join (`path`). */
export interface LinuxNamespace {
  type: LinuxNamespaceType;
  path?: string;
}

/** A device cgroup rule. */
export interface LinuxDeviceCgroup {
  allow: boolean;
  /** `a` (all), `c` or `b`. */
  type?: string;
  major?: number;
  minor?: number;
  /** Some of `rwm`. */
  access: string;
}

/** cgroup limits. Sizes in bytes, times in microseconds. */
export interface LinuxResources {
  memory: {
    /** Memory limit in bytes. */
    limit: number;
    /** Memory plus swap in bytes (equal to `limit` ⇒ no swap). */
    swap: number;
    reservation?: number;
  };
  pids: { limit: number };
  cpu: {
    /** CPU time per period, in microseconds. */
    quota: number;
    /** Period, in microseconds. */
    period: number;
    shares?: number;
  };
  devices: LinuxDeviceCgroup[];
}

/** Seccomp actions runc understands. */
export type SeccompAction =
  | 'SCMP_ACT_KILL'
  | 'SCMP_ACT_KILL_PROCESS'
  | 'SCMP_ACT_KILL_THREAD'
  | 'SCMP_ACT_TRAP'
  | 'SCMP_ACT_ERRNO'
  | 'SCMP_ACT_TRACE'
  | 'SCMP_ACT_ALLOW'
  | 'SCMP_ACT_LOG'
  | 'SCMP_ACT_NOTIFY';

/** Comparison operators of a seccomp argument filter. */
export type SeccompOperator =
  | 'SCMP_CMP_NE'
  | 'SCMP_CMP_LT'
  | 'SCMP_CMP_LE'
  | 'SCMP_CMP_EQ'
  | 'SCMP_CMP_GE'
  | 'SCMP_CMP_GT'
  | 'SCMP_CMP_MASKED_EQ';

/** Architecture names of libseccomp, e.g. `SCMP_ARCH_X86_64`. */
export type SeccompArch = `SCMP_ARCH_${string}`;

/** A condition on one syscall argument. All of a rule's conditions must hold. */
export interface LinuxSeccompArg {
  /** Argument index, 0..5. */
  index: number;
  value: number;
  /** Second operand of `SCMP_CMP_MASKED_EQ` (the value compared after masking). */
  valueTwo?: number;
  op: SeccompOperator;
}

/** One rule: `action` for these syscalls (when `args`, only when they match). */
export interface LinuxSyscall {
  names: string[];
  action: SeccompAction;
  errnoRet?: number;
  args?: LinuxSeccompArg[];
}

/** The seccomp filter: `defaultAction` for every syscall no rule names. */
export interface LinuxSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures: SeccompArch[];
  syscalls: LinuxSyscall[];
}

/** Linux-specific configuration. */
export interface OciLinux {
  uidMappings: LinuxIdMapping[];
  gidMappings: LinuxIdMapping[];
  namespaces: LinuxNamespace[];
  resources: LinuxResources;
  cgroupsPath: string;
  seccomp?: LinuxSeccomp;
  maskedPaths: string[];
  readonlyPaths: string[];
  sysctl?: Record<string, string>;
}

/** A whole `config.json`. */
export interface OciSpec {
  ociVersion: string;
  process: OciProcess;
  root: OciRoot;
  hostname: string;
  mounts: OciMount[];
  linux: OciLinux;
  /** Runtime-specific settings (e.g. crun's `run.oci.systemd.subgroup`). */
  annotations?: Record<string, string>;
}
