// The last check before the proxy connects anywhere (SECURITY.md attack 33): the target
// must be a node address inside the session subnet pool and never one of the host's own
// addresses, whatever `resolve` returned. A bug in the server's lookup then yields a 500,
// not an open proxy to the host's services or the LAN.
import { networkInterfaces } from 'node:os';

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

/** Parses a dotted quad strictly (no leading zeros, no shorthand); null otherwise. */
export function parseIpv4(text: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let n = 0;
  for (const part of m.slice(1)) {
    const octet = Number(part);
    if (octet > 255 || (part.length > 1 && part.startsWith('0'))) return null;
    n = n * 256 + octet;
  }
  return n;
}

/** Parses `a.b.c.d/n` with host bits zero. @throws Error when it is not one */
function parseCidr(text: string): { base: number; prefix: number } {
  const [addr = '', len = '', ...rest] = text.split('/');
  const base = parseIpv4(addr);
  const prefix = /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (base === null || rest.length > 0 || !(prefix >= 0 && prefix <= 32) || base % 2 ** (32 - prefix) !== 0) {
    throw new Error(`not an IPv4 network in CIDR form: ${JSON.stringify(text)}`);
  }
  return { base, prefix };
}

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
