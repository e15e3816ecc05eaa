// Writing JSON answers: the success bodies, and every error mapped to its status and
// ApiError body (never a stack trace), with headers that keep browsers from guessing.
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { errorAnswer } from '../errors.js';
import { clipForLog } from '../log-limit.js';

/** Headers of every JSON answer. */
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** Sends `body` as JSON with `status` (no body for 204 or HEAD). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const text = status === 204 || body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, { ...JSON_HEADERS, ...headers, 'content-length': String(Buffer.byteLength(text)) });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

/** Sends a text document (the results CSV); `filename` makes it a download. */
export function sendText(res: ServerResponse, status: number, text: { contentType: string; body: string; filename?: string }): void {
  const headers: Record<string, string> = {
    'content-type': text.contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-length': String(Buffer.byteLength(text.body)),
  };
  if (text.filename !== undefined) headers['content-disposition'] = `attachment; filename="${text.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
  res.writeHead(status, headers);
  res.end(res.req.method === 'HEAD' ? undefined : text.body);
}

/**
 * Sends the answer for a thrown error. Unexpected ones (5xx) are logged with their stack;
 * the client sees only the code and the user-facing sentence.
 */
export function sendError(res: ServerResponse, err: unknown, log: Logger, context: Record<string, unknown> = {}): void {
  const answer = errorAnswer(err);
  if (answer.unexpected) log.error({ err, ...context }, 'request failed');
  else log.debug({ code: answer.body.error.code, detail: clipForLog((err as Error).message), ...context }, 'request refused');
  // A body left unread (413) would be parsed as the next request: close the connection.
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.status === 413) headers.connection = 'close';
  sendJson(res, answer.status, answer.body, headers);
}
