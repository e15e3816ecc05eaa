// Stable codes of the port proxy: what a refused or failed proxy request answers, and the
// error thrown when a sandbox's ports cannot be read.

/** Stable codes. Tests and the server match on these (and the X-Pier-Proxy-Error header). */
export type ProxyErrorCode =
  /** The address is malformed: bad port, dot segments, bad percent-encoding. */
  | 'PROXY_BAD_ADDRESS'
  /** No such session, node or path under /p/. */
  | 'PROXY_NOT_FOUND'
  /** `resolve` refused: not the session's owner. */
  | 'PROXY_FORBIDDEN'
  /** Subdomain form: no valid sign-in (the link's token or the cookie it gave is missing, expired or not for this port). */
  | 'PROXY_LINK_INVALID'
  /** `resolve` returned an address outside the node pool, or one of the host's own: a bug. */
  | 'PROXY_TARGET_REFUSED'
  /** `resolve` threw. */
  | 'PROXY_RESOLVE_FAILED'
  /** Nothing answered on the node's port (refused, unreachable, or connect timed out). */
  | 'PROXY_UPSTREAM_UNREACHABLE'
  /** The app accepted the connection but sent no response headers in time. */
  | 'PROXY_UPSTREAM_TIMEOUT'
  /** The app broke the connection before its response headers. */
  | 'PROXY_UPSTREAM_FAILED'
  /** The port accepts connections but hangs up without an answer (an app still starting, e.g. a container behind a port forwarder). */
  | 'PROXY_UPSTREAM_NOT_READY'
  /** The session already holds the maximum number of proxied connections. */
  | 'PROXY_TOO_MANY_CONNECTIONS'
  /** Kept for pages.ts's mapping; the driver now answers SandboxError PORTS_UNAVAILABLE. */
  | 'PORTS_UNAVAILABLE';

/** HTTP status each refusal code answers with. */
export const PROXY_STATUS: Record<Exclude<ProxyErrorCode, 'PORTS_UNAVAILABLE'>, number> = {
  PROXY_BAD_ADDRESS: 400,
  PROXY_NOT_FOUND: 404,
  PROXY_FORBIDDEN: 403,
  PROXY_LINK_INVALID: 403,
  PROXY_TARGET_REFUSED: 500,
  PROXY_RESOLVE_FAILED: 500,
  PROXY_UPSTREAM_UNREACHABLE: 502,
  PROXY_UPSTREAM_TIMEOUT: 504,
  PROXY_UPSTREAM_FAILED: 502,
  PROXY_UPSTREAM_NOT_READY: 503,
  PROXY_TOO_MANY_CONNECTIONS: 503,
};

/** An error of the port proxy area with a stable `code`. */
export class ProxyError extends Error {
  readonly code: ProxyErrorCode;

  /**
   * @param code stable code
   * @param message detail for the log
   * @param options `cause` keeps the lower layer's error
   */
  constructor(code: ProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProxyError';
    this.code = code;
  }
}

/** True when `err` is a ProxyError (optionally of one code). */
export function isProxyError(err: unknown, code?: ProxyErrorCode): err is ProxyError {
  return err instanceof ProxyError && (code === undefined || err.code === code);
}
