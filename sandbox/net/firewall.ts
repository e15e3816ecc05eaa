// pier's nftables table `inet pier`: what a node may reach (its own session's nodes; the
// internet only when outbound is on) and may not (other sessions, the host, the LAN).
// The ruleset is rendered by a pure function and applied in one atomic transaction.
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

/** Everything the ruleset depends on. */
export interface RulesetOptions {
  /** Whether the deployment allows outbound internet at all (NAT rules present). */
  outbound: boolean;
  /** The pool session subnets are cut from, e.g. `10.87.0.0/16` (masqueraded when outbound). */
  subnetPool: string;
  /** Bridges whose same-bridge pair `"b" . "b"` is in @intra (their nodes reach each other). */
  intraPairs?: readonly string[];
  /** Bridges whose networks have outbound on (only used when `outbound`). */
  outboundBridges?: readonly string[];
  /** Nameservers nodes may query on port 53 even if private (only used when `outbound`). */
  nameservers?: readonly string[];
}

/** Throws INVALID_ARGUMENT unless `name` is a pier bridge name (it is spliced into nft text). */
function checkBridge(name: string): void {
  if (!BRIDGE_PATTERN.test(name)) throw new SandboxError('INVALID_ARGUMENT', `not a pier bridge: ${JSON.stringify(name)}`);
}

/** `elements = { … }` line of a set, or nothing when empty (nft refuses `{ }`). */
function elementsLine(items: readonly string[]): string[] {
  return items.length === 0 ? [] : [`\t\telements = { ${items.join(', ')} }`];
}

/** The rules without elements or version comment; the version is a hash of this. */
function renderRules(o: RulesetOptions, elements: { intra: string[]; outbound: string[] }): string[] {
  const pool = formatCidr(parseCidr(o.subnetPool));
  const nameservers = (o.nameservers ?? []).filter((s) => parseIpv4(s) !== null);
  const outboundRules = o.outbound
    ? [
        ...(nameservers.length > 0
          ? [
              '\t\t# The host\'s nameservers stay usable even when they sit on the LAN, on port 53 only.',
              `\t\tiifname @outbound ip daddr { ${nameservers.join(', ')} } meta l4proto { tcp, udp } th dport 53 accept`,
            ]
          : []),
        '\t\t# Never the LAN, cloud metadata or other private space, outbound or not (attack 26).',
        `\t\tiifname ${ANY_BRIDGE} ip daddr { ${BLOCKED_DESTINATIONS_V4.join(', ')} } drop`,
        '\t\t# The internet, for networks created with outbound on (IPv4 only: bridges have no IPv6).',
        '\t\tiifname @outbound meta nfproto ipv4 accept',
      ]
    : [];
  return [
    'table inet pier {',
    '\t# Pairs "pierbX" . "pierbX": traffic switched inside one session\'s bridge. Only seen',
    '\t# here when br_netfilter passes bridged frames through the IP hooks; without it that',
    '\t# traffic never reaches this table and the set simply goes unused.',
    '\tset intra {',
    '\t\ttype ifname . ifname',
    ...elementsLine(elements.intra),
    '\t}',
    '\t# Bridges of networks that were created with outbound access.',
    '\tset outbound {',
    '\t\ttype ifname',
    ...elementsLine(elements.outbound),
    '\t}',
    '',
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy accept;',
    '\t\t# Replies to connections the host opened to a node (the port proxy).',
    `\t\tiifname ${ANY_BRIDGE} ct state established,related accept`,
    '\t\t# Nothing else from a node reaches the host: not the gateway address, not the host\'s',
    '\t\t# other addresses, not the pier server\'s port (attack 25, and 26 for the gateway).',
    `\t\tiifname ${ANY_BRIDGE} drop`,
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
    ...outboundRules,
    '\t\t# Everything else a node sends through the gateway: dropped (attack 26).',
    `\t\tiifname ${ANY_BRIDGE} drop`,
    '\t}',
    ...(o.outbound
      ? [
          '',
          '\tchain postrouting {',
          '\t\ttype nat hook postrouting priority srcnat; policy accept;',
          '\t\t# Outbound traffic leaves with the host\'s address.',
          `\t\tip saddr ${pool} oifname != ${ANY_BRIDGE} masquerade`,
          '\t}',
        ]
      : []),
    '}',
  ];
}

/** A short hash of the rules (not the elements): equal versions need no rewrite. */
export function rulesetVersion(o: RulesetOptions): string {
  const text = renderRules(o, { intra: [], outbound: [] }).join('\n');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Renders the whole `nft -f` input: create-if-missing, delete and define `inet pier` in one
 * transaction (atomic, idempotent; the kernel never sees the host without the table).
 */
export function renderRuleset(o: RulesetOptions): string {
  const intra = [...new Set(o.intraPairs ?? [])].sort();
  const outbound = [...new Set(o.outboundBridges ?? [])].sort();
  [...intra, ...outbound].forEach(checkBridge);
  const rules = renderRules(o, {
    intra: intra.map((b) => `"${b}" . "${b}"`),
    outbound: outbound.map((b) => `"${b}"`),
  });
  // The version goes in the table's comment; ensureFirewall compares it.
  rules.splice(1, 0, `\tcomment "pier ${rulesetVersion(o)}"`);
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
export async function readFirewallElements(): Promise<{ intra: string[]; outbound: string[] } | null> {
  const r = await runCommand('nft', ['-j', 'list', 'table', ...FIREWALL_TABLE.split(' ')], { timeoutMs: NFT_TIMEOUT_MS });
  if (r.code !== 0) {
    if (isMissing(r.stderr)) return null;
    throw new SandboxError('COMMAND_FAILED', `nft -j list table ${FIREWALL_TABLE} exited ${r.code}: ${r.stderr.trim()}`);
  }
  const parsed = NftJsonSchema.safeParse(JSON.parse(r.stdout));
  if (!parsed.success) throw new SandboxError('COMMAND_FAILED', `cannot parse nft JSON: ${parsed.error.message}`);
  const out = { intra: [] as string[], outbound: [] as string[] };
  for (const obj of parsed.data.nftables) {
    const set = SetSchema.safeParse(obj['set']);
    if (!set.success) continue;
    for (const e of set.data.elem ?? []) {
      // @intra elements are {"concat": [a, b]}; @outbound elements are plain strings.
      const name = typeof e === 'string' ? e : z.object({ concat: z.tuple([z.string(), z.string()]) }).safeParse(e).data?.concat[0];
      if (name === undefined || !BRIDGE_PATTERN.test(name)) continue;
      if (set.data.name === 'intra') out.intra.push(name);
      if (set.data.name === 'outbound') out.outbound.push(name);
    }
  }
  return out;
}

/** Settings ensureFirewall takes: the deployment's, as the runtime holds them. */
export interface FirewallConfig {
  /**
   * Whether the deployment allows outbound internet. It is the ceiling: a network created
   * with outbound on gets nothing past the gateway unless this is on too. Turning it off
   * later rewrites the rules but leaves net.ipv4.ip_forward as it is.
   */
  outbound: boolean;
  /** Subnet pool, e.g. `10.87.0.0/16`. */
  pool: string;
  /** Nameservers to allow on port 53; default: the host's (when outbound). */
  nameservers?: readonly string[];
}

/**
 * Makes sure pier's table is in place with the current rules. Cheap when it already is
 * (one `nft list` compares the version in the table's comment). When the rules changed, the
 * table is rewritten atomically, keeping the elements of @intra and @outbound (live
 * networks). With outbound on it also turns on IPv4 forwarding, which NAT needs.
 * @returns whether the table was (re)written
 */
export async function ensureFirewall(config: FirewallConfig): Promise<'unchanged' | 'applied'> {
  const nameservers = config.nameservers ?? (config.outbound ? await hostNameservers() : []);
  const options: RulesetOptions = { outbound: config.outbound, subnetPool: config.pool, nameservers };
  const version = rulesetVersion(options);
  let result: 'unchanged' | 'applied' = 'unchanged';
  const listed = await runCommand('nft', ['list', 'table', ...FIREWALL_TABLE.split(' ')], { timeoutMs: NFT_TIMEOUT_MS });
  if (listed.code !== 0 || !listed.stdout.includes(`comment "pier ${version}"`)) {
    // A window exists between reading the elements and applying: a network added by another
    // process in it loses its @intra pair until reconcileNetworks re-adds it.
    const elements = (await readFirewallElements()) ?? { intra: [], outbound: [] };
    const applied = await nft(renderRuleset({ ...options, intraPairs: elements.intra, outboundBridges: elements.outbound }));
    if (applied.code !== 0) {
      throw new SandboxError('COMMAND_FAILED', `nft -f - (pier ruleset) exited ${applied.code}: ${applied.stderr.trim()}`);
    }
    result = 'applied';
  }
  if (config.outbound) await enableIpv4Forwarding();
  return result;
}

/**
 * Turns on net.ipv4.ip_forward (host-wide; NAT needs it on the uplink too). Bridges of
 * networks without outbound stay closed by the forward chain (they are not in @outbound).
 */
async function enableIpv4Forwarding(): Promise<void> {
  const file = '/proc/sys/net/ipv4/ip_forward';
  if ((await readFile(file, 'utf8')).trim() !== '1') await writeFile(file, '1');
}

/**
 * Adds a network's elements: its @intra pair and, with `outbound`, its @outbound entry. One
 * transaction, no table rewrite. Fails closed (COMMAND_FAILED) when the table is missing:
 * no network is created without its firewall.
 */
export async function addNetworkRules(bridge: string, options: { outbound: boolean }): Promise<void> {
  checkBridge(bridge);
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
