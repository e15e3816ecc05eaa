// The operations endpoints, answered before anything else: GET /healthz (the process
// serves), GET /readyz (may it take a student now: 200, or 503 with the reasons), and
// GET /metrics (Prometheus text; a bearer token, or loopback without a proxy when none is set).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLocalRequest } from '../http/classroom-api.js';
import type { PierMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

/** What the routes need. */
export interface OpsRoutesOptions {
  readiness: () => Promise<Readiness>;
  metrics: PierMetrics;
  /** '' = loopback only. */
  metricsToken: string;
  startedAt?: number;
}

/** The paths these routes answer. */
export const OPS_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** Whether `req` carries `Authorization: Bearer <token>` (compared in constant time). */
export function bearerMatches(req: IncomingMessage, token: string): boolean {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const a = Buffer.from(m[1]!), b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Creates the handler: resolves true when it answered `pathname`. */
export function createOpsRoutes(o: OpsRoutesOptions): (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean> {
  const startedAt = o.startedAt ?? Date.now();
  return async (req, res, pathname) => {
    if (!OPS_PATHS.has(pathname)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      json(res, 405, { error: { code: 'METHOD_NOT_ALLOWED', message: `${pathname} answers GET` } });
      return true;
    }
    if (pathname === '/healthz') {
      json(res, 200, { status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) });
      return true;
    }
    if (pathname === '/readyz') {
      const r = await o.readiness();
      const reasons = Object.entries(r.checks).filter(([, c]) => !c.ok).map(([name, c]) => `${name}: ${c.detail}`);
      json(res, r.ready ? 200 : 503, { status: r.ready ? 'ready' : 'not ready', reasons, checks: r.checks });
      return true;
    }
    const allowed = o.metricsToken === '' ? isLocalRequest(req) : bearerMatches(req, o.metricsToken);
    if (!allowed) {
      const why = o.metricsToken === '' ? '/metrics answers only on this host (set metricsToken to scrape from elsewhere)' : 'a valid bearer token is needed (metricsToken)';
      if (o.metricsToken !== '') res.setHeader('www-authenticate', 'Bearer realm="pier metrics"');
      json(res, o.metricsToken === '' ? 403 : 401, { error: { code: 'FORBIDDEN', message: why } });
      return true;
    }
    const { contentType, body } = await o.metrics.render();
    res.writeHead(200, { 'content-type': contentType, 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
