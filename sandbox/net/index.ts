// The network side of the sandbox runtime: session networks (bridge + subnet + firewall
// elements), nodes on them (veth + address + /etc/hosts), and their reconciliation.
export { ensureFirewall, renderRuleset, rulesetVersion, addNetworkRules, removeNetworkRules, readFirewallElements, removeMirrorPort, BLOCKED_DESTINATIONS_V4 } from './firewall.js';
export type { FirewallConfig, RulesetOptions } from './firewall.js';
export { createNetwork, loadNetwork, listNetworks, destroyNetwork, listNodes, syncHosts, newNetworkId } from './network-store.js';
export type { CreateNetworkOptions, NodeRecord } from './network-store.js';
export { attachNode, detachNode, deleteVeth, NODE_IFNAME } from './veth.js';
export type { AttachNodeOptions } from './veth.js';
export { createBridge, deleteBridge, bridgeMac } from './bridge.js';
export { renderHosts, renderResolvConf, writeInPlace, hostNameservers, checkHostname } from './hosts.js';
export type { HostEntry } from './hosts.js';
export { reconcileNetworks } from './reconcile.js';
export { parseCidr, formatCidr, nthSubnet, nthHost, gatewayOf, subnetCount, nodeCapacity } from './subnet.js';
export type { Cidr } from './subnet.js';
