// One access-log line per HTTP request (pino-http): method, path, status, duration, a request
// id (also sent back as X-Request-Id), the client address as proxy trust decided it, and the
// session or class id when the path names one. Client errors (4xx) are what anyone can send
// at will: they go through the refusal limiter instead (a few in full per interval, then a
// count), and every logged path is clipped (docs/SECURITY.md 44).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { clientOf } from '../http/proxy-trust.js';
import { RefusalLog, clipForLog } from '../log-limit.js';

/** A request id as pier makes or accepts them: 8–64 of [A-Za-z0-9_-]. */
const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** `/api/sessions/<id>…` or `/api/classes/<id>…` (and the port proxy's `/p/<id>/…`): the ids named. */
export function idsOfPath(url: string | undefined): { sessionId?: string; classId?: string } {
  const path = (url ?? '').split('?')[0] ?? '';
  const session = /^\/(?:api\/sessions|p)\/([0-9a-f]{32})(?:\/|$)/.exec(path);
  if (session) return { sessionId: session[1]! };
  const klass = /^\/api\/classes\/([A-Za-z0-9_-]{8,64})(?:\/|$)/.exec(path);
  if (klass) return { classId: klass[1]! };
  return {};
}

/**
 * Creates the access logger. A request id a trusted proxy sent (X-Request-Id) is kept, so
 * one id follows a request through nginx and pier; anyone else's is replaced.
 */
export function createAccessLog(log: Logger): (req: IncomingMessage, res: ServerResponse) => void {
  const http = accessLogger(log);
  const refusals = new RefusalLog(log.child({ area: 'http' }));
  return (req, res) => {
    http(req, res);
    res.once('finish', () => {
      if (res.statusCode < 400 || res.statusCode >= 500) return;
      refusals.refused(`${res.statusCode} answered`, { method: req.method, path: pathOf(req.url), client: clientOf(req).address, reqId: res.getHeader('x-request-id') });
    });
  };
}

/** A request's path as logged: no query (it may carry a port-link token), clipped. */
const pathOf = (url: string | undefined): string => clipForLog((url ?? '').split('?')[0]) ?? '';

function accessLogger(log: Logger): HttpLogger<IncomingMessage, ServerResponse> {
  return pinoHttp({
    logger: log.child({ area: 'http' }),
    genReqId(req, res) {
      const sent = req.headers['x-request-id'];
      const id = typeof sent === 'string' && REQUEST_ID.test(sent) && clientOf(req).viaProxy ? sent : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customProps: (req) => ({ client: clientOf(req).address, ...idsOfPath(req.url) }),
    // 4xx: logged by the refusal limiter (createAccessLog), not here.
    customLogLevel: (_req, res, err) => (err !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'silent' : 'info'),
    customSuccessMessage: (req, res, ms) => `${req.method} ${pathOf(req.url)} ${res.statusCode} ${Math.round(ms)}ms`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(req.url)} ${res.statusCode} failed`,
    // The query string may carry a port-link token: logged paths stop at `?`.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, path: pathOf(req.url) }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
    quietReqLogger: true,
  });
}
