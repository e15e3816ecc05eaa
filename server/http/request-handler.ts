// The server's request listener: the port proxy's addresses first, then the JSON API, then
// Next's pages (or 404 when the server runs without Next).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ServerError } from '../errors.js';
import type { PortProxy } from '../proxy/index.js';
import { isApiPath } from './api.js';
import { clipForLog } from '../log-limit.js';
import { sendError } from './respond.js';

/** What the listener dispatches to. */
export interface RequestHandlerOptions {
  api: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void>;
  proxy?: PortProxy | null;
  /** Next's request handler; absent: non-API paths answer 404. */
  pages?: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null;
  log: Logger;
}

/** Creates the `request` listener of the HTTP server. */
export function createRequestHandler(o: RequestHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    req.on('error', (err) => o.log.debug({ err }, 'request stream error'));
    let pathname: string;
    try {
      if (o.proxy && o.proxy.handleRequest(req, res)) return;
      pathname = new URL(req.url ?? '/', 'http://pier.invalid').pathname;
    } catch (err) {
      sendError(res, err, o.log, { url: clipForLog(req.url) });
      return;
    }
    const serve = isApiPath(pathname) ? o.api(req, res, pathname) : o.pages ? o.pages(req, res) : Promise.reject(new ServerError('NOT_FOUND', `no page ${pathname}`));
    serve.catch((err: unknown) => sendError(res, err, o.log, { url: clipForLog(req.url) }));
  };
}
