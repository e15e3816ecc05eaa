// Who a browser is: the signed, httpOnly `pier_owner` cookie (a random 128-bit id and its
// HMAC-SHA256 under a secret kept in the state dir), and the secret's file.
import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientOf } from './proxy-trust.js';
import { ServerError } from '../errors.js';
import { idSigner } from './signed-id.js';

/** Name of the owner cookie (pier_ prefix: the port proxy never forwards pier_* cookies). */
export const OWNER_COOKIE = 'pier_owner';
/** How long a browser keeps its identity (and with it, its sessions) without a visit (s). */
export const OWNER_COOKIE_MAX_AGE_S = 30 * 24 * 3600;
/** Bytes of the signing secret. */
export const SECRET_BYTES = 32;

const OWNER_ID = /^[0-9a-f]{32}$/;
/** Domain separation: the MAC of an owner id is never valid for anything else we sign. */
const MAC_CONTEXT = 'pier_owner:v1:';

/** A new random owner id (32 lowercase hex characters). */
export function newOwnerId(): string {
  return randomBytes(16).toString('hex');
}

const signer = idSigner(MAC_CONTEXT, OWNER_ID);

/** The cookie value of `owner`: `<id>.<base64url MAC>`. */
export function signOwner(owner: string, secret: Buffer): string {
  return signer.sign(owner, secret);
}

/** The owner id a cookie value proves, or null when it is malformed or its MAC is wrong. */
export function verifyOwner(value: string, secret: Buffer): string | null {
  return signer.verify(value, secret);
}

/** The cookies of a Cookie header (first value wins for a repeated name). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (name === '' || out.has(name)) continue;
    out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

/** The verified owner of a request, or null when it has no valid owner cookie. */
export function ownerOf(req: IncomingMessage, secret: Buffer): string | null {
  const value = parseCookies(req.headers.cookie).get(OWNER_COOKIE);
  return value === undefined ? null : verifyOwner(value, secret);
}

/**
 * The Set-Cookie header value for `owner`. `secure` adds the Secure attribute (the page was
 * served over TLS).
 */
export function ownerSetCookie(owner: string, secret: Buffer, options: { secure: boolean }): string {
  const attrs = [`${OWNER_COOKIE}=${signOwner(owner, secret)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${OWNER_COOKIE_MAX_AGE_S}`];
  if (options.secure) attrs.push('Secure');
  return attrs.join('; ');
}

/**
 * Reads the signing secret from `file`, creating it (random, mode 0600) at first start. A
 * secret readable by others is made private again.
 * @throws ServerError STATE_CORRUPT when the file exists but is too short
 */
export function loadOrCreateSecret(file: string): Buffer {
  try {
    // 'wx': two servers starting at once never overwrite each other's secret.
    writeFileSync(file, randomBytes(SECRET_BYTES).toString('hex'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const secret = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  if (secret.length < SECRET_BYTES) throw new ServerError('STATE_CORRUPT', `${file}: the cookie secret is shorter than ${SECRET_BYTES} bytes; delete it to make a new one`);
  return secret;
}

/**
 * The request's verified owner; when it has none, a new owner id whose cookie is set on
 * `res`. Pages call it too, not only the API: a first visit's page then carries the cookie
 * before its scripts send their first API calls in parallel (each of which would otherwise
 * be given an owner of its own).
 */
export function ensureOwner(req: IncomingMessage, res: ServerResponse, secret: Buffer): string {
  const known = ownerOf(req, secret);
  if (known !== null) return known;
  const owner = newOwnerId();
  const secure = clientOf(req).secure;
  res.appendHeader('set-cookie', ownerSetCookie(owner, secret, { secure }));
  return owner;
}
