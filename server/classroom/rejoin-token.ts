// Rejoin tokens: a personal link an instructor hands a student so another browser becomes
// that student. `<member id>.<expiry ms>.<HMAC>` under the server's secret, own MAC context.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a rejoin link works (ms). */
export const REJOIN_TTL_MS = 2 * 3600 * 1000;
const MAC_CONTEXT = 'pier_rejoin:v1:';
const TOKEN = /^([0-9a-f]{32})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

function mac(memberId: string, expiresAt: number, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${MAC_CONTEXT}${memberId}.${expiresAt}`).digest();
}

/** The token for `memberId` that works until `expiresAt` (ms since the epoch). */
export function signRejoin(memberId: string, expiresAt: number, secret: Buffer): string {
  return `${memberId}.${expiresAt}.${mac(memberId, expiresAt, secret).toString('base64url')}`;
}

/** The member id a token proves at `now`, or null (malformed, forged or expired). */
export function verifyRejoin(token: string, secret: Buffer, now: number): string | null {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const memberId = m[1]!;
  const expiresAt = Number(m[2]);
  const given = Buffer.from(m[3]!, 'base64url');
  const want = mac(memberId, expiresAt, secret);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  return now < expiresAt ? memberId : null;
}
