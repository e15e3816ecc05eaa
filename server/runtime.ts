// Opens the sandbox runtime from pier's configuration: the one place that maps config
// fields onto the runtime's plain options (the server and the CLI both use it).
import { loadConfig, type Config } from './config.js';
import { createSandboxRuntime, type SandboxRuntime, type SandboxRuntimeOptions } from '../sandbox/index.js';

/** Maps the validated configuration onto the runtime's options. */
export function runtimeOptions(config: Config): SandboxRuntimeOptions {
  return {
    stateDir: config.stateDir,
    runcRoot: config.runcRoot,
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

/** Loads the configuration (unless given) and creates the sandbox runtime from it. */
export function openRuntime(config: Config = loadConfig()): SandboxRuntime & { config: Config } {
  return { ...createSandboxRuntime(runtimeOptions(config)), config };
}
