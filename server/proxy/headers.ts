// Pure header rewriting of the port proxy: what goes upstream to the student's app (no
// hop-by-hop headers, no pier cookie, X-Forwarded-*), and what comes back to the browser
// (redirects and cookies kept under the proxy prefix, pier's cookie names untouchable).
import type { OutgoingHttpHeaders } from 'node:http';
import type { ProxyAddress } from './address.js';

/** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1, plus legacy). */
export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** Request headers a client could forge to mislead the app; replaced by the proxy's own. */
const FORWARDING = new Set(['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-forwarded-prefix', 'x-real-ip']);

/** Name/value pairs of a `rawHeaders` array (`[name, value, name, value, …]`). */
export function headerPairs(raw: readonly string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i] ?? '', raw[i + 1] ?? '']);
  return pairs;
}

/** Lowercase names listed in every Connection header (they are hop-by-hop too). */
export function connectionTokens(pairs: readonly [string, string][]): Set<string> {
  const tokens = new Set<string>();
  for (const [name, value] of pairs) {
    if (name.toLowerCase() !== 'connection') continue;
    for (const t of value.split(',')) if (t.trim() !== '') tokens.add(t.trim().toLowerCase());
  }
  return tokens;
}

/**
 * Whether a cookie name is pier's own: it starts with `cookiePrefix` (after a `__Host-` or
 * `__Secure-` name prefix). The student's app must neither see nor set these.
 */
export function isPierCookie(name: string, cookiePrefix: string): boolean {
  const bare = name.trim().replace(/^__(Host|Secure)-/i, '');
  return bare.toLowerCase().startsWith(cookiePrefix.toLowerCase());
}

/**
 * A Cookie header without pier's cookies; null when none is left.
 * @param values every Cookie header of the request (HTTP/2 clients may send several)
 */
export function stripPierCookies(values: readonly string[], cookiePrefix: string): string | null {
  const kept: string[] = [];
  for (const value of values) {
    for (const part of value.split(';')) {
      const pair = part.trim();
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      const name = eq < 0 ? '' : pair.slice(0, eq);
      if (eq >= 0 && isPierCookie(name, cookiePrefix)) continue;
      kept.push(pair);
    }
  }
  return kept.length > 0 ? kept.join('; ') : null;
}

/** What `upstreamRequestHeaders` needs to know about the request besides its headers. */
export interface RequestContext {
  address: ProxyAddress;
  /** The client's IP (`req.socket.remoteAddress`). */
  clientAddress: string | undefined;
  /** Whether the client's connection to pier is TLS. */
  encrypted: boolean;
  /** A WebSocket (or other) upgrade: keep `Connection: Upgrade` and `Upgrade`. */
  upgrade: boolean;
  /**
   * Trust the client's X-Forwarded-* (pier runs behind a reverse proxy that sets them):
   * extend them instead of replacing them.
   */
  trustForwarded: boolean;
  /** Names of pier's cookies start with this (`pier_`). */
  cookiePrefix: string;
}

/**
 * Headers to send upstream for a request with `rawHeaders`: hop-by-hop headers and pier's
 * cookies removed; Host kept; X-Forwarded-For/-Host/-Proto/-Port set, and
 * X-Forwarded-Prefix in path form.
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], ctx: RequestContext): OutgoingHttpHeaders {
  const pairs = headerPairs(rawHeaders);
  const drop = connectionTokens(pairs);
  const out: OutgoingHttpHeaders = {};
  const cookies: string[] = [];
  const incoming: Record<string, string[]> = {};
  for (const [rawName, value] of pairs) {
    const name = rawName.toLowerCase();
    if (HOP_BY_HOP.has(name) || drop.has(name)) continue;
    // The server has already answered `100 Continue` (or will); the app need not.
    if (name === 'expect') continue;
    if (FORWARDING.has(name)) {
      (incoming[name] ??= []).push(value);
      continue;
    }
    if (name === 'cookie') {
      cookies.push(value);
      continue;
    }
    const prev = out[name];
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value];
  }
  const cookie = stripPierCookies(cookies, ctx.cookiePrefix);
  if (cookie !== null) out.cookie = cookie;

  const trusted = (name: string): string | undefined => (ctx.trustForwarded ? incoming[name]?.join(', ') : undefined);
  const host = typeof out.host === 'string' ? out.host : undefined;
  const proto = trusted('x-forwarded-proto')?.split(',')[0]?.trim() ?? (ctx.encrypted ? 'https' : 'http');
  const forwardedFor = [trusted('x-forwarded-for'), ctx.clientAddress].filter((v) => v !== undefined && v !== '').join(', ');
  if (forwardedFor !== '') out['x-forwarded-for'] = forwardedFor;
  const forwardedHost = trusted('x-forwarded-host') ?? host;
  if (forwardedHost !== undefined) out['x-forwarded-host'] = forwardedHost;
  out['x-forwarded-proto'] = proto;
  const port = trusted('x-forwarded-port') ?? portOfHost(forwardedHost) ?? (proto === 'https' ? '443' : '80');
  out['x-forwarded-port'] = port;
  if (ctx.address.form === 'path') out['x-forwarded-prefix'] = `${trusted('x-forwarded-prefix') ?? ''}${ctx.address.prefix}`;
  if (ctx.trustForwarded && incoming['x-real-ip'] !== undefined) out['x-real-ip'] = incoming['x-real-ip'].join(', ');
  if (ctx.trustForwarded && incoming.forwarded !== undefined) out.forwarded = incoming.forwarded.join(', ');

  if (ctx.upgrade) {
    const upgrade = pairs.find(([n]) => n.toLowerCase() === 'upgrade')?.[1];
    if (upgrade !== undefined) {
      out.connection = 'Upgrade';
      out.upgrade = upgrade;
    }
  }
  return out;
}

/** The port of a Host value (`a:3000` → '3000', `[::1]:80` → '80'); undefined without one. */
function portOfHost(host: string | undefined): string | undefined {
  const m = host === undefined ? null : /:(\d+)$/.exec(host);
  return m?.[1];
}

/** What response rewriting needs to know. */
export interface ResponseContext {
  address: ProxyAddress;
  /** The node address and port the response came from. */
  upstream: { host: string; port: number };
  /** The Host the client asked for (lowercase compare). */
  requestHost: string | undefined;
  cookiePrefix: string;
  /** A 101 response: keep `Connection` and `Upgrade`. */
  upgrade: boolean;
}

/** `path` under `prefix`, unless it already is (the app honoured X-Forwarded-Prefix). */
function underPrefix(prefix: string, path: string): string {
  if (prefix === '' || path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`)) return path;
  return `${prefix}${path}`;
}

/**
 * A Location (or Content-Location) value the browser can follow through the proxy:
 * - `/x` → `<prefix>/x` (path form);
 * - an absolute URL on the node's own address (`http://10.87.0.34:8000/x`) → `<prefix>/x`;
 * - an absolute URL on the Host the client used → `<prefix>/x` in path form;
 * - anything else (relative `x`, other hosts, `//host/x`) unchanged.
 */
export function rewriteLocation(value: string, ctx: Pick<ResponseContext, 'address' | 'upstream' | 'requestHost'>): string {
  const prefix = ctx.address.prefix;
  if (value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')) return underPrefix(prefix, value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return value;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return value;
  const path = `${url.pathname}${url.search}${url.hash}`;
  const upstreamHosts = new Set([`${ctx.upstream.host}:${ctx.upstream.port}`]);
  if (ctx.upstream.port === (url.protocol === 'https:' ? 443 : 80)) upstreamHosts.add(ctx.upstream.host);
  if (upstreamHosts.has(url.host)) return underPrefix(prefix, path);
  if (prefix !== '' && ctx.requestHost !== undefined && url.host === ctx.requestHost.toLowerCase()) return underPrefix(prefix, path);
  return value;
}

/**
 * A Set-Cookie value fit to pass to the browser, or null to drop it:
 * - pier's own cookie names are dropped (the app must not overwrite the owner cookie);
 * - `Domain` is removed, so the cookie stays host-only (a subdomain-form app cannot set
 *   cookies for pier's host);
 * - in path form `Path` is moved under the prefix (added when absent), so one app's
 *   cookies are not sent to pier's own routes or to other ports.
 */
export function rewriteSetCookie(value: string, ctx: Pick<ResponseContext, 'address' | 'cookiePrefix'>): string | null {
  const [first = '', ...attributes] = value.split(';');
  const eq = first.indexOf('=');
  const name = eq < 0 ? '' : first.slice(0, eq);
  if (isPierCookie(name, ctx.cookiePrefix)) return null;
  const prefix = ctx.address.prefix;
  const kept: string[] = [];
  let sawPath = false;
  for (const attr of attributes) {
    const trimmed = attr.trim();
    const key = trimmed.split('=')[0]?.trim().toLowerCase() ?? '';
    if (key === 'domain') continue;
    if (key === 'path' && prefix !== '') {
      sawPath = true;
      const p = trimmed.slice(trimmed.indexOf('=') + 1).trim();
      kept.push(`Path=${p.startsWith('/') ? underPrefix(prefix, p) : `${prefix}/`}`);
      continue;
    }
    if (trimmed !== '') kept.push(trimmed);
  }
  if (prefix !== '' && !sawPath) kept.push(`Path=${prefix}/`);
  return [first.trim(), ...kept].join('; ');
}

/**
 * Response headers for the browser, as a flat `[name, value, …]` array (repeats such as
 * Set-Cookie kept): hop-by-hop removed (except a 101's Connection/Upgrade), Location and
 * Set-Cookie rewritten.
 */
export function downstreamResponseHeaders(rawHeaders: readonly string[], ctx: ResponseContext): string[] {
  const pairs = headerPairs(rawHeaders);
  const drop = connectionTokens(pairs);
  const out: string[] = [];
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    const keepForUpgrade = ctx.upgrade && (lower === 'connection' || lower === 'upgrade');
    if (!keepForUpgrade && (HOP_BY_HOP.has(lower) || drop.has(lower))) continue;
    if (lower === 'location' || lower === 'content-location') {
      out.push(name, rewriteLocation(value, ctx));
    } else if (lower === 'set-cookie') {
      const cookie = rewriteSetCookie(value, ctx);
      if (cookie !== null) out.push(name, cookie);
    } else {
      out.push(name, value);
    }
  }
  return out;
}
