// Session networks on disk and on the host: create (claim a subnet, write the name files,
// make the bridge, open the firewall for it), load, list, destroy; and the nodes' records,
// from which /etc/hosts is re-rendered at any time (also after a restart).
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SandboxError } from '../errors.js';
import type { NetworkInfo } from '../types.js';
import { bridgeName, ID_PATTERN, networkPaths, subnetClaimsDir, vethName, type RuntimePaths } from '../layout.js';
import { claimLowest, formatCidr, gatewayOf, listClaims, nthSubnet, parseCidr, releaseClaim, subnetCount } from './subnet.js';
import { hostNameservers, renderHosts, renderResolvConf, writeInPlace } from './hosts.js';
import { writeNodeFiles } from './node-files.js';
import { IMAGE_SET } from '../image/docker-images/recipes.js';

/** The offline image set's names as students type them (for the offline hint). */
const OFFLINE_IMAGE_NAMES = IMAGE_SET.images.map((i) => i.name);
import { bridgeMac, createBridge, deleteBridge } from './bridge.js';
import { addNetworkRules, removeNetworkRules } from './firewall.js';
import { deleteLink } from './ip.js';

/** File in a subnet claim naming the network that holds it. */
export const SUBNET_CLAIM_FILE = 'network';
/** File in an address claim describing the node that holds it. */
export const NODE_FILE = 'node.json';
/** How often syncHosts re-renders when other writers keep changing the node list. */
const HOSTS_SYNC_ATTEMPTS = 10;

/** How a network is created. */
export interface CreateNetworkOptions {
  /** Network id (10 hex); default random. Implicit networks reuse their sandbox's id. */
  id?: string;
  /** Whether nodes get a default route and may reach the internet (NAT): this network's own setting. */
  outbound: boolean;
  /** Pool to cut the subnet from, e.g. `10.87.0.0/16`. */
  pool: string;
  /** Prefix length of the subnet, e.g. 27 (29 nodes). */
  prefix: number;
  /** Removed together with its only sandbox. Default false. */
  ephemeral?: boolean;
  /** Gateway port of the host image mirror that nodes pull through (node-files.ts); none when absent. */
  mirrorPort?: number | null;
}

const NetworkRecordSchema = z.object({
  id: z.string().regex(ID_PATTERN),
  bridge: z.string(),
  subnet: z.string(),
  gateway: z.string(),
  outbound: z.boolean(),
  ephemeral: z.boolean(),
  createdAt: z.string(),
  /** Index of the subnet claim under `subnets/` (valid for the pool it was cut from). */
  subnetIndex: z.number().int().nonnegative(),
});
/** network.json: the public NetworkInfo plus where its subnet claim lives. */
type NetworkRecord = z.infer<typeof NetworkRecordSchema>;

const NodeRecordSchema = z.object({
  sandboxId: z.string().regex(ID_PATTERN),
  hostname: z.string(),
  address: z.string(),
});
/** One node of a network, as kept in its address claim (`addresses/<offset>/node.json`). */
export type NodeRecord = z.infer<typeof NodeRecordSchema> & {
  /** Host offset of the address in the subnet (the claim's number). */
  offset: number;
};

/** Throws INVALID_ARGUMENT unless `id` is 10 lowercase hex characters. */
export function checkNetworkId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new SandboxError('INVALID_ARGUMENT', `bad network id ${JSON.stringify(id)}`);
}

/** A fresh random network id: 10 lowercase hex characters. */
export const newNetworkId = (): string => randomBytes(5).toString('hex');

/** Writes JSON by rename, so a crash leaves the old or the new file, never half of one. */
async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o644 });
  await rename(tmp, file);
}

/** The public part of a record. */
function toNetworkInfo(r: NetworkRecord): NetworkInfo {
  return {
    id: r.id,
    bridge: r.bridge,
    subnet: r.subnet,
    gateway: r.gateway,
    outbound: r.outbound,
    ephemeral: r.ephemeral,
    createdAt: r.createdAt,
  };
}

/**
 * Creates a network: claims the lowest free subnet of the pool, writes network.json and the
 * name files, adds its firewall elements, then creates its bridge. On failure everything
 * made so far is removed again.
 * @throws SandboxError SUBNET_POOL_EXHAUSTED, INVALID_ARGUMENT, COMMAND_FAILED
 */
export async function createNetwork(paths: RuntimePaths, options: CreateNetworkOptions): Promise<NetworkInfo> {
  const id = options.id ?? newNetworkId();
  checkNetworkId(id);
  const pool = parseCidr(options.pool);
  const count = subnetCount(pool, options.prefix);
  const np = networkPaths(paths, id);
  await mkdir(path.dirname(np.dir), { recursive: true, mode: 0o755 });
  try {
    // Exclusive: the network's directory is its record; a second create of one id fails.
    await mkdir(np.dir, { mode: 0o755 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new SandboxError('INVALID_ARGUMENT', `network ${id} already exists`);
    throw err;
  }
  try {
    const index = await claimLowest(subnetClaimsDir(paths), { first: 0, last: count - 1 }, { [SUBNET_CLAIM_FILE]: id });
    if (index === null) {
      throw new SandboxError('SUBNET_POOL_EXHAUSTED', `all ${count} /${options.prefix} subnets of ${options.pool} are in use`);
    }
    const subnet = nthSubnet(pool, options.prefix, index);
    const record: NetworkRecord = {
      id,
      bridge: bridgeName(id),
      subnet: formatCidr(subnet),
      gateway: gatewayOf(subnet),
      outbound: options.outbound,
      ephemeral: options.ephemeral ?? false,
      createdAt: new Date().toISOString(),
      subnetIndex: index,
    };
    await writeJsonAtomic(np.info, record);
    await mkdir(np.addresses, { mode: 0o755 });
    await writeInPlace(np.hosts, renderHosts([]));
    const nameservers = options.outbound ? await hostNameservers() : [];
    await writeInPlace(np.resolvConf, renderResolvConf({ outbound: options.outbound, nameservers }));
    await writeNodeFiles(np.dir, { gateway: record.gateway, outbound: options.outbound, mirrorPort: options.mirrorPort ?? null, offlineImages: OFFLINE_IMAGE_NAMES });
    // Firewall first: if pier's table is missing this fails before any bridge exists.
    await addNetworkRules(record.bridge, { outbound: record.outbound });
    await createBridge({ name: record.bridge, gateway: record.gateway, prefix: subnet.prefix, mac: bridgeMac(id), outbound: record.outbound });
    return toNetworkInfo(record);
  } catch (err) {
    await destroyNetwork(paths, id).catch(() => undefined);
    throw err;
  }
}

/** Reads network.json; null when the network does not exist. @throws STATE_CORRUPT */
async function readRecord(paths: RuntimePaths, id: string): Promise<NetworkRecord | null> {
  let text: string;
  try {
    text = await readFile(networkPaths(paths, id).info, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SandboxError('STATE_CORRUPT', `network ${id}: network.json is not JSON`, { cause: err });
  }
  const parsed = NetworkRecordSchema.safeParse(json);
  if (!parsed.success || parsed.data.id !== id) {
    throw new SandboxError('STATE_CORRUPT', `network ${id}: bad network.json: ${parsed.error?.message ?? 'id mismatch'}`);
  }
  return parsed.data;
}

/**
 * One network's saved state.
 * @throws SandboxError NETWORK_NOT_FOUND, STATE_CORRUPT, INVALID_ARGUMENT (bad id)
 */
export async function loadNetwork(paths: RuntimePaths, id: string): Promise<NetworkInfo> {
  checkNetworkId(id);
  const record = await readRecord(paths, id);
  if (!record) throw new SandboxError('NETWORK_NOT_FOUND', `no network ${id}`);
  return toNetworkInfo(record);
}

/** Ids of every network directory (complete or not), sorted. */
export async function listNetworkIds(paths: RuntimePaths): Promise<string[]> {
  try {
    return (await readdir(path.join(paths.stateDir, 'networks'))).filter((n) => ID_PATTERN.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Every network with a readable network.json (half-created and corrupt ones are skipped). */
export async function listNetworks(paths: RuntimePaths): Promise<NetworkInfo[]> {
  const out: NetworkInfo[] = [];
  for (const id of await listNetworkIds(paths)) {
    const record = await readRecord(paths, id).catch(() => null);
    if (record) out.push(toNetworkInfo(record));
  }
  return out;
}

/**
 * Removes a network: its nodes' veths, its bridge, its firewall elements, its subnet claim
 * and its directory. Idempotent, and works on half-created networks. Sandboxes on it lose
 * their network; the driver destroys them first.
 */
export async function destroyNetwork(paths: RuntimePaths, id: string): Promise<void> {
  checkNetworkId(id);
  const record = await readRecord(paths, id).catch(() => null);
  for (const node of await listNodes(paths, id)) await deleteLink(vethName(node.sandboxId));
  // Independent: the kernel's bridge removal waits for RCU; nft is a separate transaction.
  await Promise.all([deleteBridge(bridgeName(id)), removeNetworkRules(bridgeName(id))]);
  await releaseSubnetsOf(paths, id, record?.subnetIndex);
  await rm(networkPaths(paths, id).dir, { recursive: true, force: true });
}

/**
 * Releases the subnet claims held by network `id`. With a known index only that claim is
 * checked; otherwise (network.json lost) every claim is read.
 */
async function releaseSubnetsOf(paths: RuntimePaths, id: string, index: number | undefined): Promise<void> {
  const dir = subnetClaimsDir(paths);
  const candidates = index !== undefined ? [index] : await listClaims(dir);
  for (const n of candidates) {
    if ((await subnetClaimOwner(paths, n)) === id) await releaseClaim(dir, n);
  }
}

/** The network id in subnet claim `n`, or null when unreadable (absent or not written yet). */
export async function subnetClaimOwner(paths: RuntimePaths, n: number): Promise<string | null> {
  try {
    const owner = (await readFile(path.join(subnetClaimsDir(paths), String(n), SUBNET_CLAIM_FILE), 'utf8')).trim();
    return ID_PATTERN.test(owner) ? owner : null;
  } catch {
    return null;
  }
}

/** The nodes of a network whose records are written, ordered by address. */
export async function listNodes(paths: RuntimePaths, networkId: string): Promise<NodeRecord[]> {
  checkNetworkId(networkId);
  return (await readNodes(paths, networkId)).nodes;
}

/**
 * Every address claim of a network (`offsets`, also those whose record is not written
 * yet) and the records that are written (`nodes`), ordered by address.
 */
async function readNodes(paths: RuntimePaths, networkId: string): Promise<{ offsets: number[]; nodes: NodeRecord[] }> {
  const dir = networkPaths(paths, networkId).addresses;
  const offsets = await listClaims(dir);
  const records = await Promise.all(
    offsets.map(async (offset): Promise<NodeRecord | null> => {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(path.join(dir, String(offset), NODE_FILE), 'utf8'));
      } catch {
        return null; // claimed a moment ago, record not written yet (or torn down meanwhile)
      }
      const parsed = NodeRecordSchema.safeParse(json);
      return parsed.success ? { ...parsed.data, offset } : null;
    }),
  );
  return { offsets, nodes: records.filter((r): r is NodeRecord => r !== null) };
}

/** Per network, the tail of the queue of syncHosts calls in this process. */
const hostsQueue = new Map<string, Promise<void>>();

/**
 * Re-renders the network's /etc/hosts from its node records, in place. Calls in one
 * process are serialised. Against writers in other processes it checks after writing that
 * neither the claims nor the file changed meanwhile, and writes again if they did, so the
 * last writer always leaves the file matching the records. (A claim whose record is not
 * written yet is left out: its own attachNode syncs once the record is there.)
 */
export function syncHosts(paths: RuntimePaths, networkId: string): Promise<void> {
  const run = async (): Promise<void> => {
    const np = networkPaths(paths, networkId);
    for (let attempt = 0; attempt < HOSTS_SYNC_ATTEMPTS; attempt++) {
      const { offsets, nodes } = await readNodes(paths, networkId);
      const text = renderHosts(nodes.map((n) => ({ hostname: n.hostname, address: n.address })));
      await writeInPlace(np.hosts, text);
      const [offsetsNow, written] = await Promise.all([listClaims(np.addresses), readFile(np.hosts, 'utf8')]);
      if (written === text && offsetsNow.join() === offsets.join()) return;
    }
    throw new SandboxError('COMMAND_FAILED', `network ${networkId}: /etc/hosts kept changing under concurrent writers`);
  };
  const next = (hostsQueue.get(networkId) ?? Promise.resolve()).then(run, run);
  const tail = next.catch(() => undefined);
  hostsQueue.set(networkId, tail);
  void tail.then(() => {
    if (hostsQueue.get(networkId) === tail) hostsQueue.delete(networkId);
  });
  return next;
}
