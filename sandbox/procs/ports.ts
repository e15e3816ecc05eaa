// Which TCP ports listen inside a sandbox: asked of the kernel's sock_diag (through `ss`,
// sock-diag.ts) in its init's network namespace, LISTEN sockets only, so the cost of a poll
// does not grow with the sandbox's other sockets (issue 11 point 4). The parser of
// /proc/net/tcp{,6} stays for hosts and tests that read those files. Moved here from
// server/proxy (issue 17): host pids stay inside sandbox/, the server asks the driver.
import { endianness } from 'node:os';
import { SandboxError } from '../errors.js';
import type { ListeningPort } from '../types.js';
import { probeListeners } from './port-probe-client.js';

/** The `st` column value of a socket in LISTEN state (include/net/tcp_states.h). */
export const TCP_LISTEN = 0x0a;

/** One row of /proc/net/tcp or /proc/net/tcp6. */
export interface TcpSocketEntry {
  family: 4 | 6;
  /** Local address in text form: `0.0.0.0`, `127.0.0.1`, `::`, `::1`, `::ffff:127.0.0.1`. */
  address: string;
  /** Local port. */
  port: number;
  /** Kernel TCP state (0x0A = LISTEN, 0x01 = ESTABLISHED…). */
  state: number;
  /** Bound to a loopback address (127.0.0.0/8, ::1, ::ffff:127.0.0.0/104). */
  loopback: boolean;
}

/** A listening port (the driver contract's type, sandbox/types.ts). */
export type { ListeningPort };

/** Byte order of the host, which /proc/net/tcp prints addresses in (one u32 per word). */
export type ByteOrder = 'LE' | 'BE';

const HEX_WORD = /^[0-9A-Fa-f]{8}$/;

/** The address bytes of one 8-hex-digit word as the kernel prints it (`%08X` of a u32). */
function wordBytes(word: string, order: ByteOrder): number[] {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(word.slice(i, i + 2), 16));
  return order === 'LE' ? bytes.reverse() : bytes;
}

/** Formats 16 address bytes as RFC 5952 text (longest zero run compressed, v4-mapped dotted). */
export function formatIpv6(bytes: readonly number[]): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${bytes.slice(12, 16).join('.')}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Parses a `local_address` field (`0100007F:1F40` or 32 hex digits + `:port`). */
function parseEndpoint(field: string, order: ByteOrder): Omit<TcpSocketEntry, 'state'> | null {
  const [hex, portHex, ...rest] = field.split(':');
  if (hex === undefined || portHex === undefined || rest.length > 0 || !/^[0-9A-Fa-f]{4}$/.test(portHex)) return null;
  const port = parseInt(portHex, 16);
  if (hex.length === 8 && HEX_WORD.test(hex)) {
    const b = wordBytes(hex, order);
    return { family: 4, address: b.join('.'), port, loopback: b[0] === 127 };
  }
  if (hex.length === 32) {
    const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8));
    if (!words.every((w) => HEX_WORD.test(w))) return null;
    const b = words.flatMap((w) => wordBytes(w, order));
    const address = formatIpv6(b);
    const loopback = address === '::1' || (address.startsWith('::ffff:') && b[12] === 127);
    return { family: 6, address, port, loopback };
  }
  return null;
}

/**
 * Parses the text of /proc/<pid>/net/tcp or tcp6 into its rows (the header line and any
 * line that does not parse are skipped).
 * @param text the file's contents
 * @param order byte order the kernel printed addresses in: the host's own (default)
 */
export function parseProcNetTcp(text: string, order: ByteOrder = endianness()): TcpSocketEntry[] {
  const entries: TcpSocketEntry[] = [];
  for (const line of text.split('\n')) {
    // "   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 …"
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || !/^\d+:$/.test(fields[0] ?? '')) continue;
    const local = parseEndpoint(fields[1] ?? '', order);
    const state = /^[0-9A-Fa-f]{2}$/.test(fields[3] ?? '') ? parseInt(fields[3] ?? '', 16) : NaN;
    if (local === null || Number.isNaN(state)) continue;
    entries.push({ ...local, state });
  }
  return entries;
}

/** The LISTEN rows of `entries` grouped by port, sorted by port. */
export function listeningFrom(entries: readonly TcpSocketEntry[]): ListeningPort[] {
  const byPort = new Map<number, { reachable: boolean; addresses: Set<string> }>();
  for (const e of entries) {
    if (e.state !== TCP_LISTEN || e.port === 0) continue;
    const slot = byPort.get(e.port) ?? { reachable: false, addresses: new Set<string>() };
    slot.reachable ||= !e.loopback;
    slot.addresses.add(e.address);
    byPort.set(e.port, slot);
  }
  return [...byPort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([port, s]) => ({ port, reachable: s.reachable, addresses: [...s.addresses].sort() }));
}

/** Splits `addr:port` as ss prints it (`0.0.0.0:80`, `[::1]:80`, `*:80`, `127.0.0.53%lo:53`). */
function parseSsEndpoint(field: string): Omit<TcpSocketEntry, 'state'> | null {
  const colon = field.lastIndexOf(':');
  if (colon <= 0) return null;
  const port = Number(field.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return null;
  let host = field.slice(0, colon);
  const scope = host.indexOf('%');
  if (scope >= 0) host = host.slice(0, scope); // bound to a device: the address is what counts
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === '*') return { family: 6, address: '::', port, loopback: false }; // any address, dual-stack
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return { family: 4, address: host, port, loopback: host.startsWith('127.') };
  if (!/^[0-9a-f:.]+$/i.test(host) || !host.includes(':')) return null;
  const address = host.toLowerCase();
  const loopback = address === '::1' || /^::ffff:127\./.test(address);
  return { family: 6, address, port, loopback };
}

/**
 * Parses the output of `ss -Hltn` (no header: `State Recv-Q Send-Q Local:Port Peer:Port`)
 * into LISTEN rows; other lines are skipped.
 */
export function parseSsListening(text: string): TcpSocketEntry[] {
  const entries: TcpSocketEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] !== 'LISTEN' || fields.length < 5) continue;
    const local = parseSsEndpoint(fields[3] ?? '');
    if (local) entries.push({ ...local, state: TCP_LISTEN });
  }
  return entries;
}

/**
 * The TCP ports something listens on inside the network namespace of host process
 * `initPid` (a sandbox's init, known only to the driver), deduplicated over IPv4 and IPv6 and
 * sorted. Needs root (nsenter). Costs the main thread a spawn and the parse of one line per
 * listener, whatever else the sandbox holds (docs/BENCHMARKS.md: 100 000 TIME_WAIT sockets).
 * @throws SandboxError PORTS_UNAVAILABLE when the process is gone, `ss` fails, or the process
 *   lives in the server's own network namespace (a stale pid reused by a host process must
 *   not show the host's listeners to a student)
 */
export async function listeningPortsOfPid(initPid: number): Promise<ListeningPort[]> {
  if (!Number.isSafeInteger(initPid) || initPid <= 0) {
    throw new SandboxError('PORTS_UNAVAILABLE', `not a process id: ${initPid}`);
  }
  let text: string;
  try {
    text = await probeListeners(initPid);
  } catch (err) {
    throw new SandboxError('PORTS_UNAVAILABLE', `cannot read the sockets of process ${initPid}: ${(err as Error).message}`, { cause: err });
  }
  return listeningFrom(parseSsListening(text));
}
