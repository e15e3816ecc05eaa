// Opens the sandbox runtime from pier's configuration: the one place that maps config
// fields onto the runtime's plain options (the server and the CLI both use it), and the start-up
// check of which OCI runtime runs sandboxes (requireFixedRuntime).
import { loadConfig, type Config } from './config.js';
import type { Logger } from 'pino';
import type { AdminHost } from '../protocol/classroom.js';
import { createSandboxRuntime, describeChoice, hostRuntime, type SandboxRuntime, type SandboxRuntimeOptions } from '../sandbox/index.js';

/** Maps the validated configuration onto the runtime's options. */
export function runtimeOptions(config: Config): SandboxRuntimeOptions {
  return {
    stateDir: config.stateDir,
    runcRoot: config.runcRoot,
    runtime: config.runtime,
    subnetPool: config.subnetPool,
    subnetPrefix: config.subnetPrefix,
    outbound: config.outbound,
    uidMode: config.uidMode,
    uidRanges: config.uidRanges,
    imageSuite: config.imageSuite,
    imageMirror: config.imageMirror,
    limits: {
      memoryBytes: config.limits.memory,
      pids: config.limits.pids,
      cpus: config.limits.cpus,
      diskBytes: config.limits.disk,
      inodes: config.limits.inodes,
      nofile: config.limits.nofile,
      shmBytes: config.limits.shm,
    },
    hostReserve: { memoryBytes: config.hostReserve.memory, cpus: config.hostReserve.cpus, pids: config.hostReserve.pids },
  };
}

/**
 * Loads the configuration (unless given) and creates the sandbox runtime from it.
 * @param running what the server started: the host image mirror's gateway port (networks name it)
 */
export function openRuntime(config: Config = loadConfig(), running: { mirrorPort?: number | null } = {}): SandboxRuntime & { config: Config } {
  return { ...createSandboxRuntime({ ...runtimeOptions(config), mirrorPort: running.mirrorPort ?? null }), config };
}

/**
 * Says at start-up which OCI runtime runs sandboxes and why; loudly (error level) when it has
 * known container escapes, and with `requireFixedRuntime` refuses to start instead.
 * @throws RuntimeRefusedError when requireFixedRuntime is set and the runtime is affected
 */
export async function checkRuntime(config: Config, log: Logger): Promise<void> {
  const choice = await hostRuntime(config.runtime);
  if ('problem' in choice) return void log.error({ area: 'runtime' }, `no usable container runtime: ${choice.problem}`);
  if (choice.cves.length === 0) return void log.info({ area: 'runtime', runtime: choice.name, version: choice.version }, describeChoice(choice));
  const line = `sandbox runtime ${describeChoice(choice)}`;
  if (config.requireFixedRuntime) {
    throw new RuntimeRefusedError(`${line}. requireFixedRuntime is set, so pier does not start: install runc ≥ 1.2.8 (or crun on a pure cgroup v2 host). / 샌드박스 런타임에 알려진 컨테이너 탈출 취약점이 있어 시작하지 않습니다.`);
  }
  log.error({ area: 'runtime', runtime: choice.name, version: choice.version, cves: choice.cves }, `${line} (set requireFixedRuntime to refuse to start)`);
}

/** The runtime's state as the admin page shows it (GET /api/admin/host). */
export async function runtimeStatus(config: Config): Promise<AdminHost> {
  const choice = await hostRuntime(config.runtime);
  if ('problem' in choice) return { runtime: null, cves: [], requireFixedRuntime: config.requireFixedRuntime, problem: choice.problem };
  return { runtime: describeChoice(choice), cves: [...choice.cves], requireFixedRuntime: config.requireFixedRuntime, problem: null };
}

/** The server refused to start: its runtime has known container escapes (requireFixedRuntime). */
export class RuntimeRefusedError extends Error {
  readonly code = 'RUNTIME_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeRefusedError';
  }
}
