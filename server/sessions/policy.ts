// The numbers that govern sessions, taken from the configuration once at start.
import type { Config } from '../config.js';
import type { NodeLimitsView, ViewPolicy } from './session.js';

/** The numbers that govern sessions (from the config, in ms). */
export interface SessionPolicy extends ViewPolicy {
  lifetimeMs: number;
  extensionMs: number;
  idleMs: number;
  maxSessions: number;
  maxSessionsPerOwner: number;
  /** Free playgrounds from one client address at once (class sessions do not count). */
  maxSessionsPerAddress: number;
  /** Limits shown for a node whose sandbox is gone (the config's defaults). */
  defaultLimits: NodeLimitsView;
  /**
   * Whether the deployment lets sessions reach the internet at all (config `outbound`): free
   * playgrounds get it, class sessions only when their class also allows it.
   */
  outboundAllowed: boolean;
}

/** The policy of `config`. */
export function policyFromConfig(config: Config): SessionPolicy {
  return {
    lifetimeMs: config.sessionLifetime,
    extensionMs: config.sessionExtension,
    maxLifetimeMs: Math.max(config.sessionMaxLifetime, config.sessionLifetime),
    idleMs: config.sessionIdle,
    warnBeforeMs: config.sessionWarnBefore,
    maxSessions: config.maxSessions,
    maxSessionsPerOwner: config.maxSessionsPerOwner,
    maxSessionsPerAddress: config.maxSessionsPerAddress,
    defaultLimits: { memoryBytes: config.limits.memory, pids: config.limits.pids, cpus: config.limits.cpus, diskBytes: config.limits.disk },
    outboundAllowed: config.outbound,
  };
}
