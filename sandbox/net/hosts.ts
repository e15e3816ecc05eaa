// The name files every node of a network mounts read-only: /etc/hosts (one line per node)
// and /etc/resolv.conf. Rendering is pure; writing keeps the file's inode.
import { constants } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { SandboxError } from '../errors.js';
import { parseIpv4 } from './subnet.js';

/** A node as /etc/hosts names it. */
export interface HostEntry {
  hostname: string;
  /** IPv4 address. */
  address: string;
}

/** One DNS label (RFC 1123): letters, digits, inner hyphens, at most 63 characters. */
const HOSTNAME_PATTERN = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * Throws INVALID_ARGUMENT unless `hostname` is a single DNS label. It is written into a
 * file every node reads, so anything else (spaces, newlines) could forge other entries.
 */
export function checkHostname(hostname: string): void {
  if (!HOSTNAME_PATTERN.test(hostname)) {
    throw new SandboxError('INVALID_ARGUMENT', `bad hostname ${JSON.stringify(hostname)}`, {
      userMessage: 'A node name must be letters, digits and inner hyphens (at most 63).',
    });
  }
}

/** Renders /etc/hosts: the loopback lines, then each node ordered by address. */
export function renderHosts(nodes: readonly HostEntry[]): string {
  const sorted = [...nodes].sort((a, b) => (parseIpv4(a.address) ?? 0) - (parseIpv4(b.address) ?? 0));
  return [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    ...sorted.map((n) => `${n.address}\t${n.hostname}`),
    '',
  ].join('\n');
}

/**
 * Replaces a file's content in place, keeping its inode: the runtime bind-mounts this very
 * file into every node, and a rename would leave the nodes looking at the old inode.
 * Writes first and truncates after, so a reader never sees an empty file; concurrent
 * writers must serialise or re-check (see syncHosts).
 */
export async function writeInPlace(file: string, content: string): Promise<void> {
  const data = Buffer.from(content, 'utf8');
  const fh = await open(file, constants.O_RDWR | constants.O_CREAT, 0o644);
  try {
    await fh.write(data, 0, data.length, 0);
    await fh.truncate(data.length);
  } finally {
    await fh.close();
  }
}

/** Where the host's real upstream resolvers are listed, best first. systemd-resolved
 * keeps them in the first file; /etc/resolv.conf then names only its 127.0.0.53 stub. */
const RESOLV_CONF_SOURCES = ['/run/systemd/resolve/resolv.conf', '/etc/resolv.conf'];

/**
 * The host's IPv4 nameservers that a node could use: loopback ones are dropped (inside a
 * node, 127.0.0.53 is the node's own loopback). Empty when there are none.
 */
export async function hostNameservers(sources: readonly string[] = RESOLV_CONF_SOURCES): Promise<string[]> {
  for (const file of sources) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const servers = parseNameservers(text);
    if (servers.length > 0) return servers;
  }
  return [];
}

/** The non-loopback IPv4 `nameserver` entries of a resolv.conf text, in order, unique. */
export function parseNameservers(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    const addr = m?.[1];
    if (addr === undefined) continue;
    const n = parseIpv4(addr);
    if (n === null || n >>> 24 === 127 || n === 0 || out.includes(addr)) continue;
    out.push(addr);
  }
  return out;
}

/**
 * Renders a network's resolv.conf: the host's nameservers when the network has outbound
 * access, otherwise only a comment (no name server is reachable, so none is named and
 * lookups fail at once instead of timing out).
 */
export function renderResolvConf(options: { outbound: boolean; nameservers: readonly string[] }): string {
  if (!options.outbound) return '# pier: this network has no outbound access, so no name server.\n';
  if (options.nameservers.length === 0) return '# pier: the host has no usable (non-loopback) name server.\n';
  return ['# pier: the host\'s name servers', ...options.nameservers.map((s) => `nameserver ${s}`), ''].join('\n');
}
