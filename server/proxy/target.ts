// The last check before the proxy connects anywhere (docs/SECURITY.md attack 33): the target
// must be a node address inside the session subnet pool and never one of the host's own
// addresses, whatever `resolve` returned. A bug in the server's lookup then yields a 500,
// not an open proxy to the host's services or the LAN.
import { networkInterfaces } from 'node:os';
import { parseCidr, parseIpv4 } from '../../sandbox/index.js';

/** Offsets inside each session subnet that are not nodes (sandbox/net/subnet.ts). */
const NETWORK_OFFSET = 0;
const GATEWAY_OFFSET = 1;

/** Settings of the guard. */
export interface TargetGuardOptions {
  /** IPv4 pool session subnets are cut from, `a.b.c.d/n` (config `subnetPool`). */
  subnetPool: string;
  /**
   * Prefix length of each session subnet (config `subnetPrefix`). When given, each
   * subnet's network, gateway (the host's own address on the bridge) and broadcast
   * addresses are refused as well.
   */
  subnetPrefix?: number;
  /** The host's own addresses; default: read from the interfaces on every check. */
  hostAddresses?: () => Iterable<string>;
}

/** Checks one target; returns why it is refused, or null when it may be connected to. */
export type TargetGuard = (host: string, port: number) => string | null;

/** Every address of the host's interfaces, IPv4-mapped forms included. */
function interfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
}

/**
 * Creates the guard.
 * @throws Error when `subnetPool` or `subnetPrefix` is malformed (a configuration bug: fail at start)
 */
export function createTargetGuard(options: TargetGuardOptions): TargetGuard {
  const pool = parseCidr(options.subnetPool);
  const poolSize = 2 ** (32 - pool.prefix);
  const sub = options.subnetPrefix;
  if (sub !== undefined && (!Number.isInteger(sub) || sub < pool.prefix || sub > 30)) {
    throw new Error(`subnet prefix /${sub} does not fit the pool ${options.subnetPool}`);
  }
  const hostAddresses = options.hostAddresses ?? interfaceAddresses;
  return (host, port) => {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return `port ${port} is outside 1..65535`;
    // Only IPv4 literals: a name could resolve anywhere (and change between check and use).
    const ip = parseIpv4(host);
    if (ip === null) return `${JSON.stringify(host)} is not an IPv4 address`;
    if (ip < pool.base || ip >= pool.base + poolSize) return `${host} is outside the node pool ${options.subnetPool}`;
    if (sub !== undefined) {
      const size = 2 ** (32 - sub);
      const offset = (ip - pool.base) % size;
      if (offset === NETWORK_OFFSET || offset === GATEWAY_OFFSET || offset === size - 1) {
        return `${host} is a network, gateway or broadcast address of a session subnet, not a node`;
      }
    }
    for (const own of hostAddresses()) {
      if (own === host || own === `::ffff:${host}`) return `${host} is an address of this host`;
    }
    return null;
  };
}
