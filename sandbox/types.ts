// Plain data the sandbox runtime takes and returns. Everything here is JSON-serialisable
// so that a restarted server can re-attach to what it started ([jhub] get_state/load_state).

/** Resource limits of one sandbox. Sizes in bytes. */
export interface SandboxLimits {
  /** Memory hard limit; swap is always 0 on top of it. */
  memoryBytes: number;
  /** Maximum number of tasks (processes and threads). */
  pids: number;
  /** CPU quota in cores, e.g. 0.5 or 1. */
  cpus: number;
  /** Size of the sandbox's writable disk (ENOSPC beyond it). */
  diskBytes: number;
  /** Number of inodes on the sandbox's writable disk. */
  inodes: number;
  /** RLIMIT_NOFILE of every process. */
  nofile: number;
  /** Size of the /dev/shm tmpfs (it is also charged to memory). */
  shmBytes: number;
}

/** Limits used when a caller names none. */
export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 512 * 1024 * 1024,
  pids: 512,
  cpus: 1,
  diskBytes: 2 * 1024 * 1024 * 1024,
  inodes: 131_072,
  nofile: 4096,
  shmBytes: 64 * 1024 * 1024,
};

/** What to create. */
export interface SandboxCreateSpec {
  /**
   * Network to join, from `createNetwork`. Absent: the sandbox gets a private network of
   * its own, removed together with it.
   */
  network?: string;
  /** Hostname inside, also its name in the network's /etc/hosts (e.g. `node1`). */
  hostname: string;
  /** Limits; missing fields take DEFAULT_LIMITS. */
  limits?: Partial<SandboxLimits>;
  /** Image id; default the newest built image. */
  image?: string;
  /** Opaque labels kept with the sandbox (the server stores its session id here). */
  labels?: Record<string, string>;
  /** How its ids map to the host; default the driver's (config `uidMode`). */
  uidMode?: UidMode;
}

/** A session network: one bridge, one subnet, several nodes. */
export interface NetworkInfo {
  /** 10 lowercase hex characters. */
  id: string;
  /** Host bridge device, `pierb<id>`. */
  bridge: string;
  /** Subnet in CIDR form, e.g. `10.87.0.32/27`. */
  subnet: string;
  /** Host's address on the bridge (gateway), e.g. `10.87.0.33`. */
  gateway: string;
  /** Whether nodes may reach the internet through NAT. */
  outbound: boolean;
  /** Removed together with its only sandbox (created implicitly by `create`). */
  ephemeral: boolean;
  createdAt: string;
}

/**
 * How a sandbox's ids map to the host. `per-sandbox`: a 65536-id range of its own from the
 * pool (idmapped views of the shared image and image store, a user namespace owned by that
 * range). `shared`: the image's own range (host 100000..165535), the same for every
 * sandbox, as before ranges existed (the image-set build and the benchmark's baseline).
 */
export type UidMode = 'per-sandbox' | 'shared';

/**
 * The host ids a sandbox's uids/gids 0..size-1 map to: `hostId`..`hostId + size - 1`.
 * `index` is its claim under `uidranges/`, or null for the shared range.
 */
export interface IdRange {
  index: number | null;
  hostId: number;
  size: number;
}

/** Saved state of one sandbox (`sandbox.json`). */
export interface SandboxInfo {
  /** 10 lowercase hex characters; every host object is named from it. */
  id: string;
  /** runc container id, `pier-<id>`. */
  containerId: string;
  hostname: string;
  network: string;
  /** The node's IPv4 address on its network. */
  address: string;
  image: string;
  limits: SandboxLimits;
  labels: Record<string, string>;
  createdAt: string;
  /** Its host ids (absent in state saved before ranges: the shared range). */
  idRange?: IdRange;
}

/** Live status, from runc and the mounts. */
export type SandboxStatus = 'running' | 'stopped' | 'broken';

/** A sandbox with its live status, as `list()` returns it. */
export interface SandboxListing extends SandboxInfo {
  status: SandboxStatus;
  /** Why it is broken, when it is. */
  problem?: string;
  /**
   * True when its state could not be read (runc answered an error other than "does not
   * exist", twice): it may well be alive, so reconciliation leaves it alone.
   */
  uncertain?: boolean;
}

/** Resource use of one sandbox, read from its cgroup. */
export interface SandboxStats {
  memoryBytes: number;
  memoryLimitBytes: number;
  /** Total CPU time used since start, in microseconds. */
  cpuUsageUsec: number;
  pids: number;
  pidsLimit: number;
  /** Bytes used on the writable disk, and its size. */
  diskUsedBytes: number;
  diskLimitBytes: number;
}

/** How to run a command inside a sandbox. */
export interface ExecOptions {
  /** argv; the first element is looked up in the sandbox's PATH. */
  cmd: string[];
  /** Extra environment (an allowlist: nothing of the server's leaks in). */
  env?: Record<string, string>;
  /** Working directory inside (default `/root`). */
  cwd?: string;
}

/** A terminal size in character cells. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/** The outcome of a command run to completion. */
export interface RunResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** What reconciliation did. */
export interface ReconcileReport {
  adopted: string[];
  removed: string[];
  /** Host objects removed that belonged to no known sandbox. */
  orphans: string[];
  /** Sandboxes left alone because their state could not be read (id: why). */
  skipped: string[];
}

/**
 * A port something listens on inside a sandbox. `reachable`: at least one listener is bound
 * to a non-loopback address (the wildcards or the node's own), so it can be reached from the
 * network (hence through the port proxy); a port bound to 127.0.0.1 or ::1 alone is listed
 * unreachable so the UI can tell the student to bind 0.0.0.0.
 */
export interface ListeningPort {
  port: number;
  reachable: boolean;
  /** Every local address a listener on this port is bound to, sorted, without repeats. */
  addresses: string[];
}
