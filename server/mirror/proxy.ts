// The mirror's front door: a node:http server on the nodes' gateway port that passes only
// pull requests (GET/HEAD of /v2/ pull routes) from nodes to the loopback registry. Nothing
// can be pushed through it, so no student changes what another one pulls.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Logger } from 'pino';
import { parseCidr, parseIpv4 } from '../../sandbox/index.js';
import { parsePullRoute, registryError, unavailableMessage, type OfflineCatalog, type PullRoute } from './routes.js';

/** Request headers passed to the registry; everything else (cookies, auth) stays out. */
const FORWARDED_HEADERS = ['accept', 'range', 'if-none-match', 'if-modified-since', 'user-agent'] as const;
/** Time the registry may take to answer headers (a proxied first pull fetches from upstream). */
export const UPSTREAM_HEADERS_TIMEOUT_MS = 120_000;

/** Counters of what the proxy did, by route kind and outcome. */
export interface MirrorCounters {
  /** Requests passed to the registry, by route kind. */
  forwarded: Record<PullRoute['kind'], number>;
  /** Blob bodies served (GET with 200/206). */
  blobsServed: number;
  /** Requests refused: a method or path that is no pull, or a client outside the pool. */
  refused: number;
  /** Manifest pulls answered "not available offline". */
  unavailable: number;
}

/** Options of the front proxy. */
export interface MirrorProxyOptions {
  /** Loopback URL of the registry, e.g. `http://127.0.0.1:40123`. */
  registryUrl: () => string;
  /** Address and port to listen on (nft lets only nodes reach it, on their gateway). */
  host: string;
  port: number;
  /** Client addresses allowed (the session subnet pool, e.g. `10.87.0.0/16`). */
  clientPool: string;
  /** Also serve clients on 127.0.0.0/8 (the host itself: preload checks, unit tests). */
  allowLoopback?: boolean;
  /** Offline (true): a missing manifest gets the "not available offline" message. */
  offline: boolean;
  catalog: () => OfflineCatalog;
  log: Logger;
}

/** A listening front proxy. */
export interface MirrorProxy {
  port: number;
  counters: MirrorCounters;
  close(): Promise<void>;
}

/** The client's IPv4 address as a number, or null (IPv6, unknown). */
function clientIpv4(socket: Socket): number | null {
  const a = socket.remoteAddress ?? '';
  return parseIpv4(a.startsWith('::ffff:') ? a.slice(7) : a);
}

/** Answers with a registry-format error (docker and podman print its message). */
function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  const body = registryError(code, message);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'docker-distribution-api-version': 'registry/2.0' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

/** Starts the proxy; resolves once it listens. */
export async function startMirrorProxy(o: MirrorProxyOptions): Promise<MirrorProxy> {
  const pool = parseCidr(o.clientPool);
  const mask = pool.prefix === 0 ? 0 : (0xffffffff << (32 - pool.prefix)) >>> 0;
  const counters: MirrorCounters = { forwarded: { base: 0, manifest: 0, blob: 0, tags: 0 }, blobsServed: 0, refused: 0, unavailable: 0 };
  const allowed = (ip: number | null): boolean =>
    ip !== null && ((((ip ^ pool.base) & mask) >>> 0) === 0 || (o.allowLoopback === true && ip >>> 24 === 127));

  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    res.on('error', () => undefined);
    if (!allowed(clientIpv4(req.socket))) {
      counters.refused += 1;
      return void req.socket.destroy();
    }
    const route = parsePullRoute(req.method, req.url);
    if (route === null) {
      counters.refused += 1;
      return sendError(res, req.method === 'GET' || req.method === 'HEAD' ? 404 : 405, 'DENIED',
        'pier: the host image mirror only serves pulls; to push, run a registry on your node (docker run -d -p 5000:5000 registry). / pier 이미지 미러는 받기만 됩니다.');
    }
    counters.forwarded[route.kind] += 1;
    const headers: Record<string, string> = {};
    for (const h of FORWARDED_HEADERS) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const upstream = http.request(`${o.registryUrl()}${req.url ?? '/v2/'}`, { method: req.method, headers, timeout: UPSTREAM_HEADERS_TIMEOUT_MS }, (up) => {
      const status = up.statusCode ?? 502;
      if (route.kind === 'manifest' && status === 404 && o.offline) {
        counters.unavailable += 1;
        up.resume();
        return sendError(res, 404, 'MANIFEST_UNKNOWN', unavailableMessage(route.name, route.reference, o.catalog()));
      }
      if (route.kind === 'blob' && req.method === 'GET' && (status === 200 || status === 206)) counters.blobsServed += 1;
      res.writeHead(status, up.headers);
      up.pipe(res);
    });
    upstream.on('timeout', () => upstream.destroy(new Error('registry timed out')));
    upstream.on('error', (err) => {
      o.log.warn({ area: 'mirror', err: err.message }, 'registry unreachable');
      if (!res.headersSent) sendError(res, 503, 'UNAVAILABLE', 'pier: the host image mirror is restarting; try again in a moment. / 이미지 미러가 다시 시작하는 중입니다.');
      else res.destroy();
    });
    // A client that goes away mid-answer: drop the registry request too (res 'close', not
    // req 'close', which fires as soon as the request itself has been read).
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end();
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  o.log.info({ area: 'mirror', host: o.host, port }, 'image mirror listening');
  return {
    port,
    counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
