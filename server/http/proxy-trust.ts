// Who the client is behind a reverse proxy. Only peers listed in `trustProxy` (addresses or
// CIDRs) may say, through X-Forwarded-For / -Proto / -Host, which address, scheme and host
// the original request had; from anyone else these headers are ignored and the socket's
// own address and TLS state count. Decided once per request (and per upgrade), at the door.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** The original client of a request. */
export interface ClientInfo {
  /** The client's IP address (the proxy's own when the proxy is not trusted). */
  address: string;
  /** Whether the client's connection (to pier or to the trusted proxy) was https. */
  secure: boolean;
  /** Whether the request came through a trusted proxy. */
  viaProxy: boolean;
}

/** A parsed trustProxy list. */
export interface ProxyTrust {
  trusts(address: string): boolean;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`; other addresses unchanged. */
export function plainAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/**
 * Parses entries such as `127.0.0.1`, `10.0.0.0/8`, `::1`, `fd00::/8`.
 * @throws Error naming the first entry that is neither an address nor a CIDR
 */
export function parseProxyTrust(entries: readonly string[]): ProxyTrust {
  const list = new BlockList();
  for (const entry of entries) {
    const [addr = '', bits, extra] = entry.trim().split('/');
    const family = isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (family === 0 || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`not an IP address or CIDR: "${entry}"`);
    }
    list.addSubnet(addr, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return {
    trusts(address) {
      const a = plainAddress(address);
      const family = isIP(a);
      return family !== 0 && entries.length > 0 && list.check(a, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}

/** The comma-separated values of a header, all its lines together. */
function listHeader(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value.join(',') : value).split(',').map((v) => v.trim()).filter((v) => v !== '');
}

const decided = new WeakMap<IncomingMessage, ClientInfo>();

/**
 * Decides the client of `req` and remembers it (see `clientOf`). From a trusted peer: the
 * client address is the right-most X-Forwarded-For entry that is not itself a trusted proxy,
 * the scheme is X-Forwarded-Proto's first value, and X-Forwarded-Host (when sent) replaces
 * the Host header, so origins, links and redirects name the host the browser used.
 */
export function decideClient(req: IncomingMessage, trust: ProxyTrust): ClientInfo {
  const peer = plainAddress(req.socket.remoteAddress ?? '');
  const encrypted = (req.socket as TLSSocket).encrypted === true;
  let info: ClientInfo = { address: peer, secure: encrypted, viaProxy: false };
  if (trust.trusts(peer)) {
    const chain = listHeader(req.headers['x-forwarded-for']).map(plainAddress).filter((a) => isIP(a) !== 0);
    let address = peer;
    for (let i = chain.length - 1; i >= 0; i--) {
      address = chain[i]!;
      if (!trust.trusts(address)) break;
    }
    const proto = listHeader(req.headers['x-forwarded-proto'])[0]?.toLowerCase();
    const host = listHeader(req.headers['x-forwarded-host'])[0];
    if (host !== undefined) req.headers.host = host;
    info = { address, secure: proto === undefined ? encrypted : proto === 'https', viaProxy: true };
  }
  decided.set(req, info);
  return info;
}

/** The client of `req` as decided at the door; the socket's view when nothing was decided. */
export function clientOf(req: IncomingMessage): ClientInfo {
  return decided.get(req) ?? { address: plainAddress(req.socket.remoteAddress ?? 'unknown'), secure: (req.socket as TLSSocket).encrypted === true, viaProxy: false };
}
