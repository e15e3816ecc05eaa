// The host image mirror: a real registry (docker-registry) supervised by the server, behind
// a pull-only front proxy on the nodes' gateway port. Started with the server, stopped with it.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { removeMirrorPort } from '../../sandbox/index.js';
import { startMirrorProxy, type MirrorCounters } from './proxy.js';
import { SupervisedRegistry } from './registry.js';
import type { RegistryMode } from './registry-config.js';
import type { OfflineCatalog } from './routes.js';

export { preloadMirror } from './preload.js';
export { registryPaths } from './registry.js';
export { shortImageName } from './routes.js';

/** Where nodes listen for the mirror: every address; nft lets only nodes in, on their gateway. */
export const MIRROR_LISTEN_HOST = '0.0.0.0';

/** A running mirror. */
export interface RunningMirror {
  /** The gateway port nodes pull from. */
  port: number;
  mode: Exclude<RegistryMode, 'preload'>;
  counters: MirrorCounters;
  registry: SupervisedRegistry;
  close(): Promise<void>;
}

/** The registry's mode for a configuration: a pull-through cache only with internet. */
export function mirrorMode(config: Pick<Config, 'mirrorMode' | 'outbound'>): 'proxy' | 'offline' {
  if (config.mirrorMode !== 'auto') return config.mirrorMode;
  return config.outbound ? 'proxy' : 'offline';
}

/**
 * Starts the registry, then the front proxy. A mirror that cannot start (the package is
 * missing, the port is taken) is logged and the server goes on without one: nodes then
 * use their offline store only, as before.
 * @returns the running mirror, or null when off or failed
 */
export async function startMirror(config: Config, log: Logger, catalog: () => OfflineCatalog): Promise<RunningMirror | null> {
  if (!config.mirror) return null;
  const mode = mirrorMode(config);
  const registry = new SupervisedRegistry({ mode, stateDir: config.stateDir, port: 0, upstream: config.mirrorUpstream, log });
  try {
    await registry.start();
  } catch (err) {
    log.error({ area: 'mirror', err }, 'image mirror not started: the registry did not start (nodes use their offline images only)');
    await registry.stop();
    return null;
  }
  let proxy;
  try {
    proxy = await startMirrorProxy({
      registryUrl: () => registry.url,
      host: MIRROR_LISTEN_HOST,
      port: config.mirrorPort,
      clientPool: config.subnetPool,
      offline: mode === 'offline',
      catalog,
      log,
    });
  } catch (err) {
    log.error({ area: 'mirror', err, port: config.mirrorPort }, 'image mirror not started: its port is not free (nodes use their offline images only)');
    await registry.stop();
    return null;
  }
  const port = proxy.port;
  return {
    port,
    mode,
    counters: proxy.counters,
    registry,
    async close() {
      await proxy.close();
      await registry.stop();
      await removeMirrorPort(port).catch((err: unknown) => log.warn({ area: 'mirror', err }, 'mirror port stays in the firewall set'));
    },
  };
}
