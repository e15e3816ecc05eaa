// The port proxy: forwards a student's browser to an app listening on one of their nodes,
// over HTTP (streamed both ways) and WebSocket upgrades (a raw tunnel once the app says
// 101). Knows nothing of sessions or owners: it asks `resolve` where to go.
//
// One request, in order:
//
//     match (path or Host) ──refused──► 400/404 page          ──redirect──► 308 …/
//       │ proxy
//     subdomain sign-in token in the query (HTTP only) ──► exchange ──ok──► 302 + cookie
//       │                                                         └─no──► 403 page
//     resolve(req, address) ──{status}──► 403/404 page        ──throws──► 500
//       │ { host, port }
//     guard: node pool, not a host address ──no──► 500 (logged: a server bug)
//       │
//     per-session connection cap ──full──► 503
//       │
//     connect (CONNECT_TIMEOUT_MS) ──refused/timeout──► 502 "nothing listens yet"
//       │  (a GET/HEAD without body that is refused or hung up on before any answer is
//       │   tried again UPSTREAM_RETRY_DELAYS_MS apart; a hang-up then gets the 503
//       │   "not answering yet" page, which reloads itself — never a browser error)
//     response headers (RESPONSE_TIMEOUT_MS) ──timeout──► 504
//       │
//     stream the body; a client abort destroys the upstream request.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { pipeline, type Duplex } from 'node:stream';
import { parseProxyHost, parseProxyPath, takeQueryParam, type ProxyAddress, type ProxyMatch } from './address.js';
import type { ProxyErrorCode } from './errors.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import { errorPage, rawErrorResponse, type PageContext } from './pages.js';
import { createTargetGuard, type TargetGuard } from './target.js';
import { RefusalLog, clipForLog } from '../log-limit.js';

/** How long connecting to the node's port may take before the 502 page (ms). */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * How long the app may take to send its response headers once the request is sent (ms);
 * then 504. Once headers arrive there is no timeout (server-sent events, long downloads).
 */
export const RESPONSE_TIMEOUT_MS = 60_000;
/** Open proxied connections (requests in flight plus WebSocket tunnels) per session. */
export const MAX_CONNECTIONS_PER_SESSION = 256;
/**
 * Pauses before the retries of a bodiless GET/HEAD whose connection was refused or hung up
 * on before any answer (ms): an app that has just bound its port (a container behind
 * podman's port forwarder) often answers a moment later. About 1.5 s in all.
 */
export const UPSTREAM_RETRY_DELAYS_MS: readonly number[] = [150, 400, 900];
/** How long a refused upgrade's socket may linger after its answer before it is destroyed (ms). */
export const REFUSED_UPGRADE_LINGER_MS = 2_000;
/** Cookies whose names start with this are pier's: never forwarded, never set by an app. */
export const PIER_COOKIE_PREFIX = 'pier_';
/**
 * CSP that gives a path-form page an opaque origin (see `isolatePathForm`): scripts run,
 * but not as pier's origin.
 */
export const PATH_FORM_SANDBOX_CSP = 'sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads';

/** Where `resolve` says the request goes: a node's address and port. */
export interface ProxyTarget {
  /** IPv4 address of the node (must lie in the node pool). */
  host: string;
  port: number;
}

/** `resolve`'s refusal: not the owner (403), or no such session or node (404). */
export interface ProxyRefusal {
  status: 403 | 404;
  /** A sentence shown on the error page (English). */
  message: string;
  /** The page to show; default PROXY_FORBIDDEN (403) or PROXY_NOT_FOUND (404). */
  code?: 'PROXY_FORBIDDEN' | 'PROXY_NOT_FOUND' | 'PROXY_LINK_INVALID';
}

/**
 * The subdomain form's sign-in. Its host never receives pier's own (host-only) cookies, so
 * the server hands the owner a link carrying a short-lived token in the query parameter
 * `param`. A request with that parameter is never forwarded: `exchange` checks the token
 * for this address and returns a cookie for this host, which the proxy sets with a 302 to
 * the same URL without the parameter; or a refusal, answered with its page. The parameter
 * is removed from every subdomain-form request before it goes upstream (upgrades included,
 * which never sign in: they are authorized by `resolve` alone).
 */
export interface ProxySignIn {
  /** The query parameter, e.g. `pier_port_token`. */
  param: string;
  exchange(token: string, address: ProxyAddress, req: IncomingMessage): Promise<{ setCookie: string } | ProxyRefusal>;
}

/** Minimal logger (pino's `(fields, message)` shape). */
export interface ProxyLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

/** Settings of the proxy. */
export interface PortProxyOptions {
  /**
   * Authorizes the request (the owner cookie, the instructor) and maps the session's
   * node to its address. Called once per request or upgrade, after the address parsed.
   */
  resolve(req: IncomingMessage, address: ProxyAddress): Promise<ProxyTarget | ProxyRefusal>;
  /** The node pool (config `subnetPool`): targets outside it are refused. */
  subnetPool: string;
  /** Prefix length of a session subnet (config `subnetPrefix`): gateways are refused. */
  subnetPrefix?: number;
  /**
   * Base hosts of the subdomain form, e.g. ['localhost:3000', 'pier.example.org'];
   * absent: any; `false`: the subdomain form is off.
   */
  subdomainBaseHosts?: readonly string[] | false;
  connectTimeoutMs?: number;
  responseTimeoutMs?: number;
  maxConnectionsPerSession?: number;
  /** The subdomain form's sign-in; absent: subdomain requests are only authorized by `resolve`. */
  signIn?: ProxySignIn;
  /** Extend X-Forwarded-* from the client (pier behind a trusted reverse proxy). */
  trustForwarded?: boolean;
  cookiePrefix?: string;
  /**
   * Send PATH_FORM_SANDBOX_CSP with path-form responses. The path form serves the
   * student's app on pier's own origin, so its scripts could call pier's API as whoever
   * views it (an instructor). Off by default: the sandbox also breaks the app's own
   * same-origin fetches, cookies and storage. The subdomain form does not need it.
   */
  isolatePathForm?: boolean;
  log?: ProxyLogger;
}

/** The proxy, mounted by the server's request and upgrade handlers. */
export interface PortProxy {
  /** Whether and how `req` addresses the proxy (Host form first, then path form); null: not at all. */
  match(req: IncomingMessage): ProxyMatch | null;
  /**
   * Answers `req` when it is a proxy request (including its refusals) and returns true;
   * returns false, touching nothing, when it is not.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse, match?: ProxyMatch | null): boolean;
  /** The same for an HTTP upgrade (WebSocket); `head` as the server's 'upgrade' event gives it. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, match?: ProxyMatch | null): boolean;
  /** Open upstream connections (requests in flight and tunnels). */
  readonly openConnections: number;
  /** Destroys every open upstream connection and tunnel (server shutdown). */
  close(): void;
}

/** Why an upstream request failed before its response, mapped to a page. */
class UpstreamFailure extends Error {
  constructor(readonly code: ProxyErrorCode) {
    super(code);
  }
}

const UNREACHABLE_ERRNOS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ETIMEDOUT', 'EADDRNOTAVAIL']);

/** The page code for an error of the upstream request. */
function failureCode(err: unknown): ProxyErrorCode {
  if (err instanceof UpstreamFailure) return err.code;
  const errno = (err as NodeJS.ErrnoException).code;
  if (errno === 'ECONNRESET') return 'PROXY_UPSTREAM_NOT_READY'; // "socket hang up" / "read ECONNRESET" before any answer
  return errno !== undefined && UNREACHABLE_ERRNOS.has(errno) ? 'PROXY_UPSTREAM_UNREACHABLE' : 'PROXY_UPSTREAM_FAILED';
}

/**
 * Whether a failed attempt may be made again: the port refused or hung up at once (not a
 * timeout), and nothing of the request is lost (no body) and it is idempotent.
 */
function retryable(req: IncomingMessage, err: unknown): boolean {
  const errno = err === null ? 'ECONNRESET' : (err as NodeJS.ErrnoException).code;
  if (err instanceof UpstreamFailure || (errno !== 'ECONNREFUSED' && errno !== 'ECONNRESET')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
}

const consoleLogger: ProxyLogger = {
  warn: (fields, message) => console.warn(`[proxy] ${message}`, fields),
  error: (fields, message) => console.error(`[proxy] ${message}`, fields),
};

/** Creates the port proxy. @throws Error when `subnetPool`/`subnetPrefix` is malformed */
export function createPortProxy(options: PortProxyOptions): PortProxy {
  return new PortProxyImpl(options);
}

/** Something open that `close()` must end. */
interface Disposable {
  destroy(): void;
}

class PortProxyImpl implements PortProxy {
  readonly #resolve: PortProxyOptions['resolve'];
  readonly #guard: TargetGuard;
  readonly #baseHosts: readonly string[] | undefined | false;
  readonly #signIn: ProxySignIn | undefined;
  readonly #connectTimeoutMs: number;
  readonly #responseTimeoutMs: number;
  readonly #maxPerSession: number;
  readonly #trustForwarded: boolean;
  readonly #cookiePrefix: string;
  readonly #isolatePathForm: boolean;
  readonly #log: ProxyLogger;
  /** Refusals a client can repeat at will: rate-limited (issue 11 point 5). */
  readonly #refusals: RefusalLog;
  /** Open connections per session id. */
  readonly #perSession = new Map<string, number>();
  readonly #open = new Set<Disposable>();

  constructor(options: PortProxyOptions) {
    this.#resolve = options.resolve;
    this.#guard = createTargetGuard({ subnetPool: options.subnetPool, subnetPrefix: options.subnetPrefix });
    this.#baseHosts = options.subdomainBaseHosts;
    this.#signIn = options.signIn;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    this.#responseTimeoutMs = options.responseTimeoutMs ?? RESPONSE_TIMEOUT_MS;
    this.#maxPerSession = options.maxConnectionsPerSession ?? MAX_CONNECTIONS_PER_SESSION;
    this.#trustForwarded = options.trustForwarded ?? false;
    this.#cookiePrefix = options.cookiePrefix ?? PIER_COOKIE_PREFIX;
    this.#isolatePathForm = options.isolatePathForm ?? false;
    this.#log = options.log ?? consoleLogger;
    this.#refusals = new RefusalLog(this.#log);
  }

  get openConnections(): number {
    return this.#open.size;
  }

  match(req: IncomingMessage): ProxyMatch | null {
    const url = req.url ?? '/';
    if (this.#baseHosts !== false && req.headers.host !== undefined) {
      const byHost = parseProxyHost(req.headers.host, this.#baseHosts === undefined ? {} : { baseHosts: this.#baseHosts });
      if (byHost !== null) {
        if (byHost.kind !== 'proxy') return byHost;
        // Only origin-form targets (`/path?q`): not `*`, not absolute-form.
        if (!url.startsWith('/')) return { kind: 'refused', status: 400, code: 'PROXY_BAD_ADDRESS', message: 'request target must be a path' };
        if (this.#signIn === undefined) return { kind: 'proxy', address: { ...byHost.address, upstreamPath: url } };
        const { target, values } = takeQueryParam(url, this.#signIn.param);
        return { kind: 'proxy', address: { ...byHost.address, upstreamPath: target, ...(values.length > 0 ? { signInTokens: values } : {}) } };
      }
    }
    return parseProxyPath(url);
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, match: ProxyMatch | null = this.match(req)): boolean {
    if (match === null) return false;
    this.#serve(req, res, match).catch((err: unknown) => {
      this.#log.error({ err, url: clipForLog(req.url) }, 'proxy request failed unexpectedly');
      if (!res.headersSent) this.#sendPage(res, 'PROXY_RESOLVE_FAILED', {});
      else res.destroy();
    });
    return true;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, match: ProxyMatch | null = this.match(req)): boolean {
    if (match === null) return false;
    socket.on('error', () => socket.destroy());
    this.#tunnel(req, socket, head, match).catch((err: unknown) => {
      this.#log.error({ err, url: clipForLog(req.url) }, 'proxy upgrade failed unexpectedly');
      socket.destroy();
    });
    return true;
  }

  close(): void {
    this.#refusals.dispose();
    for (const d of [...this.#open]) d.destroy();
    this.#open.clear();
  }

  // ── shared steps ─────────────────────────────────────────────────────────────────

  /**
   * Steps before connecting: resolve, guard, connection cap. Returns the target and a
   * release function, or the page to answer with.
   */
  async #prepare(
    req: IncomingMessage,
    address: ProxyAddress,
  ): Promise<{ target: ProxyTarget; release: () => void } | { code: ProxyErrorCode; context: PageContext }> {
    const context: PageContext = { node: address.node, port: address.port };
    let resolution: ProxyTarget | ProxyRefusal;
    try {
      resolution = await this.#resolve(req, address);
    } catch (err) {
      this.#log.error({ err, session: address.session, node: address.node, port: address.port }, 'proxy resolve threw');
      return { code: 'PROXY_RESOLVE_FAILED', context };
    }
    if ('status' in resolution) return { code: refusalCode(resolution), context: { ...context, detail: resolution.message } };
    const target = { host: resolution.host, port: resolution.port };
    const why = this.#guard(target.host, target.port);
    if (why !== null) {
      // resolve must only ever return node addresses: this is a server bug, not a user error.
      this.#log.error({ session: address.session, node: address.node, target }, `proxy target refused: ${why}`);
      return { code: 'PROXY_TARGET_REFUSED', context };
    }
    const count = this.#perSession.get(address.session) ?? 0;
    if (count >= this.#maxPerSession) {
      this.#refusals.refused('proxy connection cap reached', { session: address.session, open: count });
      return { code: 'PROXY_TOO_MANY_CONNECTIONS', context };
    }
    this.#perSession.set(address.session, count + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.#perSession.get(address.session) ?? 1) - 1;
      if (n <= 0) this.#perSession.delete(address.session);
      else this.#perSession.set(address.session, n);
    };
    return { target, release };
  }

  /** Starts the upstream request with the connect and response timeouts armed. */
  #request(req: IncomingMessage, address: ProxyAddress, target: ProxyTarget, upgrade: boolean): http.ClientRequest {
    const headers = upstreamRequestHeaders(req.rawHeaders, {
      address,
      clientAddress: req.socket.remoteAddress,
      encrypted: (req.socket as Socket & { encrypted?: boolean }).encrypted === true,
      upgrade,
      trustForwarded: this.#trustForwarded,
      cookiePrefix: this.#cookiePrefix,
    });
    // agent: false — a fresh connection per request: nothing pooled outlives a node.
    const upstream = http.request({ host: target.host, port: target.port, method: req.method, path: address.upstreamPath, headers, agent: false });
    let connectTimer: NodeJS.Timeout | undefined;
    let responseTimer: NodeJS.Timeout | undefined;
    const clear = () => {
      clearTimeout(connectTimer);
      clearTimeout(responseTimer);
    };
    upstream.on('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(() => upstream.destroy(new UpstreamFailure('PROXY_UPSTREAM_UNREACHABLE')), this.#connectTimeoutMs);
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    upstream.on('finish', () => {
      responseTimer = setTimeout(() => upstream.destroy(new UpstreamFailure('PROXY_UPSTREAM_TIMEOUT')), this.#responseTimeoutMs);
    });
    upstream.on('response', clear);
    upstream.on('upgrade', clear);
    upstream.on('close', clear);
    return upstream;
  }

  #sendPage(res: ServerResponse, code: ProxyErrorCode, context: PageContext): void {
    const page = errorPage(code, context);
    res.writeHead(page.status, page.headers);
    res.end(page.body);
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────────────

  async #serve(req: IncomingMessage, res: ServerResponse, match: ProxyMatch): Promise<void> {
    if (match.kind === 'redirect') {
      res.writeHead(match.status, { location: match.location, 'cache-control': 'no-store', 'content-length': '0' });
      res.end();
      return;
    }
    if (match.kind === 'refused') {
      this.#sendPage(res, match.code, { detail: match.message });
      return;
    }
    const { address } = match;
    if (address.signInTokens !== undefined && address.signInTokens.length > 0 && this.#signIn !== undefined) {
      await this.#exchange(req, res, address, this.#signIn);
      return;
    }
    const prepared = await this.#prepare(req, address);
    if (!('target' in prepared)) {
      this.#sendPage(res, prepared.code, prepared.context);
      return;
    }
    const { target, release } = prepared;
    if (res.destroyed || req.socket.destroyed) {
      release(); // the client left while we resolved: connect nowhere
      return;
    }
    let upstream: http.ClientRequest | null = null;
    let retryTimer: NodeJS.Timeout | undefined;
    let finished = false;
    const handle: Disposable = {
      destroy: () => {
        clearTimeout(retryTimer);
        upstream?.destroy();
      },
    };
    this.#open.add(handle);
    const done = () => {
      this.#open.delete(handle);
      release();
    };
    res.on('close', () => {
      finished = true;
      clearTimeout(retryTimer);
      // Client abort (or the response finished): never leave the upstream open.
      if (upstream && (!res.writableFinished || !upstream.writableFinished)) upstream.destroy();
      done();
    });
    req.on('error', () => upstream?.destroy());
    const bodiless = retryable(req, null);
    const attempt = (n: number): void => {
      if (finished || res.destroyed) return;
      const up = this.#request(req, address, target, false);
      upstream = up;
      up.on('error', (err) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (finished || res.destroyed) return; // the client left: that abort is ours
        const code = failureCode(err);
        const delay = UPSTREAM_RETRY_DELAYS_MS[n];
        if (delay !== undefined && retryable(req, err)) {
          retryTimer = setTimeout(() => attempt(n + 1), delay);
          return;
        }
        if (code === 'PROXY_UPSTREAM_FAILED' || code === 'PROXY_UPSTREAM_NOT_READY') {
          this.#refusals.refused('proxy upstream failed', { err: clipForLog((err as Error).message), session: address.session, node: address.node, port: address.port, attempts: n + 1 });
        }
        this.#sendPage(res, code, { node: address.node, port: address.port });
      });
      up.on('response', (upstreamRes) => {
        const headers = downstreamResponseHeaders(upstreamRes.rawHeaders, {
          address,
          upstream: target,
          requestHost: req.headers.host,
          cookiePrefix: this.#cookiePrefix,
          upgrade: false,
        });
        if (this.#isolatePathForm && address.form === 'path') headers.push('Content-Security-Policy', PATH_FORM_SANDBOX_CSP);
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, headers);
        // pipeline destroys both sides when either fails or the client goes away.
        pipeline(upstreamRes, res, () => undefined);
      });
      // A bodiless request is sent whole on each attempt; one with a body streams once.
      if (bodiless) {
        req.resume();
        up.end();
      } else req.pipe(up);
    };
    attempt(0);
  }

  /**
   * Trades a sign-in token for the subdomain's cookie: a 302 to the same URL without the
   * token, or the refusal's page. Nothing is forwarded either way.
   */
  async #exchange(req: IncomingMessage, res: ServerResponse, address: ProxyAddress, signIn: ProxySignIn): Promise<void> {
    const context: PageContext = { node: address.node, port: address.port };
    const tokens = address.signInTokens ?? [];
    let outcome: { setCookie: string } | ProxyRefusal;
    try {
      // One token, no more: two are not a sign-in pier made.
      outcome = tokens.length === 1 ? await signIn.exchange(tokens[0] ?? '', address, req) : { status: 403, code: 'PROXY_LINK_INVALID', message: 'more than one sign-in token' };
    } catch (err) {
      this.#log.error({ err, session: address.session, node: address.node, port: address.port }, 'proxy sign-in threw');
      this.#sendPage(res, 'PROXY_RESOLVE_FAILED', context);
      return;
    }
    if ('status' in outcome) {
      this.#sendPage(res, refusalCode(outcome), { ...context, detail: outcome.message });
      return;
    }
    res.writeHead(302, {
      // Relative to this host; leading slashes folded so `//other.host/` cannot redirect away.
      location: address.upstreamPath.replace(/^[/\\]+/, '/'),
      'set-cookie': outcome.setCookie,
      'cache-control': 'no-store',
      // The redirected request reaches the student's app: no Referer (pier's page) with it.
      'referrer-policy': 'no-referrer',
      'content-length': '0',
    });
    res.end();
  }

  // ── upgrades ─────────────────────────────────────────────────────────────────────

  async #tunnel(req: IncomingMessage, socket: Duplex, head: Buffer, match: ProxyMatch): Promise<void> {
    if (match.kind === 'redirect') {
      answerAndClose(socket, `HTTP/1.1 308 Permanent Redirect\r\nlocation: ${match.location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      return;
    }
    if (match.kind === 'refused') {
      answerAndClose(socket, rawErrorResponse(errorPage(match.code, { detail: match.message })));
      return;
    }
    const { address } = match;
    const prepared = await this.#prepare(req, address);
    if (!('target' in prepared)) {
      answerAndClose(socket, rawErrorResponse(errorPage(prepared.code, prepared.context)));
      return;
    }
    const { target, release } = prepared;
    if (socket.destroyed) {
      release();
      return;
    }
    const upstream = this.#request(req, address, target, true);
    let upstreamSocket: Duplex | null = null;
    const handle: Disposable = {
      destroy: () => {
        upstream.destroy();
        upstreamSocket?.destroy();
        socket.destroy();
      },
    };
    this.#open.add(handle);
    let finished = false;
    /** Forgets the tunnel; `destroy` false leaves the client socket to flush an answer. */
    const finish = (destroy = true) => {
      if (!finished) {
        finished = true;
        this.#open.delete(handle);
        release();
      }
      if (destroy) handle.destroy();
    };
    socket.on('close', () => finish());
    upstream.on('error', (err) => {
      upstreamSocket?.destroy();
      if (socket.destroyed || upstreamSocket !== null) return finish();
      answerAndClose(socket, rawErrorResponse(errorPage(failureCode(err), { node: address.node, port: address.port })));
      finish(false);
    });
    upstream.on('response', (upstreamRes) => {
      // The app declined the upgrade: relay its answer, delimited by closing the connection.
      const headers = downstreamResponseHeaders(upstreamRes.rawHeaders, { address, upstream: target, requestHost: req.headers.host, cookiePrefix: this.#cookiePrefix, upgrade: false });
      socket.write(statusAndHeaders(upstreamRes, [...headers, 'Connection', 'close']));
      upstreamRes.on('error', () => finish());
      upstreamRes.on('end', () => setTimeout(() => socket.destroy(), REFUSED_UPGRADE_LINGER_MS).unref());
      upstreamRes.pipe(socket);
    });
    upstream.on('upgrade', (upstreamRes, upSocket, upHead) => {
      upstreamSocket = upSocket;
      upSocket.on('error', () => finish());
      upSocket.on('close', () => finish());
      if (socket.destroyed) return finish();
      const headers = downstreamResponseHeaders(upstreamRes.rawHeaders, { address, upstream: target, requestHost: req.headers.host, cookiePrefix: this.#cookiePrefix, upgrade: true });
      upSocket.setNoDelay(true);
      (socket as Socket).setNoDelay?.(true);
      socket.write(statusAndHeaders(upstreamRes, headers));
      if (upHead.length > 0) socket.write(upHead);
      if (head.length > 0) upSocket.write(head);
      upSocket.pipe(socket);
      socket.pipe(upSocket);
    });
    upstream.end();
  }
}

/** The page of a refusal from `resolve` or the sign-in. */
function refusalCode(refusal: ProxyRefusal): ProxyErrorCode {
  return refusal.code ?? (refusal.status === 403 ? 'PROXY_FORBIDDEN' : 'PROXY_NOT_FOUND');
}

/** `HTTP/1.1 <status> <reason>` and the header lines, ending with the blank line. */
function statusAndHeaders(res: IncomingMessage, flat: readonly string[]): string {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 502} ${res.statusMessage ?? ''}`];
  for (let i = 0; i + 1 < flat.length; i += 2) lines.push(`${flat[i]}: ${flat[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Writes a final answer on a raw socket, ends it, and destroys it if the peer lingers. */
function answerAndClose(socket: Duplex, answer: string): void {
  socket.end(answer);
  setTimeout(() => socket.destroy(), REFUSED_UPGRADE_LINGER_MS).unref();
}
