// IPv4 arithmetic for session subnets (pure), and the claim directories that hand each
// subnet and each node address to exactly one owner (atomic mkdir).
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../errors.js';

/** An IPv4 network in numeric form. */
export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  /** Prefix length, 0–32. */
  prefix: number;
}

/** Addresses per subnet that are not nodes: network, gateway, broadcast. */
const RESERVED_PER_SUBNET = 3;
/** Host offset of the gateway (the host's address on the bridge). */
export const GATEWAY_OFFSET = 1;
/** Host offset of the first node. */
export const FIRST_NODE_OFFSET = 2;

/** Parses a dotted quad into an unsigned 32-bit number; null when it is not one. */
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

/** Formats an unsigned 32-bit number as a dotted quad. */
export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Number of addresses in a block of this prefix length. */
const blockSize = (prefix: number): number => 2 ** (32 - prefix);

/**
 * Parses `a.b.c.d/n` whose host bits are all zero.
 * @throws SandboxError INVALID_ARGUMENT otherwise
 */
export function parseCidr(text: string): Cidr {
  const [addr, len, ...rest] = text.split('/');
  const base = parseIpv4(addr ?? '');
  const prefix = len !== undefined && /^\d{1,2}$/.test(len) ? Number(len) : NaN;
  if (base === null || rest.length > 0 || !(prefix >= 0 && prefix <= 32)) {
    throw new SandboxError('INVALID_ARGUMENT', `not an IPv4 CIDR: ${JSON.stringify(text)}`);
  }
  if (base % blockSize(prefix) !== 0) {
    throw new SandboxError('INVALID_ARGUMENT', `${text} has host bits set (network is ${formatIpv4(base - (base % blockSize(prefix)))}/${prefix})`);
  }
  return { base, prefix };
}

/** Formats a Cidr as `a.b.c.d/n`. */
export const formatCidr = (c: Cidr): string => `${formatIpv4(c.base)}/${c.prefix}`;

/**
 * How many subnets of length `prefix` the pool holds.
 * @throws SandboxError INVALID_ARGUMENT when `prefix` is shorter than the pool's or leaves
 *   no room for a node (longer than /30)
 */
export function subnetCount(pool: Cidr, prefix: number): number {
  if (!Number.isInteger(prefix) || prefix < pool.prefix || prefix > 30) {
    throw new SandboxError('INVALID_ARGUMENT', `subnet prefix /${prefix} does not fit pool ${formatCidr(pool)}`);
  }
  return 2 ** (prefix - pool.prefix);
}

/**
 * The `index`-th subnet (0-based) of length `prefix` in `pool`.
 * @throws SandboxError INVALID_ARGUMENT when the index is outside the pool
 */
export function nthSubnet(pool: Cidr, prefix: number, index: number): Cidr {
  const count = subnetCount(pool, prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new SandboxError('INVALID_ARGUMENT', `subnet index ${index} outside 0..${count - 1} of ${formatCidr(pool)}`);
  }
  return { base: pool.base + index * blockSize(prefix), prefix };
}

/**
 * The address at host offset `offset` of `subnet` (1 = gateway, 2 = first node).
 * @throws SandboxError INVALID_ARGUMENT for the network or broadcast address or beyond
 */
export function nthHost(subnet: Cidr, offset: number): string {
  if (!Number.isInteger(offset) || offset < 1 || offset > lastHostOffset(subnet)) {
    throw new SandboxError('INVALID_ARGUMENT', `host offset ${offset} outside ${formatCidr(subnet)}`);
  }
  return formatIpv4(subnet.base + offset);
}

/** Host offset of the last usable address (the one before broadcast). */
export const lastHostOffset = (subnet: Cidr): number => blockSize(subnet.prefix) - 2;

/** The gateway: the subnet's first usable address, which the host holds on the bridge. */
export const gatewayOf = (subnet: Cidr): string => nthHost(subnet, GATEWAY_OFFSET);

/** How many nodes fit in the subnet (all usable addresses but the gateway). */
export const nodeCapacity = (subnet: Cidr): number => blockSize(subnet.prefix) - RESERVED_PER_SUBNET;

/** Host offset of `address` inside `subnet`, or null when it lies outside. */
export function hostOffset(subnet: Cidr, address: string): number | null {
  const n = parseIpv4(address);
  if (n === null || n < subnet.base || n >= subnet.base + blockSize(subnet.prefix)) return null;
  return n - subnet.base;
}

// ---------------------------------------------------------------------------------------
// Claims: `<dir>/<n>` exists while someone holds number n. mkdir is atomic on every local
// filesystem, so two processes racing for the same n cannot both succeed (one gets
// EEXIST and moves on to n+1).

/**
 * Claims the lowest free number in `first..last` (inclusive) by creating `<dir>/<n>`, then
 * writes `files` (name → content, or a function of n giving them) into it. Readers must
 * tolerate a claim whose files are not written yet.
 * @returns the number claimed, or null when all are taken
 */
export async function claimLowest(
  dir: string,
  range: { first: number; last: number },
  files: Record<string, string> | ((n: number) => Record<string, string>),
): Promise<number | null> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const taken = new Set(await listClaims(dir));
  for (let n = range.first; n <= range.last; n++) {
    if (taken.has(n)) continue;
    try {
      await mkdir(path.join(dir, String(n)), { mode: 0o755 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    for (const [name, content] of Object.entries(typeof files === 'function' ? files(n) : files)) {
      await writeFile(path.join(dir, String(n), name), content, { mode: 0o644 });
    }
    return n;
  }
  return null;
}

/** Numbers currently claimed under `dir` (none when it does not exist), ascending. */
export async function listClaims(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => /^(0|[1-9]\d{0,9})$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/** Releases claim `n` under `dir`. Idempotent. */
export async function releaseClaim(dir: string, n: number): Promise<void> {
  await rm(path.join(dir, String(n)), { recursive: true, force: true });
}
