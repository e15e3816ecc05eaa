// Creates and deletes a session's host bridge: the L2 segment its nodes share, with the
// host holding the gateway address (so the port proxy can reach nodes) and nothing else.
import { SandboxError } from '../errors.js';
import { checkIfname, deleteLink, ipBatch, setLinkSysctls } from './ip.js';

/** What a bridge needs: its name, the host's address on it, and whether it may forward. */
export interface BridgeOptions {
  /** `pierb<networkId>`. */
  name: string;
  /** The host's address on the bridge (the subnet's gateway), e.g. `10.87.0.1`. */
  gateway: string;
  /** Prefix length of the subnet, e.g. 27. */
  prefix: number;
  /** Fixed MAC address (see bridgeMac). */
  mac: string;
  /** Whether the kernel may route packets that arrive on this bridge (outbound NAT). */
  outbound: boolean;
}

/**
 * A fixed, locally administered MAC for a network's bridge, from its 10-hex id. Without a
 * fixed address a Linux bridge takes the lowest MAC of its ports and changes it as nodes
 * come and go, leaving stale gateway entries in the nodes' ARP caches.
 */
export function bridgeMac(networkId: string): string {
  if (!/^[0-9a-f]{10}$/.test(networkId)) throw new SandboxError('INVALID_ARGUMENT', `bad network id ${networkId}`);
  return ['02', ...(networkId.match(/../g) ?? [])].join(':');
}

/**
 * Creates the bridge, down; hardens it; then gives it the gateway address and brings it up.
 * Two `ip` processes. The caller deletes it on a later failure.
 */
export async function createBridge(options: BridgeOptions): Promise<void> {
  checkIfname(options.name);
  await ipBatch([`link add name ${options.name} address ${options.mac} type bridge`]);
  // Set before the link is up, so no IPv6 address ever exists on it: the firewall is
  // written for IPv4 and nodes must not reach the host over IPv6 link-local (attack 25).
  await setLinkSysctls(options.name, {
    'ipv6/conf/<if>/disable_ipv6': 1,
    // Defense in depth behind the firewall's forward chain: with forwarding off on the
    // bridge, the kernel never routes a packet that a node sends through the gateway,
    // whatever routes the student adds (attacks 26, 27). Same-bridge traffic is switched
    // at L2 and needs no forwarding.
    'ipv4/conf/<if>/forwarding': options.outbound ? 1 : 0,
    // Answer ARP only for the address configured on the bridge itself, so a node cannot
    // learn which other addresses the host has (attack 25/26 reconnaissance).
    'ipv4/conf/<if>/arp_ignore': 1,
  });
  await ipBatch([`address add ${options.gateway}/${options.prefix} dev ${options.name}`, `link set dev ${options.name} up`]);
}

/** Deletes a bridge (its ports stay, detached). Idempotent. @returns true when it existed */
export async function deleteBridge(name: string): Promise<boolean> {
  return deleteLink(name);
}
