// Turns an API failure into a sentence in the user's language: known codes are translated,
// anything else shows the server's own (English) sentence.
import type { ApiFailure } from './api-client';
import { translate, type Lang, type MessageKey } from './i18n';

/** Error codes that have their own translated sentence. */
const KNOWN_CODES: Readonly<Record<string, MessageKey>> = {
  RATE_LIMITED: 'error.RATE_LIMITED',
  UNAVAILABLE: 'error.UNAVAILABLE',
  NODE_LIMIT: 'error.NODE_LIMIT',
  TERMINAL_LIMIT: 'error.TERMINAL_LIMIT',
  SESSION_NOT_FOUND: 'error.SESSION_NOT_FOUND',
  INVALID_REQUEST: 'error.INVALID_REQUEST',
  NETWORK: 'error.NETWORK',
  SUBDOMAIN_UNAVAILABLE: 'error.SUBDOMAIN_UNAVAILABLE',
  LESSON_NOT_FOUND: 'error.LESSON_NOT_FOUND',
  SOLVE_DISABLED: 'error.SOLVE_DISABLED',
  STEP_LOCKED: 'error.STEP_LOCKED',
  LESSON_NOT_READY: 'error.LESSON_NOT_READY',
  BAD_CREDENTIALS: 'error.BAD_CREDENTIALS',
  SETUP_DONE: 'error.SETUP_DONE',
  USERNAME_TAKEN: 'error.USERNAME_TAKEN',
  CLASS_NOT_FOUND: 'error.CLASS_NOT_FOUND',
  CLASS_CLOSED: 'error.CLASS_CLOSED',
  LESSON_LOCKED: 'error.LESSON_LOCKED',
  NOT_FOUND: 'error.NOT_FOUND',
  NOT_SIGNED_IN: 'error.NOT_SIGNED_IN',
  ADMIN_ONLY: 'error.ADMIN_ONLY',
  SETUP_CODE_REQUIRED: 'error.SETUP_CODE_REQUIRED',
  USER_NOT_FOUND: 'error.USER_NOT_FOUND',
  CANNOT_DISABLE_SELF: 'error.CANNOT_DISABLE_SELF',
  STUDENT_NOT_FOUND: 'error.STUDENT_NOT_FOUND',
  LESSON_NOT_IN_CLASS: 'error.LESSON_NOT_IN_CLASS',
  REJOIN_INVALID: 'error.REJOIN_INVALID',
  PLAYGROUND_CLOSED: 'error.PLAYGROUND_CLOSED',
  HOST_BUSY: 'error.HOST_BUSY',
  TOO_MANY_SESSIONS_FROM_ADDRESS: 'error.TOO_MANY_SESSIONS_FROM_ADDRESS',
  TOO_MANY_SESSIONS: 'error.TOO_MANY_SESSIONS',
  RECORDING_NOT_FOUND: 'error.RECORDING_NOT_FOUND',
  WATCH_NEEDS_HAND: 'error.WATCH_NEEDS_HAND',
};

/**
 * The sentence to show for `failure` in `lang`. A 503 reads as "at capacity" whatever its
 * code; `overrides` give a code a sentence fit for the page (e.g. RATE_LIMITED on sign-in).
 */
export function errorText(
  lang: Lang,
  failure: Pick<ApiFailure, 'status' | 'code' | 'message'>,
  overrides: Readonly<Record<string, MessageKey>> = {},
): string {
  const key = overrides[failure.code] ?? KNOWN_CODES[failure.code] ?? (failure.status === 503 ? 'error.UNAVAILABLE' : undefined);
  return key ? translate(lang, key) : translate(lang, 'error.UNKNOWN', { message: failure.message });
}
