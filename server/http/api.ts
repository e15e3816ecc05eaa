// The JSON API of protocol/http.ts: sessions, nodes, terminals. Each route validates its
// parameters and body at the edge, calls one session-manager method, and answers JSON.
// Unknown sessions and other owners' sessions both answer 404 (existence is not revealed).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { z } from 'zod';
import { CreateSessionRequest, NodeName, PortLinkRequest, SessionId, TerminalId, type PortLink } from '../../protocol/http.js';
import { ServerError } from '../errors.js';
import { parsePort } from '../proxy/index.js';
import type { SessionManager } from '../sessions/manager.js';
import { parseBody, readJsonBody } from './body.js';
import { requestOrigin } from './origin.js';
import { clientOf } from './proxy-trust.js';
import { ensureOwner } from './owner-cookie.js';
import { newPortGrant, portLinkUrl, signPortGrant, subdomainBaseHost } from './port-token.js';
import type { CreateLimiter } from './rate-limit.js';
import { sendError, sendJson, sendText } from './respond.js';
import { Router, type Params } from './router.js';
import { addLessonRoutes, isLessonAssetPath, serveLessonAsset, type LessonApiOptions } from './lesson-api.js';
import { addClassroomRoutes, type ClassroomApiOptions } from './classroom-api.js';
import { throughQueue, type BusyCode } from '../queue/gate.js';
import { addAdminRoutes, type AdminApiOptions } from './admin-api.js';
import type { SessionQueue } from '../queue/queue.js';
import { addLiveRoutes, isRecordingCastPath, serveRecordingCast, type LiveApiOptions } from './classroom-live-api.js';

/** What a route handler gets. */
export interface ApiRequest {
  req: IncomingMessage;
  /** The caller's owner id (from the cookie, or new). */
  owner: string;
  /** Path parameters, validated by `param`. */
  params: Params;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
  /** The client's address, for rate limits. */
  address: string;
}

/** What a route handler answers. */
export interface ApiAnswer {
  status: number;
  body?: unknown;
  /** Set-Cookie values to add (after the owner cookie, when a new one is set). */
  cookies?: string[];
  /** A non-JSON answer (the results CSV) instead of `body`. */
  text?: { contentType: string; body: string; filename?: string };
}

type Handler = (r: ApiRequest) => Promise<ApiAnswer>;

/** The session operations the API calls (the SessionManager; a fake in unit tests). */
export type ApiSessions = Pick<
  SessionManager<unknown>,
  'create' | 'view' | 'endByOwner' | 'extend' | 'addNode' | 'resetNode' | 'newTerminal' | 'closeTerminal' | 'requireNode'
>;

/** What the API needs. */
export interface ApiOptions {
  sessions: ApiSessions;
  limiter: CreateLimiter;
  /** Cookie signing secret. */
  secret: Buffer;
  log: Logger;
  /** Milliseconds since the epoch, for port tokens (tests move it). */
  now?: () => number;
  /** The lesson routes (protocol/lesson.ts); absent, they answer 404. */
  lessons?: LessonApiOptions;
  /** The classroom core's routes (accounts, classes, joining, the grid, results); absent, they answer 404 and POST /api/sessions knows no classes. */
  classroom?: ClassroomApiOptions;
  /** The classroom's live routes (hands, announcements, class actions, recordings); absent, they answer 404. */
  live?: LiveApiOptions;
  /** The queue of starts while the host is full; absent, a full host refuses outright. */
  queue?: SessionQueue | null;
  /** Which refusal a queued start carries: the session cap or the host's reserves. */
  busyCode?: () => BusyCode;
  /** The admin page's session routes; absent, they answer 404. */
  admin?: AdminApiOptions;
}

/** Bodies of POSTs that take no fields: absent or `{}`. */
const EmptyBody = z.object({}).strict().optional();

/** Parses `value` or throws INVALID_REQUEST with zod's first complaint. */
const parse = parseBody;

/** A path parameter: one that cannot be valid names nothing, hence `notFound`. */
function param(params: Params, name: string, schema: z.ZodType<string>, notFound: 'SESSION_NOT_FOUND' | 'NODE_NOT_FOUND' | 'TERMINAL_NOT_FOUND'): string {
  const r = schema.safeParse(params[name]);
  if (!r.success) throw new ServerError(notFound, `malformed ${name} in path`);
  return r.data;
}

const sessionParam = (p: Params) => param(p, 'id', SessionId, 'SESSION_NOT_FOUND');
const nodeParam = (p: Params) => param(p, 'node', NodeName, 'NODE_NOT_FOUND');
const terminalParam = (p: Params) => param(p, 'terminal', TerminalId, 'TERMINAL_NOT_FOUND');

/** The `:port` parameter, 1..65535 without leading zeros; anything else names nothing. */
function portParam(p: Params): number {
  const port = parsePort(p.port ?? '');
  if (port === null) throw new ServerError('NOT_FOUND', 'malformed port in path');
  return port;
}

/** Whether the client's connection to pier is TLS. */
/** Whether the browser's connection was https (directly, or to a trusted proxy). */
const isSecure = (req: IncomingMessage) => clientOf(req).secure;

/** The routes of the API. */
function routes(o: ApiOptions): Router<Handler> {
  const { sessions, limiter } = o;
  const now = o.now ?? Date.now;
  const router = new Router<Handler>();
  if (o.lessons) addLessonRoutes(router, o.lessons);
  if (o.classroom) addClassroomRoutes(router, o.classroom);
  if (o.live) addLiveRoutes(router, o.live);
  if (o.admin) addAdminRoutes(router, o.admin);
  /** Starts a free playground or a class session (rate limits, then the session core). */
  const startSession = async (owner: string, request: z.infer<typeof CreateSessionRequest>, address: string) => {
    const classroom = o.classroom?.classroom ?? null;
    if (request.classId !== undefined) {
      // A class session: a student of the class starts one of its open lessons.
      if (classroom === null) throw new ServerError('CLASS_NOT_FOUND', 'no classroom on this server');
      if (request.lessonId === undefined) throw new ServerError('INVALID_REQUEST', 'class session without lessonId', { userMessage: 'Invalid request: lessonId: a class session needs its lesson' });
      const plan = classroom.sessionPlan(owner, request.classId, request.lessonId);
      // A class behind one NAT address starts together: only the per-browser bucket applies
      // (the address key is the browser's own); the class's per-student cap bounds the rest.
      const decision = limiter.take(owner, `owner:${owner}`);
      if (!decision.ok) throw new ServerError('RATE_LIMITED', `create rate limit for ${owner}`, { retryAfterSeconds: decision.retryAfterMs / 1000 });
      return sessions.create(owner, { lessonId: request.lessonId, plan });
    }
    if (classroom !== null && !classroom.openPlayground) throw new ServerError('PLAYGROUND_CLOSED', 'openPlayground is off');
    const decision = limiter.take(owner, address);
    if (!decision.ok) throw new ServerError('RATE_LIMITED', `create rate limit for ${address}`, { retryAfterSeconds: decision.retryAfterMs / 1000 });
    return sessions.create(owner, request.lessonId === undefined ? { address } : { lessonId: request.lessonId, address });
  };
  return router
    .add('POST', '/api/sessions', async ({ owner, body, address }) => {
      const request = parse(CreateSessionRequest.optional(), body) ?? {};
      // While the host is full, a start gets its place in line instead (server/queue/).
      return { status: 201, body: await throughQueue(o.queue, owner, () => startSession(owner, request, address), o.busyCode) };
    })
    .add('GET', '/api/sessions/:id', async ({ owner, params }) => ({ status: 200, body: await sessions.view(sessionParam(params), owner) }))
    .add('DELETE', '/api/sessions/:id', async ({ owner, params }) => {
      await sessions.endByOwner(sessionParam(params), owner);
      return { status: 204 };
    })
    .add('POST', '/api/sessions/:id/extend', async ({ owner, params, body }) => {
      parse(EmptyBody, body);
      return { status: 200, body: await sessions.extend(sessionParam(params), owner) };
    })
    .add('POST', '/api/sessions/:id/nodes', async ({ owner, params, body }) => {
      parse(EmptyBody, body);
      return { status: 201, body: await sessions.addNode(sessionParam(params), owner) };
    })
    .add('POST', '/api/sessions/:id/nodes/:node/reset', async ({ owner, params, body }) => {
      parse(EmptyBody, body);
      return { status: 200, body: await sessions.resetNode(sessionParam(params), owner, nodeParam(params)) };
    })
    .add('POST', '/api/sessions/:id/nodes/:node/terminals', async ({ owner, params, body }) => {
      parse(EmptyBody, body);
      return { status: 201, body: await sessions.newTerminal(sessionParam(params), owner, nodeParam(params)) };
    })
    .add('POST', '/api/sessions/:id/nodes/:node/ports/:port/link', async ({ req, owner, params, body }) => {
      parse(PortLinkRequest.optional(), body);
      const address = { session: sessionParam(params), node: nodeParam(params), port: portParam(params) };
      sessions.requireNode(address.session, owner, address.node);
      const baseHost = subdomainBaseHost(req.headers.host);
      if (baseHost === null) throw new ServerError('SUBDOMAIN_UNAVAILABLE', `no subdomain under Host ${JSON.stringify(req.headers.host ?? '')}`);
      const token = signPortGrant('token', newPortGrant('token', address, owner, now()), o.secret);
      const link: PortLink = { url: portLinkUrl(address, baseHost, token, isSecure(req)) };
      return { status: 200, body: link };
    })
    .add('DELETE', '/api/sessions/:id/terminals/:terminal', async ({ owner, params }) => {
      await sessions.closeTerminal(sessionParam(params), owner, terminalParam(params));
      return { status: 204 };
    });
}

/** Whether a path belongs to the API (or the health check). */
export function isApiPath(pathname: string): boolean {
  return pathname === '/healthz' || pathname === '/api' || pathname.startsWith('/api/');
}

/** Creates the API's request handler: `(req, res, pathname)`. */
export function createApi(o: ApiOptions): (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<void> {
  const router = routes(o);
  return async (req, res, pathname) => {
    if (pathname === '/healthz') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new ServerError('METHOD_NOT_ALLOWED', 'healthz'), o.log);
      return sendJson(res, 200, { ok: true });
    }
    const owner = ensureOwner(req, res, o.secret);
    const context = { method: req.method, path: pathname };
    try {
      // A browser's cross-site request carries an Origin naming the other site: refused
      // for anything that changes state (SameSite=Lax already withholds the cookie).
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD' && requestOrigin(req) === 'cross') {
        throw new ServerError('FORBIDDEN_ORIGIN', `origin ${req.headers.origin ?? ''} for host ${req.headers.host ?? ''}`);
      }
      if (o.lessons && isLessonAssetPath(pathname)) return serveLessonAsset(o.lessons, req, res, pathname);
      if (o.live && isRecordingCastPath(pathname)) return serveRecordingCast(o.live, req, res, pathname, owner);
      const match = router.match(method, pathname);
      if (match.kind === 'not-found') throw new ServerError('NOT_FOUND', `no route ${method} ${pathname}`);
      if (match.kind === 'method-not-allowed') {
        res.setHeader('allow', match.allow.join(', '));
        throw new ServerError('METHOD_NOT_ALLOWED', `${method} ${pathname}`);
      }
      const body = await readJsonBody(req);
      const answer = await match.handler({ req, owner, params: match.params, body, address: clientOf(req).address });
      if (answer.cookies) res.appendHeader('set-cookie', answer.cookies);
      if (answer.text) sendText(res, answer.status, answer.text);
      else sendJson(res, answer.status, answer.body);
    } catch (err) {
      sendError(res, err, o.log, context);
    }
  };
}
