// The default SandboxDriver: overlay root on a sparse ext4 disk, an OCI spec generated in
// TypeScript, runc for the container, a veth on the session's bridge for the network.
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile, rename, unlink, chmod, chown } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import type { SandboxDriver, SandboxProcess, SandboxTty } from '../driver.js';
import {
  DEFAULT_LIMITS,
  type ListeningPort,
  type ExecOptions,
  type NetworkInfo,
  type ReconcileReport,
  type RunResult,
  type SandboxCreateSpec,
  type SandboxInfo,
  type SandboxLimits,
  type SandboxListing,
  type SandboxStats,
  type TerminalSize,
  type UidMode,
} from '../types.js';
import { containerId, cgroupPath, specCgroupsPath, NAME, SYSTEMD_SLICE, sandboxPaths, networkPaths, ID_PATTERN, type RuntimePaths } from '../layout.js';
import { createDisk, seedHome, diskUsage, DISK_DIRS, DISK_MAX_BYTES } from '../rootfs/disk.js';
import { mountsUnder, unmount } from '../host/mounts.js';
import { claimIdRange, releaseIdRangesOf, SHARED_ID_RANGE, DEFAULT_ID_RANGES } from '../idmap/ranges.js';
import { prepareSandboxFilesystem, releaseSandboxIdMounts } from '../idmap/prepare.js';
import { runcRun, runcDeleteForce, runcExecArgv, runcState, runtimeBinary, useRuntime, RUNC_ENV } from './runc.js';
import { InitProcs } from '../procs/init-procs.js';
import { toSandboxProcess } from '../procs/process-handle.js';
import { chooseRuntime, installedRuntimes, type RuntimePreference } from '../host/oci-runtime.js';
import { buildSpec, loadDockerSeccompProfile, nestedContainerBinds, translateSeccomp, GRANTED_CAPABILITIES, type LinuxSeccomp } from '../spec/index.js';
import * as net from '../net/index.js';
import { nodeFileBinds } from '../net/node-files.js';
import { CGROUP_ROOT, detectCgroupMode, detectCgroupManager, readCgroupUsage, type CgroupMode } from '../stats/cgroup.js';
import { CRUN_NO_SUBGROUP, delegateSubtree, SANDBOX_LEAF } from './delegate.js';
import { applyParentLimits, hostTotals, parentLimits, sliceProperties, DEFAULT_HOST_RESERVE, type HostReserve, type ParentLimits } from '../host/parent-cgroup.js';
import { killTree } from '../host/processes.js';
import { runChecked } from '../host/command.js';
import { interpreterBind } from './interpreter.js';
import { initArgs } from '../spec/init.js';
import { readSandboxInfo, listSandboxes, reconcileHost } from './reconcile.js';
import { spawnExecTty, withOnlcrHandshake } from './exec-tty.js';

/** Output kept per stream by `run()` unless the caller says otherwise. */
export const RUN_MAX_OUTPUT_BYTES = 1024 * 1024;
/** Time a `run()` command may take unless the caller says otherwise. */
export const RUN_TIMEOUT_MS = 60_000;
/** Mode of state directories on the way to a rootfs: traversable, not listable. */
const DIR_MODE = 0o711;
/**
 * Mode of a sandbox's own directory with a range of its own: owner host root, group the
 * sandbox's root (runc's init, as that uid, must traverse it to reach the rootfs and bind
 * sources), nothing for anyone else: another sandbox's uid cannot even look inside.
 */
const OWN_DIR_MODE = 0o710;
/** Marker file present while a sandbox is being created; holds the creator's pid. */
export const CREATING_MARKER = 'creating';

/** An image the driver can start sandboxes from. */
export interface ImageRef {
  id: string;
  /** Absolute path of the image's root filesystem (shifted into the sandbox uid range). */
  rootfs: string;
}

/** How the runc driver is set up. */
export interface RuncDriverOptions {
  paths: RuntimePaths;
  /** Session subnets: the pool, the prefix of each, and whether new networks reach the internet by default. */
  network: { pool: string; prefix: number; outbound: boolean; mirrorPort?: number | null };
  defaultLimits?: SandboxLimits;
  /** Finds the image by id, or the current one when no id is given. */
  resolveImage: (id?: string) => Promise<ImageRef>;
  /** Docker-format seccomp profile to translate (default: Debian's containers-common). */
  seccompProfilePath?: string;
  /** Which OCI runtime runs sandboxes (config `runtime`, default auto: crun on pure v2, runc elsewhere). */
  runtime?: RuntimePreference;
  /** Host directory of the offline image set for nested `docker` (read-only), or null when not built. */
  containerImageStore?: () => Promise<string | null>;
  /**
   * Host ids: `mode` (default `per-sandbox`, a range of its own per sandbox) and `ranges`,
   * how many ranges the pool holds (default DEFAULT_ID_RANGES).
   */
  ids?: { mode: UidMode; ranges: number };
  /** What the parent cgroup of all sandboxes leaves to the host (default DEFAULT_HOST_RESERVE). */
  hostReserve?: HostReserve;
  /** Name of the parent cgroup (default `pier`); tests use a scratch one. */
  cgroupParent?: string;
}

const newId = (): string => randomBytes(5).toString('hex');

/** Writes JSON atomically: a reader sees the old or the new file, never half of one. */
async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, file);
}

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new SandboxError('SANDBOX_NOT_FOUND', `not a sandbox id: ${JSON.stringify(id)}`);
}

function mergeLimits(base: SandboxLimits, over: Partial<SandboxLimits> | undefined): SandboxLimits {
  const limits = { ...base, ...over };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new SandboxError('INVALID_ARGUMENT', `limit ${key} must be a positive number, got ${value}`);
    }
  }
  if (limits.diskBytes > DISK_MAX_BYTES) throw new SandboxError('INVALID_ARGUMENT', `disk limit over ${DISK_MAX_BYTES} bytes`);
  if (limits.diskBytes < 64 * 1024 * 1024) throw new SandboxError('INVALID_ARGUMENT', 'disk limit under 64 MiB');
  return limits;
}

/** Creates the runc driver. Cheap; host checks happen on first use. */
export function createRuncDriver(options: RuncDriverOptions): SandboxDriver {
  return new RuncDriver(options);
}

class RuncDriver implements SandboxDriver {
  #opts: RuncDriverOptions;
  #paths: RuntimePaths;
  #limits: SandboxLimits;
  #seccomp: LinuxSeccomp | null = null;
  #cgroupMode: CgroupMode | null = null;
  #ready: Promise<void> | null = null;
  /** The parent cgroup's limits, once written. */
  #parent: ParentLimits | null = null;
  readonly #cgroupParent: string;
  /** Init pids and namespaces, resolved by `runc state` once per sandbox. */
  readonly #inits = new InitProcs(async (id) => {
    const state = await runcState(this.#paths.runcRoot, containerId(id)).catch(() => null);
    return state !== null && state.status === 'running' && state.pid > 0 ? state.pid : null;
  });

  constructor(options: RuncDriverOptions) {
    this.#opts = options;
    this.#paths = options.paths;
    this.#limits = options.defaultLimits ?? DEFAULT_LIMITS;
    this.#cgroupParent = options.cgroupParent ?? NAME.cgroupParent;
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(this.#cgroupParent)) throw new SandboxError('INVALID_ARGUMENT', `not a cgroup name: ${this.#cgroupParent}`);
  }

  /** One-time set-up: directories, the translated seccomp profile, the firewall. */
  #init(): Promise<void> {
    this.#ready ??= (async () => {
      // Search-only (711): the sandbox's root is host uid 100000 and must traverse these
      // directories to reach its rootfs and bind sources, but may list none of them.
      await mkdir(path.join(this.#paths.stateDir, 'sandboxes'), { recursive: true, mode: DIR_MODE });
      await chmod(this.#paths.stateDir, DIR_MODE);
      await chmod(path.join(this.#paths.stateDir, 'sandboxes'), DIR_MODE);
      await mkdir(this.#paths.runcRoot, { recursive: true, mode: 0o700 });
      const profile = await loadDockerSeccompProfile(this.#opts.seccompProfilePath);
      this.#seccomp = translateSeccomp(profile, { capabilities: GRANTED_CAPABILITIES, arch: process.arch });
      this.#cgroupMode = detectCgroupMode();
      const choice = chooseRuntime(this.#opts.runtime ?? 'auto', this.#cgroupMode, await installedRuntimes());
      if ('problem' in choice) throw new SandboxError('RUNC_FAILED', `no usable container runtime: ${choice.problem}`);
      useRuntime(choice.name);
      // Every sandbox's cgroup is a child of one parent whose limits hold all of them
      // together: /pier, or pier.slice where systemd manages cgroups (its properties).
      this.#parent = parentLimits(hostTotals(), this.#opts.hostReserve ?? DEFAULT_HOST_RESERVE);
      if (detectCgroupManager() === 'systemd') {
        await runChecked('systemctl', ['set-property', '--runtime', SYSTEMD_SLICE, ...sliceProperties(this.#parent)]);
      } else {
        await applyParentLimits(this.#cgroupMode, this.#parent, CGROUP_ROOT, this.#cgroupParent);
      }
      await net.ensureFirewall({ pool: this.#opts.network.pool, mirrorPort: this.#opts.network.mirrorPort ?? null });
    })();
    this.#ready.catch(() => {
      this.#ready = null;
    });
    return this.#ready;
  }

  async createNetwork(options: { outbound?: boolean } = {}): Promise<NetworkInfo> {
    await this.#init();
    return net.createNetwork(this.#paths, {
      outbound: options.outbound ?? this.#opts.network.outbound,
      pool: this.#opts.network.pool,
      prefix: this.#opts.network.prefix,
      ephemeral: false,
      mirrorPort: this.#opts.network.mirrorPort ?? null,
    });
  }

  async getNetwork(networkId: string): Promise<NetworkInfo | null> {
    await this.#init();
    return net.loadNetwork(this.#paths, networkId).catch(() => null);
  }

  async destroyNetwork(networkId: string): Promise<void> {
    await this.#init();
    for (const s of await listSandboxes(this.#paths)) {
      if (s.network === networkId) await this.destroy(s.id);
    }
    await net.destroyNetwork(this.#paths, networkId);
  }

  async create(spec: SandboxCreateSpec): Promise<SandboxInfo> {
    await this.#init();
    const limits = mergeLimits(this.#limits, spec.limits);
    // v1 refuses a child's CPU quota above its parent's: a sandbox gets at most the parent's CPUs.
    if (this.#parent !== null) limits.cpus = Math.min(limits.cpus, this.#parent.cpus);
    const image = await this.#opts.resolveImage(spec.image);
    const id = newId();
    const p = sandboxPaths(this.#paths, id);
    await mkdir(p.dir, { mode: DIR_MODE });
    await writeFile(path.join(p.dir, CREATING_MARKER), String(process.pid));
    try {
      // An implicit network takes the sandbox's id, so reconciliation can pair them.
      const network = spec.network
        ? await net.loadNetwork(this.#paths, spec.network)
        : await net.createNetwork(this.#paths, {
            id,
            outbound: this.#opts.network.outbound,
            pool: this.#opts.network.pool,
            prefix: this.#opts.network.prefix,
            ephemeral: true,
            mirrorPort: this.#opts.network.mirrorPort ?? null,
          });
      const range =
        (spec.uidMode ?? this.#opts.ids?.mode ?? 'per-sandbox') === 'shared'
          ? SHARED_ID_RANGE
          : await claimIdRange(this.#paths, id, this.#opts.ids?.ranges ?? DEFAULT_ID_RANGES);
      if (range.index !== null) {
        await chown(p.dir, 0, range.hostId);
        await chmod(p.dir, OWN_DIR_MODE);
      }
      const info: SandboxInfo = {
        id,
        containerId: containerId(id),
        hostname: spec.hostname,
        network: network.id,
        address: '',
        image: image.id,
        limits,
        labels: spec.labels ?? {},
        createdAt: new Date().toISOString(),
        idRange: range,
      };
      await writeJsonAtomic(p.info, info);

      await createDisk(p.diskImage, p.disk, limits.diskBytes, limits.inodes, range.hostId);
      await seedHome(image.rootfs, p.disk, range);
      const idFiles = { pin: p.userns, storeView: p.store };
      const ids = await prepareSandboxFilesystem({
        sandboxId: id,
        range,
        imageRootfs: image.rootfs,
        upper: p.upper,
        work: p.work,
        rootfs: p.rootfs,
        imageStore: (await this.#opts.containerImageStore?.()) ?? null,
        ...idFiles,
      });

      const hostnameFile = path.join(p.dir, 'hostname');
      await writeFile(hostnameFile, `${spec.hostname}\n`, { mode: 0o644 });
      const np = networkPaths(this.#paths, network.id);
      // pier's own shell for lesson scripts (interpreter.ts) and init, whatever the image holds.
      const pierBin = await interpreterBind(this.#paths);
      const binds = [
        { source: np.hosts, destination: '/etc/hosts', readonly: true },
        { source: np.resolvConf, destination: '/etc/resolv.conf', readonly: true },
        { source: hostnameFile, destination: '/etc/hostname', readonly: true },
        // The host image mirror's address, internet or offline, the offline hint (node-files.ts).
        ...nodeFileBinds(np.dir),
        ...Object.entries(DISK_DIRS).flatMap(([name, d]) =>
          'target' in d ? [{ source: path.join(p.disk, name), destination: d.target, readonly: false }] : [],
        ),
        // After /var/lib/containers: nested podman's image store and cgroup settings
        // (an image older than them has no drop-in to bind).
        ...nestedContainerBinds({
          imageRootfs: image.rootfs,
          cgroupMode: this.#cgroupMode ?? 'v1',
          delegation: this.#delegates(),
          imageStore: ids.store,
        }).filter((b) => existsSync(b.source)),
        // pier's own shell for lesson scripts (interpreter.ts), whatever the image holds.
        ...[pierBin].filter((b) => b !== null),
      ];
      const config = buildSpec({
        rootfs: p.rootfs,
        hostname: spec.hostname,
        cgroupsPath: specCgroupsPath(id, detectCgroupManager(), this.#cgroupParent),
        idMap: { hostId: range.hostId, size: range.size },
        userNamespacePath: ids.userNamespacePath,
        limits,
        binds,
        seccomp: this.#seccomp,
        cgroupMode: this.#cgroupMode ?? 'v1',
        cgroupDelegation: this.#delegates(),
        init: initArgs(pierBin?.source ?? null),
      });
      if (this.#delegates()) config.annotations = { ...config.annotations, ...CRUN_NO_SUBGROUP };
      await mkdir(p.bundle, { mode: 0o700 });
      await writeFile(p.config, JSON.stringify(config));

      const pid = await runcRun(this.#paths.runcRoot, info.containerId, p.bundle, path.join(p.dir, 'runc.log'));
      this.#inits.learn(id, pid);
      await releaseSandboxIdMounts(idFiles);
      if (this.#delegates()) await delegateSubtree(cgroupPath(id, 'systemd'), range.hostId);
      const { address } = await net.attachNode(this.#paths, {
        network,
        sandboxId: id,
        hostname: spec.hostname,
        netnsPath: `/proc/${pid}/ns/net`,
      });
      info.address = address;
      await writeJsonAtomic(p.info, info);
      await unlink(path.join(p.dir, CREATING_MARKER));
      return info;
    } catch (err) {
      await this.#teardown(id).catch(() => undefined);
      throw err;
    }
  }

  async #requireRunning(id: string): Promise<SandboxInfo> {
    checkId(id);
    const info = await readSandboxInfo(this.#paths, id);
    if (!info) throw new SandboxError('SANDBOX_NOT_FOUND', `no sandbox ${id}`);
    return info;
  }

  /** Whether sandboxes get their cgroup v2 subtree (a systemd-delegated scope on a pure v2 host). */
  #delegates(): boolean {
    return this.#cgroupMode === 'v2' && detectCgroupManager() === 'systemd';
  }

  #execArgv(info: SandboxInfo, o: ExecOptions, tty: boolean, pidFile?: string): string[] {
    if (o.cmd.length === 0) throw new SandboxError('INVALID_ARGUMENT', 'empty command');
    // A delegated sandbox's processes all live in its leaf (its cgroup root holds none).
    const leaf = this.#delegates() && existsSync(path.join(CGROUP_ROOT, cgroupPath(info.id, 'systemd'), SANDBOX_LEAF));
    const argv = runcExecArgv({
      root: this.#paths.runcRoot,
      id: info.containerId,
      cmd: o.cmd,
      env: o.env ?? {},
      cwd: o.cwd ?? '/root',
      tty,
      ...(leaf ? { cgroup: SANDBOX_LEAF } : {}),
    });
    if (pidFile) argv.splice(argv.indexOf('exec') + 1, 0, '--pid-file', pidFile);
    return argv;
  }

  async execTty(id: string, o: ExecOptions & { size: TerminalSize }): Promise<SandboxTty> {
    const info = await this.#requireRunning(id);
    if (o.cmd.length === 0) throw new SandboxError('INVALID_ARGUMENT', 'empty command');
    return spawnExecTty({
      file: runtimeBinary(),
      args: this.#execArgv(info, { ...o, cmd: withOnlcrHandshake(o.cmd) }, true),
      env: { ...RUNC_ENV },
      size: o.size,
      fifoPath: path.join(sandboxPaths(this.#paths, id).dir, `tty-${newId()}.out`),
    });
  }

  async execPiped(id: string, o: ExecOptions): Promise<SandboxProcess> {
    const info = await this.#requireRunning(id);
    return toSandboxProcess(spawn(runtimeBinary(), this.#execArgv(info, o, false), { env: { ...RUNC_ENV }, stdio: 'pipe' }));
  }

  async listeningPorts(id: string): Promise<ListeningPort[]> {
    await this.#requireRunning(id);
    return this.#inits.listeningPorts(id);
  }

  async namespaces(id: string): Promise<Record<string, number>> {
    checkId(id);
    return this.#inits.namespaces(id);
  }

  async run(id: string, o: ExecOptions & { timeoutMs?: number; input?: string; maxOutputBytes?: number }): Promise<RunResult> {
    const info = await this.#requireRunning(id);
    const pidFile = path.join(sandboxPaths(this.#paths, id).dir, `exec-${newId()}.pid`);
    const child = spawn(runtimeBinary(), this.#execArgv(info, o, false, pidFile), { env: { ...RUNC_ENV }, stdio: 'pipe' });
    const max = o.maxOutputBytes ?? RUN_MAX_OUTPUT_BYTES;
    const collect = (stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (d: Buffer) => {
        if (size < max) chunks.push(d.subarray(0, max - size));
        size += d.length;
      });
      return () => Buffer.concat(chunks).toString('utf8');
    };
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    child.stdin.on('error', () => undefined);
    child.stdin.end(o.input ?? '');
    let timedOut = false;
    // Once runc exited, the process inside is gone: its pid may belong to another process
    // soon, so it is never killed after that; an orphan still holding the output pipes
    // (a daemon it started) only has the pipes closed on it at the timeout.
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    const timer = setTimeout(() => {
      if (exited) {
        child.stdout.destroy();
        child.stderr.destroy();
        return;
      }
      timedOut = true;
      // SIGKILL of runc would not reach the process inside: kill that process's tree.
      readFile(pidFile, 'utf8')
        .then((pid) => killTree(Number(pid)))
        .catch(() => undefined)
        .finally(() => child.kill('SIGKILL'));
    }, o.timeoutMs ?? RUN_TIMEOUT_MS);
    return new Promise((resolve, reject) => {
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new SandboxError('RUNC_FAILED', `runc exec in ${id}: ${e.message}`, { cause: e }));
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        rm(pidFile, { force: true }).catch(() => undefined);
        resolve({ exitCode: code, signal, stdout: out(), stderr: err(), timedOut });
      });
    });
  }

  async stats(id: string): Promise<SandboxStats> {
    await this.#init();
    const info = await this.#requireRunning(id);
    const p = sandboxPaths(this.#paths, id);
    let usage;
    try {
      usage = await readCgroupUsage(this.#cgroupMode ?? detectCgroupMode(), cgroupPath(id, detectCgroupManager(), this.#cgroupParent));
    } catch (err) {
      throw new SandboxError('SANDBOX_NOT_RUNNING', `no cgroup for sandbox ${id}`, { cause: err });
    }
    const disk = await diskUsage(p.disk);
    return {
      memoryBytes: usage.memoryBytes,
      memoryLimitBytes: Number.isFinite(usage.memoryLimitBytes) ? usage.memoryLimitBytes : info.limits.memoryBytes,
      cpuUsageUsec: usage.cpuUsageUsec,
      pids: usage.pids,
      pidsLimit: Number.isFinite(usage.pidsLimit) ? usage.pidsLimit : info.limits.pids,
      diskUsedBytes: disk.usedBytes,
      diskLimitBytes: disk.totalBytes,
    };
  }

  async destroy(id: string): Promise<void> {
    checkId(id);
    await this.#init();
    await this.#teardown(id);
  }

  /**
   * Removes everything sandbox `id` may own, in reverse order of creation; each step
   * tolerates its object being absent, so a half-created sandbox is removed the same way.
   */
  async #teardown(id: string): Promise<void> {
    this.#inits.forget(id);
    const p = sandboxPaths(this.#paths, id);
    const info = await readSandboxInfo(this.#paths, id).catch(() => null);
    // Killing init kills the whole pid namespace, nested ones and daemons included.
    await runcDeleteForce(this.#paths.runcRoot, containerId(id));
    // With no process left, the filesystem and the network come apart independently.
    const filesystem = (async () => {
      // Deepest first: the root overlay, the disk, and a half-made sandbox's user namespace
      // pin or image store view. Nothing may stay mounted before the directory is deleted.
      for (const m of mountsUnder(p.dir)) await unmount(m.mountPoint);
      await releaseSandboxIdMounts({ pin: p.userns, storeView: p.store });
      const left = mountsUnder(p.dir);
      if (left.length > 0) throw new SandboxError('COMMAND_FAILED', `sandbox ${id}: still mounted: ${left.map((m) => m.mountPoint).join(', ')}`);
      await rm(p.dir, { recursive: true, force: true });
      await releaseIdRangesOf(this.#paths, id, info?.idRange?.index);
    })();
    const network = (async () => {
      const networkId = info?.network || id;
      const net_ = await net.loadNetwork(this.#paths, networkId).catch(() => null);
      if (net_?.ephemeral) {
        await net.destroyNetwork(this.#paths, networkId);
      } else if (info?.network) {
        await net.detachNode(this.#paths, { networkId: info.network, sandboxId: id });
      } else {
        await net.deleteVeth(id);
      }
    })();
    const results = await Promise.allSettled([filesystem, network]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async list(): Promise<SandboxListing[]> {
    await this.#init();
    return (await listSandboxes(this.#paths)).map(({ pid: _pid, ...listing }) => listing);
  }

  async relabel(id: string, labels: Record<string, string>): Promise<void> {
    const info = await this.#requireRunning(id);
    await writeJsonAtomic(sandboxPaths(this.#paths, id).info, { ...info, labels: { ...labels } });
  }

  async get(id: string): Promise<SandboxInfo | null> {
    if (!ID_PATTERN.test(id)) return null;
    return readSandboxInfo(this.#paths, id);
  }

  async reconcile(): Promise<ReconcileReport> {
    await this.#init();
    return reconcileHost(this.#paths, this.#cgroupMode ?? detectCgroupMode(), (id) => this.#teardown(id));
  }
}

/** True when a sandbox directory exists (cheap check for callers). */
export function sandboxExists(paths: RuntimePaths, id: string): boolean {
  return ID_PATTERN.test(id) && existsSync(sandboxPaths(paths, id).dir);
}
