// pier's nftables table `inet pier`: what a node may reach (its own session's nodes; the
// internet only when its network was created with outbound on) and may not (other
// sessions, the host, the LAN). The rules are the same for every pier process; what differs
// per network is an element of a set keyed by bridge. Rendered by a pure function, applied
// in one atomic transaction, and rewritten only when pier's rules change.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { runCommand } from '../host/command.js';
import { SandboxError } from '../errors.js';
import { NAME } from '../layout.js';
import { formatCidr, parseCidr, parseIpv4 } from './subnet.js';
import { hostNameservers } from './hosts.js';

/** nft family and name of pier's table. Nothing else of the host's ruleset is touched. */
export const FIREWALL_TABLE = 'inet pier';
/** Time one `nft` invocation may take. */
export const NFT_TIMEOUT_MS = 10_000;

/** A bridge name pier creates: `pierb` + 10 hex. Only these ever enter the sets. */
const BRIDGE_PATTERN = new RegExp(`^${NAME.bridge}[0-9a-f]{10}$`);
/** Matches every pier bridge in a rule (nft wildcard on the interface name). */
const ANY_BRIDGE = `"${NAME.bridge}*"`;

/**
 * Destinations a node never reaches even with outbound on (attack 26): RFC 1918 LANs,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, loopback, "this network",
 * multicast and reserved space. The host's own addresses are covered by the input chain.
 */
export const BLOCKED_DESTINATIONS_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
] as const;

/**
 * The elements a rendered ruleset starts with. The rules themselves depend on nothing: every
 * policy that differs between networks (or between pier processes with other settings) is
 * an element of a set, so no process ever changes another's networks by (re)writing rules.
 */
export interface RulesetOptions {
  /** Bridges whose same-bridge pair `"b" . "b"` is in @intra (their nodes reach each other). */
  intraPairs?: readonly string[];
  /** Bridges of networks created with outbound on: forwarded past the gateway, NATed. */
  outboundBridges?: readonly string[];
  /** Nameservers nodes of outbound networks may query on port 53 even if private (@nameservers). */
  nameservers?: readonly string[];
  /** Subnet pools whose sources are masqueraded on the way out (@pools), e.g. `10.87.0.0/16`. */
  pools?: readonly string[];
  /** TCP ports of host image mirrors (@mirror_ports): a node reaches these on its own gateway. */
  mirrorPorts?: readonly number[];
}

/** Throws INVALID_ARGUMENT unless `name` is a pier bridge name (it is spliced into nft text). */
function checkBridge(name: string): void {
  if (!BRIDGE_PATTERN.test(name)) throw new SandboxError('INVALID_ARGUMENT', `not a pier bridge: ${JSON.stringify(name)}`);
}

/** Throws INVALID_ARGUMENT unless `port` is a TCP port number; returns it. */
function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SandboxError('INVALID_ARGUMENT', `not a TCP port: ${port}`);
  return port;
}

/** `elements = { … }` line of a set, or nothing when empty (nft refuses `{ }`). */
function elementsLine(items: readonly string[]): string[] {
  return items.length === 0 ? [] : [`\t\telements = { ${items.join(', ')} }`];
}

/** Set elements, already quoted for nft. */
interface Elements {
  intra: string[];
  outbound: string[];
  nameservers: string[];
  pools: string[];
  mirrorPorts: string[];
}

const NO_ELEMENTS: Elements = { intra: [], outbound: [], nameservers: [], pools: [], mirrorPorts: [] };

/** The rules with the given elements, without the version comment; the version hashes them empty. */
function renderRules(elements: Elements): string[] {
  return [
    'table inet pier {',
    '\t# Pairs "pierbX" . "pierbX": traffic switched inside one session\'s bridge. Only seen',
    '\t# here when br_netfilter passes bridged frames through the IP hooks; without it that',
    '\t# traffic never reaches this table and the set simply goes unused.',
    '\tset intra {',
    '\t\ttype ifname . ifname',
    ...elementsLine(elements.intra),
    '\t}',
    '\t# Bridges of networks that were created with outbound access (one element per network).',
    '\tset outbound {',
    '\t\ttype ifname',
    ...elementsLine(elements.outbound),
    '\t}',
    '\t# The host\'s nameservers: reachable on port 53 from outbound networks even when private.',
    '\tset nameservers {',
    '\t\ttype ipv4_addr',
    ...elementsLine(elements.nameservers),
    '\t}',
    '\t# Subnet pools of pier processes on this host: sources masqueraded when leaving.',
    '\tset pools {',
    '\t\ttype ipv4_addr',
    '\t\tflags interval',
    '\t\tauto-merge',
    ...elementsLine(elements.pools),
    '\t}',
    '\t# TCP ports of the host image mirror (server/mirror/): the one service of the host a node',
    '\t# reaches, and only on its own network\'s gateway address.',
    '\tset mirror_ports {',
    '\t\ttype inet_service',
    ...elementsLine(elements.mirrorPorts),
    '\t}',
    '',
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy accept;',
    '\t\t# Replies to connections the host opened to a node (the port proxy).',
    `\t\tiifname ${ANY_BRIDGE} ct state established,related accept`,
    '\t\t# The image mirror, on the address of the bridge the packet came in on (its gateway):',
    '\t\t# `fib daddr . iif type local` holds only for an address of that very interface, so',
    '\t\t# not another session\'s gateway nor the host\'s LAN address (docs/SECURITY.md 48).',
    `\t\tiifname ${ANY_BRIDGE} tcp dport @mirror_ports fib daddr . iif type local ct state new accept`,
    '\t\t# Nothing else from a node reaches the host: not the gateway address, not the host\'s',
    '\t\t# other addresses, not the pier server\'s port (attack 25, and 26 for the gateway).',
    `\t\tiifname ${ANY_BRIDGE} drop`,
    '\t\t# The mirror serves nodes only: from the LAN or other interfaces its port is closed.',
    `\t\tiifname != "lo" tcp dport @mirror_ports drop`,
    '\t}',
    '',
    '\tchain forward {',
    '\t\ttype filter hook forward priority filter; policy accept;',
    '\t\t# Nodes of one session reach each other (bridged traffic under br_netfilter).',
    '\t\tiifname . oifname @intra accept',
    '\t\t# No session reaches another, even via the gateway with routes it added (attack 27).',
    `\t\tiifname ${ANY_BRIDGE} oifname ${ANY_BRIDGE} drop`,
    '\t\t# Into a session only replies to its own outbound connections; nothing from the LAN',
    '\t\t# or the host\'s other interfaces is routed to a node.',
    `\t\toifname ${ANY_BRIDGE} ct state established,related accept`,
    `\t\toifname ${ANY_BRIDGE} drop`,
    '\t\t# The host\'s nameservers stay usable even when they sit on the LAN, on port 53 only.',
    '\t\tiifname @outbound ip daddr @nameservers meta l4proto { tcp, udp } th dport 53 accept',
    '\t\t# Never the LAN, cloud metadata or other private space, outbound or not (attack 26).',
    `\t\tiifname ${ANY_BRIDGE} ip daddr { ${BLOCKED_DESTINATIONS_V4.join(', ')} } drop`,
    '\t\t# The internet, for networks created with outbound on (IPv4 only: bridges have no IPv6).',
    '\t\tiifname @outbound meta nfproto ipv4 accept',
    '\t\t# Everything else a node sends through the gateway: dropped (attack 26).',
    `\t\tiifname ${ANY_BRIDGE} drop`,
    '\t}',
    '',
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    '\t\t# Outbound traffic leaves with the host\'s address (only @outbound bridges get here:',
    '\t\t# the forward chain drops the rest).',
    `\t\tip saddr @pools oifname != ${ANY_BRIDGE} masquerade`,
    '\t}',
    '}',
  ];
}

/** A short hash of the rules (not the elements): the same for every pier process of one version. */
export function rulesetVersion(): string {
  const text = renderRules(NO_ELEMENTS).join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Renders the whole `nft -f` input: create-if-missing, delete and define `inet pier` in one
 * transaction (atomic, idempotent; the kernel never sees the host without the table).
 */
export function renderRuleset(o: RulesetOptions = {}): string {
  const intra = [...new Set(o.intraPairs ?? [])].sort();
  const outbound = [...new Set(o.outboundBridges ?? [])].sort();
  [...intra, ...outbound].forEach(checkBridge);
  const rules = renderRules({
    intra: intra.map((b) => `"${b}" . "${b}"`),
    outbound: outbound.map((b) => `"${b}"`),
    nameservers: [...new Set(o.nameservers ?? [])].filter((a) => parseIpv4(a) !== null).sort(),
    pools: [...new Set((o.pools ?? []).map((p) => formatCidr(parseCidr(p))))].sort(),
    mirrorPorts: [...new Set(o.mirrorPorts ?? [])].map(checkPort).sort((a, b) => a - b).map(String),
  });
  // The version goes in the table's comment; ensureFirewall compares it.
  rules.splice(1, 0, `\tcomment "pier ${rulesetVersion()}"`);
  return [
    '# pier\'s firewall (sandbox/net/firewall.ts). Rewritten by pier; do not edit.',
    'table inet pier {}',
    'delete table inet pier',
    ...rules,
    '',
  ].join('\n');
}

/** Runs `nft -f -` with `input`; returns the result whatever the exit code. */
function nft(input: string) {
  return runCommand('nft', ['-f', '-'], { input, timeoutMs: NFT_TIMEOUT_MS });
}

/** True when nft's stderr says the table (or element) is not there. */
const isMissing = (stderr: string): boolean => /No such file or directory/.test(stderr);

const NftJsonSchema = z.object({ nftables: z.array(z.record(z.string(), z.unknown())) });
const SetSchema = z.object({ name: z.string(), elem: z.array(z.unknown()).optional() });

/**
 * The bridges currently in @intra and @outbound, or null when the table does not exist.
 */
export async function readFirewallElements(): Promise<{ intra: string[]; outbound: string[]; mirrorPorts: number[] } | null> {
  const r = await runCommand('nft', ['-j', 'list', 'table', ...FIREWALL_TABLE.split(' ')], { timeoutMs: NFT_TIMEOUT_MS });
  if (r.code !== 0) {
    if (isMissing(r.stderr)) return null;
    throw new SandboxError('COMMAND_FAILED', `nft -j list table ${FIREWALL_TABLE} exited ${r.code}: ${r.stderr.trim()}`);
  }
  const parsed = NftJsonSchema.safeParse(JSON.parse(r.stdout));
  if (!parsed.success) throw new SandboxError('COMMAND_FAILED', `cannot parse nft JSON: ${parsed.error.message}`);
  const out = { intra: [] as string[], outbound: [] as string[], mirrorPorts: [] as number[] };
  for (const obj of parsed.data.nftables) {
    const set = SetSchema.safeParse(obj['set']);
    if (!set.success) continue;
    for (const e of set.data.elem ?? []) {
      if (set.data.name === 'mirror_ports') {
        if (typeof e === 'number' && Number.isInteger(e) && e > 0 && e < 65536) out.mirrorPorts.push(e);
        continue;
      }
      // @intra elements are {"concat": [a, b]}; @outbound elements are plain strings.
      const name = typeof e === 'string' ? e : z.object({ concat: z.tuple([z.string(), z.string()]) }).safeParse(e).data?.concat[0];
      if (name === undefined || !BRIDGE_PATTERN.test(name)) continue;
      if (set.data.name === 'intra') out.intra.push(name);
      if (set.data.name === 'outbound') out.outbound.push(name);
    }
  }
  return out;
}

/** What ensureFirewall adds to the sets: this process's settings, never a policy for others. */
export interface FirewallConfig {
  /** This process's subnet pool, e.g. `10.87.0.0/16` (added to @pools). */
  pool: string;
  /** Nameservers to allow on port 53 from outbound networks; default: the host's. */
  nameservers?: readonly string[];
  /** Gateway port of this process's host image mirror (added to @mirror_ports). */
  mirrorPort?: number | null;
}

/**
 * Makes sure pier's table is in place with the current rules. The rules depend on nothing
 * a process is configured with, so every pier process of one version finds them unchanged
 * and only adds its pool and nameservers to the sets: a `pier sandbox …` command cannot
 * change what the server's networks may reach. The table is rewritten (atomically, keeping
 * every element) only when it is missing or pier's rules changed.
 * @returns whether the rules were (re)written
 */
export async function ensureFirewall(config: FirewallConfig): Promise<'unchanged' | 'applied'> {
  const nameservers = (config.nameservers ?? (await hostNameservers())).filter((a) => parseIpv4(a) !== null);
  const pool = formatCidr(parseCidr(config.pool));
  const version = rulesetVersion();
  let result: 'unchanged' | 'applied' = 'unchanged';
  const listed = await runCommand('nft', ['list', 'table', ...FIREWALL_TABLE.split(' ')], { timeoutMs: NFT_TIMEOUT_MS });
  if (listed.code !== 0 || !listed.stdout.includes(`comment "pier ${version}"`)) {
    // A window exists between reading the elements and applying: a network added by another
    // process in it loses its elements until reconcileNetworks re-adds them.
    const elements = (await readFirewallElements()) ?? { intra: [], outbound: [], mirrorPorts: [] };
    const applied = await nft(renderRuleset({ intraPairs: elements.intra, outboundBridges: elements.outbound, mirrorPorts: elements.mirrorPorts }));
    if (applied.code !== 0) {
      throw new SandboxError('COMMAND_FAILED', `nft -f - (pier ruleset) exited ${applied.code}: ${applied.stderr.trim()}`);
    }
    result = 'applied';
  }
  // Adding an element that is there already is a no-op: one transaction, idempotent.
  const adds = [`add element ${FIREWALL_TABLE} pools { ${pool} }`];
  if (nameservers.length > 0) adds.push(`add element ${FIREWALL_TABLE} nameservers { ${nameservers.join(', ')} }`);
  if (config.mirrorPort != null) adds.push(`add element ${FIREWALL_TABLE} mirror_ports { ${checkPort(config.mirrorPort)} }`);
  const added = await nft(`${adds.join('\n')}\n`);
  if (added.code !== 0) throw new SandboxError('COMMAND_FAILED', `nft (pier pools, nameservers) exited ${added.code}: ${added.stderr.trim()}`);
  return result;
}

/**
 * Turns on net.ipv4.ip_forward (host-wide; NAT needs it on the uplink too) when the first
 * outbound network needs it. Bridges of networks without outbound stay closed by the
 * forward chain (they are not in @outbound).
 */
async function enableIpv4Forwarding(): Promise<void> {
  const file = '/proc/sys/net/ipv4/ip_forward';
  if ((await readFile(file, 'utf8')).trim() !== '1') await writeFile(file, '1');
}

/**
 * Adds a network's elements: its @intra pair and, with `outbound`, its @outbound entry (and
 * turns on IPv4 forwarding). One transaction, no table rewrite. Fails closed (COMMAND_FAILED) when the table is missing:
 * no network is created without its firewall.
 */
export async function addNetworkRules(bridge: string, options: { outbound: boolean }): Promise<void> {
  checkBridge(bridge);
  if (options.outbound) await enableIpv4Forwarding();
  const lines = [`add element ${FIREWALL_TABLE} intra { "${bridge}" . "${bridge}" }`];
  if (options.outbound) lines.push(`add element ${FIREWALL_TABLE} outbound { "${bridge}" }`);
  const r = await nft(`${lines.join('\n')}\n`);
  if (r.code !== 0) {
    const why = isMissing(r.stderr) ? `table ${FIREWALL_TABLE} is missing (ensureFirewall not run?)` : r.stderr.trim();
    throw new SandboxError('COMMAND_FAILED', `cannot add ${bridge} to the firewall: ${why}`);
  }
}

/**
 * Removes a network's elements. Idempotent: each element is added then deleted in the same
 * transaction (nft 1.0.6 has no `destroy`), and a missing table counts as done.
 */
export async function removeNetworkRules(bridge: string): Promise<void> {
  checkBridge(bridge);
  const r = await nft(
    [
      `add element ${FIREWALL_TABLE} intra { "${bridge}" . "${bridge}" }`,
      `delete element ${FIREWALL_TABLE} intra { "${bridge}" . "${bridge}" }`,
      `add element ${FIREWALL_TABLE} outbound { "${bridge}" }`,
      `delete element ${FIREWALL_TABLE} outbound { "${bridge}" }`,
      '',
    ].join('\n'),
  );
  if (r.code !== 0 && !isMissing(r.stderr)) {
    throw new SandboxError('COMMAND_FAILED', `cannot remove ${bridge} from the firewall: ${r.stderr.trim()}`);
  }
}

/**
 * Removes a mirror port from @mirror_ports (the mirror stopped): nodes then reach nothing on
 * that port, whatever binds it later. Idempotent; a missing table counts as done.
 */
export async function removeMirrorPort(port: number): Promise<void> {
  checkPort(port);
  const r = await nft(`add element ${FIREWALL_TABLE} mirror_ports { ${port} }\ndelete element ${FIREWALL_TABLE} mirror_ports { ${port} }\n`);
  if (r.code !== 0 && !isMissing(r.stderr)) throw new SandboxError('COMMAND_FAILED', `cannot remove mirror port ${port}: ${r.stderr.trim()}`);
}
