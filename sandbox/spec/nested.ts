// What a sandbox's spec needs for nested containers (podman behind `docker`), as pure data:
// the shared offline image store (read-only), the cgroup drop-in the host's cgroup mode
// calls for, and on cgroup v2 a writable cgroup mount for the delegated subtree.
import path from 'node:path';
import { CGROUP_CONF_SOURCES, CGROUP_DROP_IN, NESTED_IMAGE_STORE } from '../image/containers-config.js';
import { DAEMON_CONF_SOURCES, DOCKER_DAEMON_CONF } from '../image/engine-config.js';
import type { CgroupMode } from '../stats/cgroup.js';
import type { SpecBind } from './build-spec.js';
import type { OciSpec } from './oci-types.js';

/** What the nested-container binds depend on. */
export interface NestedContainersInput {
  /** Host path of the sandbox image's root filesystem (the drop-ins live there). */
  imageRootfs: string;
  cgroupMode: CgroupMode;
  /**
   * Host directory of the offline image store (a read-only mounted filesystem, see
   * sandbox/image/docker-images/store.ts), or null when no image set is built.
   */
  imageStore: string | null;
  /** Whether the v2 subtree is delegated (default V2_DELEGATION). */
  delegation?: boolean;
}

/**
 * Whether pier delegates a sandbox's cgroup v2 subtree to the sandbox's root by default:
 * no. The runtime turns it on where it does the delegation (runc/delegate.ts: init in a
 * leaf, controllers enabled, the cgroup chowned to the mapped root, every exec in the leaf),
 * which is on a pure v2 host where systemd delegates pier's scopes. Without it, podman with
 * cgroups enabled cannot create a cgroup, so nested containers use the v1 drop-in (bounded
 * together by the sandbox's limits; per-container `--memory` accepted but not enforced).
 */
export const V2_DELEGATION = false;

/**
 * Which cgroup drop-in nested podman gets: 'v2' (cgroups of its own) only on a cgroup v2
 * host whose sandbox subtree is delegated; otherwise 'v1' (crun without cgroups).
 */
export function nestedCgroups(mode: CgroupMode, delegation: boolean = V2_DELEGATION): 'v1' | 'v2' {
  return mode === 'v2' && delegation ? 'v2' : 'v1';
}

/**
 * The binds of nested containers: podman's cgroup drop-in and dockerd's daemon.json for this
 * host (from the image) and, when built, the offline image store at NESTED_IMAGE_STORE. Both read-only; the
 * store is also read-only at its superblock, since a bind's own `ro` is the sandbox's to
 * remount.
 */
export function nestedContainerBinds(input: NestedContainersInput): SpecBind[] {
  const cgroups = nestedCgroups(input.cgroupMode, input.delegation);
  const binds: SpecBind[] = [
    { source: path.join(input.imageRootfs, CGROUP_CONF_SOURCES[cgroups]), destination: CGROUP_DROP_IN, readonly: true },
    // dockerd's settings (trixie image; the driver drops binds whose source the image lacks).
    { source: path.join(input.imageRootfs, DAEMON_CONF_SOURCES[cgroups]), destination: DOCKER_DAEMON_CONF, readonly: true },
  ];
  if (input.imageStore !== null) binds.push({ source: input.imageStore, destination: NESTED_IMAGE_STORE, readonly: true });
  return binds;
}

/**
 * On a cgroup v2 host, mounts the sandbox's cgroup namespace read-write, so podman inside
 * can create child cgroups under the sandbox's own (delegated) cgroup and `docker run
 * --memory` limits; everything nested stays below the sandbox's limits, which are set on
 * the cgroup above the namespace root. On v1 and hybrid hosts the spec is unchanged.
 */
export function withNestedCgroups(spec: OciSpec, mode: CgroupMode, delegation: boolean = V2_DELEGATION): OciSpec {
  if (nestedCgroups(mode, delegation) !== 'v2') return spec;
  return {
    ...spec,
    mounts: spec.mounts.map((m) =>
      m.destination === '/sys/fs/cgroup' ? { ...m, options: [...m.options.filter((o) => o !== 'ro' && o !== 'rw'), 'rw'] } : m,
    ),
  };
}
