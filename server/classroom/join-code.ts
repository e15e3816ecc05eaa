// Class join codes: 6 letters from JOIN_CODE_ALPHABET (no look-alikes), drawn with a
// cryptographic random source, stored without the dash and shown `ABC-DEF`.
import { randomInt } from 'node:crypto';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, JoinCode } from '../../protocol/classroom.js';

/** Attempts at a fresh code before giving up (23^6 ≈ 1.5·10^8 codes: a collision is rare). */
export const JOIN_CODE_ATTEMPTS = 20;

/** A random join code (uppercase, no dash). */
export function newJoinCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[random(JOIN_CODE_ALPHABET.length)];
  return code;
}

/**
 * A join code no class uses yet: draws until `taken` says no.
 * @throws Error after JOIN_CODE_ATTEMPTS collisions in a row
 */
export function uniqueJoinCode(taken: (code: string) => boolean, random?: (max: number) => number): string {
  for (let i = 0; i < JOIN_CODE_ATTEMPTS; i++) {
    const code = newJoinCode(random);
    if (!taken(code)) return code;
  }
  throw new Error(`no free join code after ${JOIN_CODE_ATTEMPTS} attempts`);
}

/** A stored code as shown: `ABC-DEF`. */
export function formatJoinCode(code: string): string {
  return `${code.slice(0, 3)}-${code.slice(3)}`;
}

/** The stored form of what a student typed (any case, dashes, spaces), or null when it cannot be a code. */
export function normalizeJoinCode(typed: string): string | null {
  const r = JoinCode.safeParse(typed);
  return r.success ? r.data : null;
}
