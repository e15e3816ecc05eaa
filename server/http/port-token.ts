// Signed grants to one port of one node of one session, for the port proxy's subdomain form
// (`<session>-<node>-<port>.<host>`), whose host never receives the host-only `pier_owner`
// cookie. Two kinds, never valid for each other (each has its own MAC context):
//
//   token   in the link the API hands the owner (`?pier_port_token=…`), lives 60 s; the
//           proxy trades it for
//   cookie  `pier_port`, host-only on that subdomain, lives 12 h.
//
// A value is `<base64url JSON {session,node,port,owner,exp}>.<base64url HMAC-SHA256>` under
// the server's cookie secret (`<stateDir>/secret`). Pure: no I/O, the clock is a parameter.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { NodeName, SessionId } from '../../protocol/http.js';

/** Query parameter carrying a port token in a subdomain link. */
export const PORT_TOKEN_PARAM = 'pier_port_token';
/** Cookie authorizing one subdomain (pier_ prefix: the proxy never forwards it). */
export const PORT_COOKIE = 'pier_port';
/** How long a link's token may be traded for the cookie (s). */
export const PORT_TOKEN_TTL_S = 60;
/** How long the cookie authorizes its subdomain (s). */
export const PORT_COOKIE_TTL_S = 12 * 3600;
/** Longest value accepted for verification (a real one is ~220 characters). */
export const MAX_GRANT_LENGTH = 1024;

/** What a value grants: `owner` may use `port` of `node` of `session` until `exp`. */
export interface PortGrant {
  session: string;
  node: string;
  port: number;
  /** The owner id the grant was made for (re-checked against the session on every use). */
  owner: string;
  /** Expiry, Unix time in seconds. */
  exp: number;
}

/** What a port grant is for. */
export type PortGrantKind = 'token' | 'cookie';

/** Which port a value must be for. */
export interface PortAddress {
  session: string;
  node: string;
  port: number;
}

/** Why a value was refused (for the log; the user sees one page for all). */
export type PortGrantRefusal = 'malformed' | 'signature' | 'expired' | 'address';

/** The outcome of `verifyPortGrant`. */
export type PortGrantCheck = { ok: true; grant: PortGrant } | { ok: false; reason: PortGrantRefusal };

/** Domain separation: a token is never a cookie, neither is ever a `pier_owner` MAC. */
const MAC_CONTEXT: Record<PortGrantKind, string> = { token: 'pier_port_token:v1:', cookie: 'pier_port:v1:' };

const Grant = z
  .object({
    session: SessionId,
    node: NodeName,
    port: z.number().int().min(1).max(65535),
    owner: z.string().regex(/^[0-9a-f]{32}$/),
    exp: z.number().int().positive(),
  })
  .strict();

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function mac(kind: PortGrantKind, payload: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(MAC_CONTEXT[kind] + payload).digest();
}

/** Signs `grant` as a value of `kind`. */
export function signPortGrant(kind: PortGrantKind, grant: PortGrant, secret: Buffer): string {
  const { session, node, port, owner, exp } = grant;
  const payload = Buffer.from(JSON.stringify({ session, node, port, owner, exp })).toString('base64url');
  return `${payload}.${mac(kind, payload, secret).toString('base64url')}`;
}

/** A new grant of `kind` for `owner` on `address`, expiring its kind's lifetime after `nowMs`. */
export function newPortGrant(kind: PortGrantKind, address: PortAddress, owner: string, nowMs: number): PortGrant {
  const ttl = kind === 'token' ? PORT_TOKEN_TTL_S : PORT_COOKIE_TTL_S;
  return { session: address.session, node: address.node, port: address.port, owner, exp: Math.floor(nowMs / 1000) + ttl };
}

/**
 * Checks a value of `kind`: its MAC under `secret`, its expiry against `nowMs`, and that it
 * names exactly `expect` (session, node and port). Never throws.
 */
export function verifyPortGrant(kind: PortGrantKind, value: string, secret: Buffer, expect: PortAddress, nowMs: number): PortGrantCheck {
  if (value.length > MAX_GRANT_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = value.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [payload = '', signature = ''] = parts;
  if (!BASE64URL.test(payload) || !BASE64URL.test(signature)) return { ok: false, reason: 'malformed' };
  const given = Buffer.from(signature, 'base64url');
  const want = mac(kind, payload, secret);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const grant = Grant.safeParse(parsed);
  if (!grant.success) return { ok: false, reason: 'malformed' };
  if (grant.data.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  const g = grant.data;
  if (g.session !== expect.session || g.node !== expect.node || g.port !== expect.port) return { ok: false, reason: 'address' };
  return { ok: true, grant: g };
}

/** The Set-Cookie value of a `pier_port` cookie: host-only, HttpOnly, Lax, Path=/. */
export function portSetCookie(value: string, options: { secure: boolean; maxAgeS?: number }): string {
  const attrs = [`${PORT_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAgeS ?? PORT_COOKIE_TTL_S}`];
  if (options.secure) attrs.push('Secure');
  return attrs.join('; ');
}

/** Every value of cookie `name` in a Cookie header (a page may have set look-alikes). */
export function cookieValues(header: string | undefined, name: string): string[] {
  const out: string[] = [];
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** A Host value usable as the base of a subdomain: a DNS name, optionally with a port. */
const NAME_HOST = /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?(?::\d{1,5})?$/;
const IPV4_HOST = /^\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?$/;

/**
 * The lowercase Host a subdomain can be put in front of, or null when there is none: the
 * header is missing or malformed, or it is an IP literal (`x.127.0.0.1` resolves nowhere).
 */
export function subdomainBaseHost(host: string | undefined): string | null {
  const h = (host ?? '').trim().toLowerCase();
  if (h === '' || h.startsWith('[') || IPV4_HOST.test(h) || !NAME_HOST.test(h)) return null;
  return h;
}

/** The link that signs `token`'s browser in to its port's subdomain under `baseHost`. */
export function portLinkUrl(address: PortAddress, baseHost: string, token: string, secure: boolean): string {
  return `${secure ? 'https' : 'http'}://${address.session}-${address.node}-${address.port}.${baseHost}/?${PORT_TOKEN_PARAM}=${token}`;
}
