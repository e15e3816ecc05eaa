// The staff sign-in cookie `pier_staff`: a staff_sessions row id and its HMAC-SHA256 under
// the server's secret (its own MAC context, so no other signed value of pier passes as
// one), httpOnly, SameSite=Lax, Secure over TLS. Kept apart from the `pier_owner` cookie.
import type { IncomingMessage } from 'node:http';
import { parseCookies } from './owner-cookie.js';
import { idSigner } from './signed-id.js';

/** Name of the staff cookie (pier_ prefix: the port proxy never forwards pier_* cookies). */
export const STAFF_COOKIE = 'pier_staff';
/** How long a staff sign-in lasts (s): a school day and then some. */
export const STAFF_SESSION_MAX_AGE_S = 12 * 3600;

const SESSION_ID = /^[0-9a-f]{32}$/;
/** Domain separation from the owner cookie, port tokens and rejoin tokens. */
const MAC_CONTEXT = 'pier_staff:v1:';

const signer = idSigner(MAC_CONTEXT, SESSION_ID);

/** The cookie value of staff session `id`: `<id>.<base64url MAC>`. */
export function signStaffSession(id: string, secret: Buffer): string {
  return signer.sign(id, secret);
}

/** The staff session id a cookie value proves, or null when malformed or its MAC is wrong. */
export function verifyStaffSession(value: string, secret: Buffer): string | null {
  return signer.verify(value, secret);
}

/** The verified staff session id of a request's cookie, or null (not yet checked against the store). */
export function staffSessionOf(req: IncomingMessage, secret: Buffer): string | null {
  const value = parseCookies(req.headers.cookie).get(STAFF_COOKIE);
  return value === undefined ? null : verifyStaffSession(value, secret);
}

/** The Set-Cookie value that signs in staff session `id`. */
export function staffSetCookie(id: string, secret: Buffer, options: { secure: boolean }): string {
  const attrs = [`${STAFF_COOKIE}=${signStaffSession(id, secret)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${STAFF_SESSION_MAX_AGE_S}`];
  if (options.secure) attrs.push('Secure');
  return attrs.join('; ');
}

/** The Set-Cookie value that removes the staff cookie (sign-out). */
export function staffClearCookie(options: { secure: boolean }): string {
  const attrs = [`${STAFF_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (options.secure) attrs.push('Secure');
  return attrs.join('; ');
}
