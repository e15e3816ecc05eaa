// Names and paths of every host object a sandbox or network owns. Each is derived from an
// id, so reconciliation can find what belongs to pier and to which sandbox.
import path from 'node:path';

/** Where the runtime keeps its files and runc's state. */
export interface RuntimePaths {
  /** Persistent state (images, sandboxes, networks), default `/var/lib/pier`. */
  stateDir: string;
  /** runc's `--root`, on tmpfs, default `/run/pier/runc`. */
  runcRoot: string;
}

export const DEFAULT_PATHS: RuntimePaths = { stateDir: '/var/lib/pier', runcRoot: '/run/pier/runc' };

/** Ids are 10 lowercase hex characters: short enough for 15-byte interface names. */
export const ID_PATTERN = /^[0-9a-f]{10}$/;

/** Prefixes of host objects; `pier` in each lets an admin spot them. */
export const NAME = {
  container: 'pier-',
  veth: 'pierv',
  bridge: 'pierb',
  cgroupParent: 'pier',
} as const;

export const containerId = (id: string): string => `${NAME.container}${id}`;
export const vethName = (id: string): string => `${NAME.veth}${id}`;
export const bridgeName = (networkId: string): string => `${NAME.bridge}${networkId}`;
/** The systemd slice that holds every sandbox's scope on a systemd host. */
export const SYSTEMD_SLICE = 'pier.slice';

/**
 * cgroup path relative to each hierarchy's root (v1) or the unified root (v2): the scope
 * `pier-<id>.scope` in pier.slice when systemd manages cgroups, else `/<parent>/pier-<id>`
 * (`parent` is `pier` but for tests that need a parent of their own).
 */
export const cgroupPath = (id: string, manager: 'systemd' | 'cgroupfs' = 'cgroupfs', parent: string = NAME.cgroupParent): string =>
  manager === 'systemd' ? `/${SYSTEMD_SLICE}/${containerId(id)}.scope` : `/${parent}/${containerId(id)}`;

/** The spec's cgroupsPath: runc's `slice:prefix:name` for its systemd driver (the scope above), else the path. */
export const specCgroupsPath = (id: string, manager: 'systemd' | 'cgroupfs' = 'cgroupfs', parent: string = NAME.cgroupParent): string =>
  manager === 'systemd' ? `${SYSTEMD_SLICE}:${NAME.cgroupParent}:${id}` : cgroupPath(id, manager, parent);

/** Where the sandboxes' cgroups are, relative to the cgroup root (their parent). */
export const cgroupParentPath = (manager: 'systemd' | 'cgroupfs' = 'cgroupfs', parent: string = NAME.cgroupParent): string =>
  manager === 'systemd' ? `/${SYSTEMD_SLICE}` : `/${parent}`;

/** Per-sandbox paths under the state dir. */
export function sandboxPaths(paths: RuntimePaths, id: string) {
  const dir = path.join(paths.stateDir, 'sandboxes', id);
  return {
    dir,
    info: path.join(dir, 'sandbox.json'),
    /** Sparse ext4 file holding upper/ and work/ (the disk limit). */
    diskImage: path.join(dir, 'disk.img'),
    /** Mount point of the ext4 disk. */
    disk: path.join(dir, 'disk'),
    upper: path.join(dir, 'disk', 'upper'),
    work: path.join(dir, 'disk', 'work'),
    /** Overlay mount: the sandbox's root filesystem. */
    rootfs: path.join(dir, 'rootfs'),
    bundle: path.join(dir, 'bundle'),
    /** Bind mount of the sandbox's user namespace (per-sandbox ids), until runc has joined it. */
    userns: path.join(dir, 'userns'),
    /** Idmapped view of the offline image store (per-sandbox ids), until runc has bound it. */
    store: path.join(dir, 'store'),
    config: path.join(dir, 'bundle', 'config.json'),
  };
}

/** Per-network paths under the state dir. */
export function networkPaths(paths: RuntimePaths, networkId: string) {
  const dir = path.join(paths.stateDir, 'networks', networkId);
  return {
    dir,
    info: path.join(dir, 'network.json'),
    /** Shared /etc/hosts, bind-mounted read-only into every node. */
    hosts: path.join(dir, 'hosts'),
    /** Shared /etc/resolv.conf, bind-mounted read-only into every node. */
    resolvConf: path.join(dir, 'resolv.conf'),
    /** One claim directory per used address index (atomic mkdir). */
    addresses: path.join(dir, 'addresses'),
  };
}

/** Directory of subnet claims: `subnets/<index>` exists while a network holds it. */
export const subnetClaimsDir = (paths: RuntimePaths): string => path.join(paths.stateDir, 'subnets');

/** Images live here, one directory per recipe hash. */
export const imagesDir = (paths: RuntimePaths): string => path.join(paths.stateDir, 'images');

/**
 * Host uid/gid the image's files are shifted to on disk (owner n inside is stored as
 * SANDBOX_ID_BASE + n), and the one range every sandbox maps in the `shared` uid mode.
 * In the `per-sandbox` mode no sandbox maps it: each sees the image through an idmapped
 * mount onto its own range (sandbox/idmap/).
 */
export const SANDBOX_ID_BASE = 100_000;
/** How many uids/gids each sandbox maps (0..65535 inside). */
export const SANDBOX_ID_COUNT = 65_536;

/** Directory of host id range claims: `uidranges/<index>` exists while a sandbox holds it. */
export const idRangeClaimsDir = (paths: RuntimePaths): string => path.join(paths.stateDir, 'uidranges');
