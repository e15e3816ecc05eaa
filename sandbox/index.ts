// The sandbox runtime's public face: server/ and the CLI import from here and nowhere deeper.
import { existsSync } from 'node:fs';
import { SandboxError } from './errors.js';
import type { SandboxDriver } from './driver.js';
import { DEFAULT_LIMITS, type SandboxLimits, type UidMode } from './types.js';
import { DEFAULT_ID_RANGES } from './idmap/ranges.js';
import { DEFAULT_PATHS, cgroupPath, type RuntimePaths } from './layout.js';
import { detectCgroupManager, detectCgroupMode } from './stats/cgroup.js';
import { chooseRuntime, installedRuntimes, type RuntimeChoice, type RuntimePreference } from './host/oci-runtime.js';
import { createRuncDriver } from './runc/driver.js';
import type { HostReserve } from './host/parent-cgroup.js';
import { buildImage, listImages, currentImage, defaultRecipe, findImage, pruneImages, recipeHash, type ImageInfo, type BuildProgress, type ImageRecipe, type PruneReport } from './image/index.js';
import type { HostCheck } from './host/doctor.js';
import { buildImageSet, currentImageSet, IMAGE_SET, imageSetStoreForSandbox, type ImageSetInfo, type ImageSetProgress } from './image/docker-images/index.js';

export type { SandboxDriver, SandboxTty, TtyExit, SandboxProcess, ProcessExit } from './driver.js';
export type * from './types.js';
export { DEFAULT_LIMITS } from './types.js';
export { SandboxError, isSandboxError, type SandboxErrorCode } from './errors.js';
export { checkHost, type HostCheck } from './host/doctor.js';
export { checkIsolation } from './host/isolation-checks.js';
export { renderSysctlDropIn, currentHostSysctls, requiredHostSysctls, SANDBOX_USER_LIMITS, SYSCTL_DROP_IN } from './host/shared-limits.js';
export { detectCgroupMode, detectCgroupManager, type CgroupMode, type CgroupManager } from './stats/cgroup.js';
export { describeChoice, RUNC_PROC_RACE_CVES, type RuntimeChoice, type RuntimePreference } from './host/oci-runtime.js';
/** The OCI runtime this host would run sandboxes with (what the driver picks), or why none. */
export async function hostRuntime(preference: RuntimePreference = 'auto'): Promise<RuntimeChoice | { problem: string }> {
  return chooseRuntime(preference, detectCgroupMode(), await installedRuntimes());
}
/** The OCI runtime binary sandboxes run with in this process (runc until the driver chose). */
export { runtimeBinary as ociRuntimeBinary } from './runc/runc.js';
/** Sandbox `id`'s cgroup relative to the cgroup root, on this host (for admins and tests). */
export const sandboxCgroupPath = (id: string): string => cgroupPath(id, detectCgroupManager());
export { checkParentCgroup, parentLimits, hostTotals, readParentLimits, DEFAULT_HOST_RESERVE, type HostReserve, type ParentLimits } from './host/parent-cgroup.js';
export type { ImageInfo, BuildProgress, PruneItem, PruneReport } from './image/index.js';
export type { ImageSetInfo, ImageSetProgress } from './image/docker-images/index.js';
export { DEFAULT_PATHS, type RuntimePaths } from './layout.js';
export { OWNER_PID_LABEL } from './runc/reconcile.js';
export { PIER_BASH, PIER_BIN_DIR } from './runc/interpreter.js';
/** Image tags of the offline set nested `docker` serves without internet (lesson lint names others). */
export const OFFLINE_IMAGE_TAGS: readonly string[] = IMAGE_SET.images.flatMap((i) => i.tags);
/** Pure IPv4 math of session subnets, for callers that check addresses (the port proxy). */
export { parseIpv4, formatIpv4, parseCidr, type Cidr } from './net/subnet.js';
/** Closes a stopped host image mirror's port to nodes again (its @mirror_ports element). */
export { removeMirrorPort } from './net/firewall.js';

/** Plain settings of the runtime (the server maps its config onto these). */
export interface SandboxRuntimeOptions {
  stateDir?: string;
  runcRoot?: string;
  /** OCI runtime: auto (crun on pure cgroup v2 where installed, else runc), runc or crun. */
  runtime?: RuntimePreference;
  /** IPv4 pool of session subnets, and each subnet's prefix length. */
  subnetPool?: string;
  subnetPrefix?: number;
  /** Nodes may reach the internet through NAT (the default of each new network). */
  outbound?: boolean;
  /** How sandboxes' ids map to the host (default `per-sandbox`), and the pool's size. */
  uidMode?: UidMode;
  uidRanges?: number;
  /** Debian suite and mirror of the image ('' = the host's apt sources). */
  imageSuite?: string;
  imageMirror?: string;
  limits?: Partial<SandboxLimits>;
  /** What the parent cgroup of all sandboxes leaves to the server and the host. */
  hostReserve?: HostReserve;
  /** Gateway port of the host image mirror new networks pull through (none: no mirror files). */
  mirrorPort?: number | null;
}

/** The driver plus image management, sharing one state directory. */
export interface SandboxRuntime {
  driver: SandboxDriver;
  paths: RuntimePaths;
  images: {
    /** Builds the image of the current recipe unless it is cached. */
    build(options?: { force?: boolean; onProgress?: (p: BuildProgress) => void }): Promise<ImageInfo>;
    list(): Promise<ImageInfo[]>;
    /** The image sandboxes start from; IMAGE_NOT_FOUND when it is not built. */
    current(): Promise<ImageInfo>;
    /** The doctor's line about the image. */
    check(): Promise<HostCheck>;
    /** Removes sandbox images and docker image sets of earlier recipes (see image/prune.ts). */
    prune(options?: { dryRun?: boolean }): Promise<PruneReport>;
  };
  /** The offline image set of nested `docker` (sandbox/image/docker-images/). */
  imageSet: {
    /** Builds the set of the current recipe unless it is cached (needs the sandbox image). */
    build(options?: { force?: boolean; onProgress?: (p: ImageSetProgress) => void }): Promise<ImageSetInfo>;
    /** The built set of the current recipe, or null. */
    current(): ImageSetInfo | null;
    /** Mounts the current set's store (read-only) and returns podman's store directory in it, or null when unbuilt. */
    mountStore(): Promise<string | null>;
  };
}

/** Creates the runtime: cheap, touches nothing on the host until used. */
export function createSandboxRuntime(options: SandboxRuntimeOptions = {}): SandboxRuntime {
  const paths: RuntimePaths = {
    stateDir: options.stateDir ?? DEFAULT_PATHS.stateDir,
    runcRoot: options.runcRoot ?? DEFAULT_PATHS.runcRoot,
  };
  const recipe: ImageRecipe = defaultRecipe({ suite: options.imageSuite, mirror: options.imageMirror });
  const images: SandboxRuntime['images'] = {
    build: (o = {}) => buildImage(paths, recipe, o),
    list: () => listImages(paths),
    current: () => currentImage(paths, recipe),
    async check() {
      try {
        const image = await currentImage(paths, recipe);
        return { name: 'sandbox image', status: 'ok', detail: `${image.id} (${(image.sizeBytes / 1024 ** 2).toFixed(0)} MiB, built ${image.createdAt})` };
      } catch (err) {
        if (err instanceof SandboxError && err.code === 'IMAGE_NOT_FOUND') {
          return { name: 'sandbox image', status: 'fail', detail: 'not built for the current recipe', fix: 'pier image build' };
        }
        throw err;
      }
    },
    prune: (o = {}) =>
      pruneImages(paths, { imageId: findImage(paths, recipeHash(recipe))?.id ?? null, imageSetId: currentImageSet(paths, IMAGE_SET)?.id ?? null }, o),
  };
  /** The mounted offline store of nested `docker`, once found (see containerImageStore). */
  let imageStore: string | null = null;
  const driver = createRuncDriver({
    paths,
    runtime: options.runtime ?? 'auto',
    network: { pool: options.subnetPool ?? '10.87.0.0/16', prefix: options.subnetPrefix ?? 27, outbound: options.outbound ?? false, mirrorPort: options.mirrorPort ?? null },
    defaultLimits: { ...DEFAULT_LIMITS, ...options.limits },
    ids: { mode: options.uidMode ?? 'per-sandbox', ranges: options.uidRanges ?? DEFAULT_ID_RANGES },
    ...(options.hostReserve ? { hostReserve: options.hostReserve } : {}),
    resolveImage: async (id) => {
      if (id === undefined) return images.current();
      const found = (await images.list()).find((i) => i.id === id);
      if (!found) throw new SandboxError('IMAGE_NOT_FOUND', `no image ${id}`);
      return found;
    },
    containerImageStore: async () => {
      // Every sandbox start asks: once the set is found and mounted, its store directory
      // answers (it exists only while the store is mounted) without re-reading the manifest
      // and /proc/self/mountinfo synchronously on each create.
      if (imageStore !== null && existsSync(imageStore)) return imageStore;
      imageStore = await imageSetStoreForSandbox(paths, IMAGE_SET);
      return imageStore;
    },
  });
  const imageSet: SandboxRuntime['imageSet'] = {
    build: async (o = {}) => buildImageSet(paths, driver, IMAGE_SET, { ...o, mirror: options.imageMirror ?? '', sandboxImage: (await images.current()).id }),
    current: () => currentImageSet(paths, IMAGE_SET),
    mountStore: () => imageSetStoreForSandbox(paths, IMAGE_SET),
  };
  return { driver, paths, images, imageSet };
}
