// Password hashing for staff accounts: scrypt (memory-hard, node:crypto, async), with its
// parameters, salt and hash encoded in one string, and a constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt cost parameters: N = 2^15, r = 8 (32 MiB of memory per hash), p = 1. */
export const SCRYPT_N = 2 ** 15;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;
/** Bytes of salt and of derived key. */
export const SALT_BYTES = 16;
export const KEY_BYTES = 32;
/** Hashes whose N is outside this range are refused (a tampered row cannot make us spin). */
const MIN_N = 2 ** 14;
const MAX_N = 2 ** 20;

/** `scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>` */
const ENCODED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(password: string, salt: Buffer, n: number, r: number, p: number, keyBytes: number): Promise<Buffer> {
  // maxmem: scrypt needs 128·N·r bytes; allow twice that.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes `password` with a fresh salt; returns the encoded string to store. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_BYTES);
  return `scrypt$${SCRYPT_N}$${SCRYPT_R}$${SCRYPT_P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Whether `password` matches `encoded` (from hashPassword). A malformed or out-of-range
 * encoding never matches.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const m = ENCODED.exec(encoded);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (n < MIN_N || n > MAX_N || (n & (n - 1)) !== 0 || r < 1 || r > 32 || p < 1 || p > 4) return false;
  const salt = Buffer.from(m[4]!, 'base64url');
  const want = Buffer.from(m[5]!, 'base64url');
  // Exactly KEY_BYTES: scrypt's output for a shorter length is a prefix of the longer one.
  if (want.length !== KEY_BYTES || salt.length < 8) return false;
  const got = await derive(password, salt, n, r, p, KEY_BYTES);
  return timingSafeEqual(got, want);
}

/** A hash of a random password: verified against when the user name is unknown, so the answer takes as long. */
export const DUMMY_HASH_PROMISE: () => Promise<string> = (() => {
  let p: Promise<string> | null = null;
  return () => (p ??= hashPassword(randomBytes(16).toString('hex')));
})();
