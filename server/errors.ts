// Typed errors of the server: a stable code that tests and the UI match on, the HTTP status
// it answers with, and a sentence fit to show the user kept apart from the log detail.
import { SandboxError, type SandboxErrorCode } from '../sandbox/index.js';
import type { ApiError } from '../protocol/http.js';

/** Stable codes of the server's own errors. */
export type ServerErrorCode =
  | 'INVALID_REQUEST'
  | 'INVALID_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'FORBIDDEN_ORIGIN'
  | 'SESSION_NOT_FOUND'
  | 'NODE_NOT_FOUND'
  | 'TERMINAL_NOT_FOUND'
  | 'NODE_LIMIT'
  | 'TERMINAL_LIMIT'
  | 'NODE_BUSY'
  | 'CANNOT_EXTEND'
  | 'SUBDOMAIN_UNAVAILABLE'
  | 'LESSON_NOT_FOUND'
  | 'STEP_NOT_FOUND'
  | 'STEP_LOCKED'
  | 'LESSON_NOT_READY'
  | 'SOLVE_DISABLED'
  | 'RATE_LIMITED'
  | 'TOO_MANY_SESSIONS'
  | 'SERVER_FULL'
  | 'HOST_BUSY'
  | 'TOO_MANY_SESSIONS_FROM_ADDRESS'
  | 'SHUTTING_DOWN'
  | 'STATE_CORRUPT'
  | 'NEXT_NOT_BUILT'
  | 'NOT_SIGNED_IN'
  | 'BAD_CREDENTIALS'
  | 'SETUP_DONE'
  | 'SETUP_CODE_REQUIRED'
  | 'ADMIN_ONLY'
  | 'USERNAME_TAKEN'
  | 'USER_NOT_FOUND'
  | 'CANNOT_DISABLE_SELF'
  | 'CLASS_NOT_FOUND'
  | 'CLASS_CLOSED'
  | 'STUDENT_NOT_FOUND'
  | 'LESSON_NOT_IN_CLASS'
  | 'LESSON_LOCKED'
  | 'REJOIN_INVALID'
  | 'PLAYGROUND_CLOSED'
  | 'WATCH_NEEDS_HAND'
  | 'RECORDING_NOT_FOUND'
  | 'INTERNAL';

/** HTTP status of each code. */
export const SERVER_ERROR_STATUS: Record<ServerErrorCode, number> = {
  INVALID_REQUEST: 400,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  FORBIDDEN_ORIGIN: 403,
  SESSION_NOT_FOUND: 404,
  NODE_NOT_FOUND: 404,
  TERMINAL_NOT_FOUND: 404,
  NODE_LIMIT: 409,
  TERMINAL_LIMIT: 409,
  NODE_BUSY: 409,
  CANNOT_EXTEND: 409,
  SUBDOMAIN_UNAVAILABLE: 409,
  LESSON_NOT_FOUND: 404,
  STEP_NOT_FOUND: 404,
  STEP_LOCKED: 409,
  LESSON_NOT_READY: 409,
  SOLVE_DISABLED: 403,
  RATE_LIMITED: 429,
  TOO_MANY_SESSIONS: 429,
  SERVER_FULL: 503,
  HOST_BUSY: 503,
  TOO_MANY_SESSIONS_FROM_ADDRESS: 429,
  SHUTTING_DOWN: 503,
  STATE_CORRUPT: 500,
  NEXT_NOT_BUILT: 500,
  NOT_SIGNED_IN: 401,
  BAD_CREDENTIALS: 401,
  SETUP_DONE: 409,
  SETUP_CODE_REQUIRED: 403,
  ADMIN_ONLY: 403,
  USERNAME_TAKEN: 409,
  USER_NOT_FOUND: 404,
  CANNOT_DISABLE_SELF: 409,
  CLASS_NOT_FOUND: 404,
  CLASS_CLOSED: 409,
  STUDENT_NOT_FOUND: 404,
  LESSON_NOT_IN_CLASS: 404,
  LESSON_LOCKED: 409,
  REJOIN_INVALID: 400,
  PLAYGROUND_CLOSED: 403,
  WATCH_NEEDS_HAND: 403,
  RECORDING_NOT_FOUND: 404,
  INTERNAL: 500,
};

/** The default user-facing sentence of each code (English; the UI translates known codes). */
const USER_MESSAGES: Record<ServerErrorCode, string> = {
  INVALID_REQUEST: 'The request was not valid.',
  INVALID_JSON: 'The request body is not valid JSON.',
  UNSUPPORTED_MEDIA_TYPE: 'The request body must be JSON (Content-Type: application/json).',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  NOT_FOUND: 'There is nothing here.',
  METHOD_NOT_ALLOWED: 'That method is not allowed here.',
  FORBIDDEN_ORIGIN: 'Requests from another site are not allowed.',
  SESSION_NOT_FOUND: 'That playground does not exist or has ended.',
  NODE_NOT_FOUND: 'That node does not exist in this playground.',
  TERMINAL_NOT_FOUND: 'That terminal does not exist in this playground.',
  NODE_LIMIT: 'This playground already has the maximum number of nodes.',
  TERMINAL_LIMIT: 'This node already has the maximum number of terminals.',
  NODE_BUSY: 'That node is being reset; try again in a moment.',
  CANNOT_EXTEND: 'This playground cannot be extended any further.',
  SUBDOMAIN_UNAVAILABLE: 'A port gets its own address only when pier is opened by a host name (such as localhost), not an IP address.',
  LESSON_NOT_FOUND: 'That lesson does not exist.',
  STEP_NOT_FOUND: 'That step does not exist in this lesson.',
  STEP_LOCKED: 'Finish the earlier steps first: this step unlocks when their checks pass.',
  LESSON_NOT_READY: 'The lesson is still being prepared (or its preparation failed).',
  SOLVE_DISABLED: 'This lesson does not allow solving steps automatically.',
  RATE_LIMITED: 'Too many playgrounds started in a short time; wait a moment and try again.',
  TOO_MANY_SESSIONS: 'You already have the maximum number of playgrounds open; end one first.',
  SERVER_FULL: 'The server is at capacity right now; try again in a few minutes.',
  HOST_BUSY: 'The server is low on free memory or disk right now; try again in a moment.',
  TOO_MANY_SESSIONS_FROM_ADDRESS: 'Too many playgrounds are open from your network; end one first or try again later.',
  SHUTTING_DOWN: 'The server is restarting; try again in a moment.',
  STATE_CORRUPT: "The server's saved state could not be read.",
  NEXT_NOT_BUILT: 'The web interface is not built; run `npm run build`.',
  NOT_SIGNED_IN: "Sign in first.",
  BAD_CREDENTIALS: "The user name or password is wrong.",
  SETUP_DONE: "pier is already set up: sign in instead.",
  SETUP_CODE_REQUIRED: "Enter the set-up code printed in the server's log (or run `pier admin create` on the server).",
  ADMIN_ONLY: "Only an administrator may do this.",
  USERNAME_TAKEN: "That user name is taken.",
  USER_NOT_FOUND: "That account does not exist.",
  CANNOT_DISABLE_SELF: "You cannot disable your own account.",
  CLASS_NOT_FOUND: "That class does not exist.",
  CLASS_CLOSED: "This class is closed right now; ask your instructor.",
  STUDENT_NOT_FOUND: "That student is not in this class.",
  LESSON_NOT_IN_CLASS: "That lesson is not part of this class.",
  LESSON_LOCKED: "Your instructor has not opened this lesson yet.",
  REJOIN_INVALID: "This rejoin link is not valid or has expired; ask your instructor for a new one.",
  PLAYGROUND_CLOSED: "This server runs classes only: join a class with the code your instructor gives you.",
  WATCH_NEEDS_HAND: "This class lets you watch a student's terminal only while they have a raised hand.",
  RECORDING_NOT_FOUND: 'That recording does not exist (or was removed after the retention period).',
  INTERNAL: 'Something went wrong on the server.',
};

/** An error of the server with a stable `code`, its HTTP status and a user-facing sentence. */
export class ServerError extends Error {
  readonly code: ServerErrorCode;
  readonly status: number;
  readonly userMessage: string;
  /** Seconds the client should wait before trying again (429/503), sent as Retry-After. */
  readonly retryAfterSeconds: number | undefined;
  /** The place in the start queue, on a start refused for capacity (ApiError queuePosition). */
  readonly queue: { position: number; waiting: number } | undefined;

  /**
   * @param code stable code
   * @param message detail for the log
   * @param options `cause` keeps the lower layer's error; `userMessage` overrides the default
   */
  constructor(code: ServerErrorCode, message: string, options?: { cause?: unknown; userMessage?: string; retryAfterSeconds?: number; queue?: { position: number; waiting: number } }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServerError';
    this.code = code;
    this.status = SERVER_ERROR_STATUS[code];
    this.userMessage = options?.userMessage ?? USER_MESSAGES[code];
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.queue = options?.queue;
  }
}

/** True when `err` is a ServerError (optionally of one code). */
export function isServerError(err: unknown, code?: ServerErrorCode): err is ServerError {
  return err instanceof ServerError && (code === undefined || err.code === code);
}

/** Sandbox codes that mean "the host is out of something for now" (503) rather than a bug (500). */
const SANDBOX_UNAVAILABLE: ReadonlySet<SandboxErrorCode> = new Set([
  'SUBNET_POOL_EXHAUSTED',
  'NETWORK_FULL',
  'SANDBOX_START_TIMEOUT',
  'IMAGE_NOT_FOUND',
  'COMMAND_TIMEOUT',
  'ID_RANGES_EXHAUSTED',
]);

/** What an error answers over HTTP: status, JSON body and extra headers. */
export interface ErrorAnswer {
  status: number;
  body: ApiError;
  headers: Record<string, string>;
  /** Whether the error is unexpected (a bug or a host failure) and must be logged as such. */
  unexpected: boolean;
}

/**
 * Maps any thrown value onto its HTTP answer. Never includes a stack or a log detail:
 * only the stable code and the user-facing sentence.
 */
export function errorAnswer(err: unknown): ErrorAnswer {
  if (err instanceof ServerError) {
    const headers: Record<string, string> = {};
    if (err.retryAfterSeconds !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterSeconds)));
    const queue = err.queue === undefined ? {} : { queuePosition: err.queue.position, queueWaiting: err.queue.waiting };
    return { status: err.status, body: { error: { code: err.code, message: err.userMessage, ...queue } }, headers, unexpected: err.status >= 500 };
  }
  if (err instanceof SandboxError) {
    const status = SANDBOX_UNAVAILABLE.has(err.code) ? 503 : 500;
    return { status, body: { error: { code: err.code, message: err.userMessage } }, headers: {}, unexpected: true };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: USER_MESSAGES.INTERNAL } }, headers: {}, unexpected: true };
}
