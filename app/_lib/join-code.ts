// Join codes as people type and read them: normalising what was typed (any case, with or
// without the dash or spaces) and showing a code as `ABC-DEF`. Pure.
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH } from '../../protocol/classroom';

/** What was typed, upper-cased, without dashes or spaces (not yet validated). */
export function normalizeJoinCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

/** Whether `typed` is a complete join code once normalised. */
export function isJoinCode(typed: string): boolean {
  const code = normalizeJoinCode(typed);
  return code.length === JOIN_CODE_LENGTH && [...code].every((ch) => JOIN_CODE_ALPHABET.includes(ch));
}

/** A code for reading aloud or projecting: `ABCDEF` → `ABC-DEF` (other input as typed, upper-cased). */
export function formatJoinCode(code: string): string {
  const plain = normalizeJoinCode(code);
  if (plain.length !== JOIN_CODE_LENGTH) return plain;
  const half = JOIN_CODE_LENGTH / 2;
  return `${plain.slice(0, half)}-${plain.slice(half)}`;
}
