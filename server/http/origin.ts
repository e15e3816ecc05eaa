// Same-origin checks for state-changing requests and WebSocket upgrades: the Origin a
// browser sends must name the host the page was served from (the Host header).
import type { IncomingMessage } from 'node:http';

/** A Host header: a name or IPv4 address, or a bracketed IPv6 address, and maybe a port. */
const HOST_HEADER = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * Whether `origin` (an Origin header) names the same host and port as `host` (a Host
 * header), over http or https. `null` origins (sandboxed frames, file:) never match.
 */
export function originMatchesHost(origin: string, host: string | undefined): boolean {
  if (host === undefined || !HOST_HEADER.test(host)) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const defaultPort = url.protocol === 'https:' ? '443' : '80';
  const norm = (h: string, port: string) => `${h.toLowerCase()}:${port || defaultPort}`;
  let hostUrl: URL;
  try {
    hostUrl = new URL(`${url.protocol}//${host}`);
  } catch {
    return false;
  }
  return norm(url.hostname, url.port) === norm(hostUrl.hostname, hostUrl.port);
}

/**
 * The origin verdict of a request: `same`, `cross` (an Origin naming another site), or
 * `absent` (no Origin header: not a browser's cross-site request).
 */
export function requestOrigin(req: IncomingMessage): 'same' | 'cross' | 'absent' {
  const origin = req.headers.origin;
  if (origin === undefined) return 'absent';
  return originMatchesHost(origin, req.headers.host) ? 'same' : 'cross';
}
