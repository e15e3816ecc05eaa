// The server's request listener: decide the client (proxy trust) and start its access-log
// line, then the port proxy's addresses, the operations endpoints (/healthz, /readyz,
// /metrics), the JSON API, and Next's pages (or 404 when the server runs without Next).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ServerError } from '../errors.js';
import type { PortProxy } from '../proxy/index.js';
import { isApiPath } from './api.js';
import { clipForLog } from '../log-limit.js';
import { decideClient, parseProxyTrust, type ProxyTrust } from './proxy-trust.js';
import { sendError } from './respond.js';

/** What the listener dispatches to. */
export interface RequestHandlerOptions {
  api: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;
  proxy?: PortProxy | null;
  /** Next's request handler; absent: non-API paths answer 404. */
  pages?: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  log: Logger;
  /** Trusted reverse proxies (config trustProxy); default none. */
  trust?: ProxyTrust;
  /** /healthz, /readyz, /metrics: resolves true when it answered. */
  ops?: ((req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>) | null;
  /** Writes one access-log line when the response finishes (pino-http). */
  accessLog?: ((req: IncomingMessage, res: ServerResponse) => void) | null;
}

/** Creates the `request` listener of the HTTP server. */
export function createRequestHandler(o: RequestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const trust = o.trust ?? parseProxyTrust([]);
  return (req, res) => {
    req.on('error', (err) => o.log.debug({ err }, 'request stream error'));
    decideClient(req, trust);
    o.accessLog?.(req, res);
    let pathname: string;
    try {
      // The port proxy first: a student's app on a port subdomain owns every path, /metrics too.
      if (o.proxy && o.proxy.handleRequest(req, res)) return;
      pathname = new URL(req.url ?? '/', 'http://pier.invalid').pathname;
    } catch (err) {
      sendError(res, err, o.log, { url: clipForLog(req.url) });
      return;
    }
    const serve = async (): Promise<void> => {
      if (o.ops && (await o.ops(req, res, pathname))) return;
      if (isApiPath(pathname)) return o.api(req, res, pathname);
      if (o.pages) return o.pages(req, res);
      throw new ServerError('NOT_FOUND', `no page ${pathname}`);
    };
    serve().catch((err: unknown) => sendError(res, err, o.log, { url: clipForLog(req.url) }));
  };
}
