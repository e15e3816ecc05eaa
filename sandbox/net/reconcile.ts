// Start-up reconciliation of the network side: removes host links, firewall elements,
// claims and networks that no live sandbox or network owns, and restores what a saved
// network needs (its bridge after a reboot, its firewall elements after a table rewrite).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ID_PATTERN, NAME, networkPaths, subnetClaimsDir, vethName, type RuntimePaths } from '../layout.js';
import { bridgeMac, createBridge } from './bridge.js';
import { addNetworkRules, readFirewallElements, removeNetworkRules } from './firewall.js';
import { deleteLink, listLinks } from './ip.js';
import { destroyNetwork, listNetworkIds, listNodes, loadNetwork, subnetClaimOwner, syncHosts } from './network-store.js';
import { listClaims, parseCidr, releaseClaim } from './subnet.js';

/**
 * How old an incomplete record (a network directory without network.json, a claim without
 * its file) must be before it counts as abandoned rather than being written right now.
 */
export const INCOMPLETE_GRACE_MS = 60_000;

/** True when `file` was last changed more than INCOMPLETE_GRACE_MS ago (or is gone). */
async function abandoned(file: string): Promise<boolean> {
  const s = await stat(file).catch(() => null);
  return s === null || Date.now() - s.mtimeMs > INCOMPLETE_GRACE_MS;
}

/** The 10-hex id in a pier link name, or null when the name is not one of ours. */
function idOf(name: string, prefix: string): string | null {
  const id = name.startsWith(prefix) ? name.slice(prefix.length) : '';
  return ID_PATTERN.test(id) ? id : null;
}

/**
 * Reconciles networks with the host, given the ids of every sandbox that still has a
 * directory (live or being created). Host-wide: it removes every `pierb…`/`pierv…` link and
 * firewall element that this state directory does not own, so run it only where one state
 * directory owns the host's pier objects.
 * @returns one line per orphan removed
 */
export async function reconcileNetworks(paths: RuntimePaths, knownSandboxes: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  const hostBridges = new Set(await listLinks(NAME.bridge));
  const networks = new Set<string>();

  for (const id of await listNetworkIds(paths)) {
    const np = networkPaths(paths, id);
    const network = await loadNetwork(paths, id).catch(() => null);
    if (!network) {
      if (await abandoned(np.info).then((gone) => gone && abandoned(np.dir))) {
        await destroyNetwork(paths, id);
        removed.push(`network ${id} (incomplete)`);
      } else {
        networks.add(id);
      }
      continue;
    }
    // An implicit network shares its sandbox's id and dies with it.
    if (network.ephemeral && !knownSandboxes.has(id)) {
      await destroyNetwork(paths, id);
      removed.push(`network ${id} (its sandbox is gone)`);
      continue;
    }
    networks.add(id);

    let changed = false;
    const nodes = await listNodes(paths, id);
    for (const node of nodes) {
      if (knownSandboxes.has(node.sandboxId)) continue;
      await deleteLink(vethName(node.sandboxId));
      await releaseClaim(np.addresses, node.offset);
      removed.push(`address ${node.address} of network ${id}`);
      changed = true;
    }
    const recorded = new Set(nodes.map((n) => n.offset));
    for (const offset of await listClaims(np.addresses)) {
      if (recorded.has(offset) || !(await abandoned(path.join(np.addresses, String(offset))))) continue;
      await releaseClaim(np.addresses, offset);
      removed.push(`address claim ${offset} of network ${id} (incomplete)`);
      changed = true;
    }
    if (changed) await syncHosts(paths, id);

    // After a reboot the bridge is gone but the network (a session's) is still wanted.
    if (!hostBridges.has(network.bridge)) {
      const subnet = parseCidr(network.subnet);
      await createBridge({ name: network.bridge, gateway: network.gateway, prefix: subnet.prefix, mac: bridgeMac(id), outbound: network.outbound });
    }
    await addNetworkRules(network.bridge, { outbound: network.outbound });
  }

  for (const name of hostBridges) {
    const id = idOf(name, NAME.bridge);
    // (Bridges of networks destroyed above are already gone: deleteLink says false.)
    if (id && !networks.has(id) && (await deleteLink(name))) removed.push(`bridge ${name}`);
  }
  for (const name of await listLinks(NAME.veth)) {
    const id = idOf(name, NAME.veth);
    if (id && !knownSandboxes.has(id) && (await deleteLink(name))) removed.push(`veth ${name}`);
  }
  const elements = await readFirewallElements();
  for (const bridge of new Set([...(elements?.intra ?? []), ...(elements?.outbound ?? [])])) {
    const id = idOf(bridge, NAME.bridge);
    if (id && !networks.has(id)) {
      await removeNetworkRules(bridge);
      removed.push(`firewall element ${bridge}`);
    }
  }
  const claims = subnetClaimsDir(paths);
  for (const n of await listClaims(claims)) {
    const owner = await subnetClaimOwner(paths, n);
    const orphan = owner === null ? await abandoned(path.join(claims, String(n))) : !networks.has(owner);
    if (orphan) {
      await releaseClaim(claims, n);
      removed.push(`subnet claim ${n}${owner ? ` of network ${owner}` : ''}`);
    }
  }
  return removed;
}
