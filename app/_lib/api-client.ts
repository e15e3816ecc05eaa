// The browser's one data-access module for pier's JSON API (protocol/http.ts): each call
// validates the answer with the shared zod schema and returns a result, never throws.
import type { z } from 'zod';
import {
  ApiError,
  NodeView,
  PortLink,
  SessionView,
  TerminalView,
  type NodeView as NodeViewType,
  type PortLink as PortLinkType,
  type SessionView as SessionViewType,
  type TerminalView as TerminalViewType,
} from '../../protocol/http';

/** A failed call: the HTTP status (0 when the server was not reached) and a stable code. */
export type ApiFailure = {
  ok: false;
  status: number;
  /** The server's code (RATE_LIMITED, NODE_LIMIT…), or NETWORK / UNAVAILABLE / BAD_RESPONSE. */
  code: string;
  /** The server's English sentence, or a short description of what failed. */
  message: string;
  /** On a start refused because the host is full: the place in line (1 = next) and how many wait. */
  queuePosition?: number;
  queueWaiting?: number;
  /** The answer's Retry-After, in seconds, when it had one. */
  retryAfterSeconds?: number;
};

/** The outcome of an API call. */
export type ApiResult<T> = { ok: true; value: T } | ApiFailure;

/**
 * The failure for a non-2xx answer: the body's `{ error: { code, message } }` when it has
 * one, else a code derived from the status (503 → UNAVAILABLE).
 */
export function failureFromResponse(status: number, body: unknown, retryAfter: string | null = null): ApiFailure {
  const parsed = ApiError.safeParse(body);
  const seconds = retryAfter !== null && /^\d{1,6}$/.test(retryAfter.trim()) ? Number(retryAfter.trim()) : undefined;
  if (parsed.success) return { ok: false, status, ...parsed.data.error, ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }) };
  if (status === 503) return { ok: false, status, code: 'UNAVAILABLE', message: 'Service unavailable' };
  if (status === 429) return { ok: false, status, code: 'RATE_LIMITED', message: 'Too many requests' };
  if (status === 404) return { ok: false, status, code: 'SESSION_NOT_FOUND', message: 'Not found' };
  return { ok: false, status, code: `HTTP_${status}`, message: `HTTP ${status}` };
}

/**
 * Settles once this page's first API call has its answer. A browser without the owner
 * cookie gets a new owner from every request it sends, so calls sent side by side on a
 * first visit (the home page asks who it is, its sessions and the course at once) would
 * each set a different cookie, and a session started meanwhile would belong to a lost
 * owner. Later calls therefore wait for the first answer, which carries the cookie.
 */
let firstAnswer: Promise<void> | null = null;

/** One JSON API call: `schema` validates a 2xx answer (null: no body expected). Never throws. */
export async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  schema: z.ZodType<T> | null,
  body?: unknown,
): Promise<ApiResult<T>> {
  if (firstAnswer === null) {
    let settle = () => {};
    firstAnswer = new Promise<void>((resolve) => (settle = resolve));
    try {
      return await send(method, path, schema, body);
    } finally {
      settle();
    }
  }
  await firstAnswer;
  return send(method, path, schema, body);
}

async function send<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  schema: z.ZodType<T> | null,
  body?: unknown,
): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch (err) {
    return { ok: false, status: 0, code: 'NETWORK', message: err instanceof Error ? err.message : String(err) };
  }
  const text = await res.text().catch(() => '');
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!res.ok) return failureFromResponse(res.status, json, res.headers.get('retry-after'));
  if (schema === null) return { ok: true, value: undefined as T };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    console.error(`pier: unexpected answer from ${method} ${path}`, parsed.error);
    return { ok: false, status: res.status, code: 'BAD_RESPONSE', message: 'Unexpected answer from the server' };
  }
  return { ok: true, value: parsed.data };
}

const sessionPath = (id: string) => `/api/sessions/${encodeURIComponent(id)}`;

/** POST /api/sessions: starts a playground. */
export function createSession(lessonId?: string): Promise<ApiResult<SessionViewType>> {
  return call('POST', '/api/sessions', SessionView, lessonId ? { lessonId } : {});
}

/** GET /api/sessions/:id */
export function getSession(id: string): Promise<ApiResult<SessionViewType>> {
  return call('GET', sessionPath(id), SessionView);
}

/** POST /api/sessions/:id/nodes: adds the next node. */
export function addNode(id: string): Promise<ApiResult<NodeViewType>> {
  return call('POST', `${sessionPath(id)}/nodes`, NodeView, {});
}

/** POST /api/sessions/:id/nodes/:node/reset: replaces the node with a fresh one. */
export function resetNode(id: string, node: string): Promise<ApiResult<NodeViewType>> {
  return call('POST', `${sessionPath(id)}/nodes/${encodeURIComponent(node)}/reset`, NodeView, {});
}

/** POST /api/sessions/:id/nodes/:node/terminals: opens a new terminal (tab) on the node. */
export function createTerminal(id: string, node: string): Promise<ApiResult<TerminalViewType>> {
  return call('POST', `${sessionPath(id)}/nodes/${encodeURIComponent(node)}/terminals`, TerminalView, {});
}

/** DELETE /api/sessions/:id/terminals/:terminal: closes a terminal. */
export function closeTerminal(id: string, terminal: string): Promise<ApiResult<void>> {
  return call<void>('DELETE', `${sessionPath(id)}/terminals/${encodeURIComponent(terminal)}`, null);
}

/** POST /api/sessions/:id/extend: pushes `expiresAt` back, while `canExtend`. */
export function extendSession(id: string): Promise<ApiResult<SessionViewType>> {
  return call('POST', `${sessionPath(id)}/extend`, SessionView, {});
}

/** DELETE /api/sessions/:id: ends the playground and removes its sandboxes. */
export function endSession(id: string): Promise<ApiResult<void>> {
  return call<void>('DELETE', sessionPath(id), null);
}

/**
 * POST /api/sessions/:id/nodes/:node/ports/:port/link: a one-minute link that opens the
 * port on its own host (`<session>-<node>-<port>.<host>`), for apps that need the root path.
 */
export function createPortLink(id: string, node: string, port: number): Promise<ApiResult<PortLinkType>> {
  return call('POST', `${sessionPath(id)}/nodes/${encodeURIComponent(node)}/ports/${port}/link`, PortLink, {});
}
