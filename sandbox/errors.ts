// Typed errors of the sandbox runtime: a stable code for tests and callers, a short
// message for users, and the detail (with its cause) for the log.

/** Stable error codes. Tests and the server match on these, never on message text. */
export type SandboxErrorCode =
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMEOUT'
  | 'COMMAND_NOT_FOUND'
  | 'RUNC_FAILED'
  | 'SANDBOX_NOT_FOUND'
  | 'SANDBOX_START_TIMEOUT'
  | 'SANDBOX_NOT_RUNNING'
  | 'NETWORK_NOT_FOUND'
  | 'NETWORK_FULL'
  | 'SUBNET_POOL_EXHAUSTED'
  | 'ID_RANGES_EXHAUSTED'
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_BUILD_FAILED'
  | 'DISK_SETUP_FAILED'
  | 'HOST_UNSUPPORTED'
  | 'INVALID_ARGUMENT'
  | 'STATE_CORRUPT'
  /** Listening ports or namespaces asked of a sandbox whose init is gone (or cannot be read). */
  | 'PORTS_UNAVAILABLE';

/** User-facing text per code, kept apart from the log detail ([jhub] SpawnException). */
const USER_MESSAGES: Record<SandboxErrorCode, string> = {
  COMMAND_FAILED: 'A host command failed while managing the sandbox.',
  COMMAND_TIMEOUT: 'A host command took too long while managing the sandbox.',
  COMMAND_NOT_FOUND: 'A required host tool is missing; run `pier doctor`.',
  RUNC_FAILED: 'The container runtime could not complete the request.',
  SANDBOX_NOT_FOUND: 'That sandbox does not exist (it may have ended).',
  SANDBOX_START_TIMEOUT: 'The sandbox did not start in time.',
  SANDBOX_NOT_RUNNING: 'The sandbox is not running.',
  NETWORK_NOT_FOUND: 'That session network does not exist.',
  NETWORK_FULL: 'This session network has no free addresses left.',
  SUBNET_POOL_EXHAUSTED: 'The server has no free session networks left.',
  ID_RANGES_EXHAUSTED: 'The server has no free sandbox identities left; try again when a sandbox has ended.',
  IMAGE_NOT_FOUND: 'The sandbox image is not built; run `pier image build`.',
  IMAGE_BUILD_FAILED: 'Building the sandbox image failed.',
  DISK_SETUP_FAILED: "The sandbox's disk could not be prepared.",
  HOST_UNSUPPORTED: 'This host lacks a feature the sandbox needs; run `pier doctor`.',
  INVALID_ARGUMENT: 'The request was not valid.',
  STATE_CORRUPT: "A sandbox's saved state could not be read.",
  PORTS_UNAVAILABLE: "The sandbox's open ports cannot be read right now.",
};

/** An error of the sandbox runtime with a stable `code`. */
export class SandboxError extends Error {
  /** Stable machine-readable code. */
  readonly code: SandboxErrorCode;
  /** A short sentence fit to show a student or an admin. */
  readonly userMessage: string;

  /**
   * @param code stable code
   * @param message detail for the log (commands, paths, stderr)
   * @param options `cause` keeps the lower layer's error
   */
  constructor(code: SandboxErrorCode, message: string, options?: { cause?: unknown; userMessage?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SandboxError';
    this.code = code;
    this.userMessage = options?.userMessage ?? USER_MESSAGES[code];
  }
}

/** True when `err` is a SandboxError with the given code. */
export function isSandboxError(err: unknown, code?: SandboxErrorCode): err is SandboxError {
  return err instanceof SandboxError && (code === undefined || err.code === code);
}
