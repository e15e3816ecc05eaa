// Reading a JSON request body with a size cap: 413 past the cap (without buffering it),
// 415 for a body that is not JSON, 400 for JSON that does not parse.
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { ServerError } from '../errors.js';

/** Largest JSON body the API accepts (bytes). Every API body is a few dozen bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** Whether the request says it carries a body. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads and parses the JSON body of `req`; undefined when there is none.
 * @throws ServerError PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE or INVALID_JSON
 */
export async function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  if (!hasBody(req)) return undefined;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ServerError('PAYLOAD_TOO_LARGE', `declared body of ${declared} bytes over ${maxBytes}`);
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new ServerError('UNSUPPORTED_MEDIA_TYPE', `body of type "${type}"`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new ServerError('PAYLOAD_TOO_LARGE', `body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ServerError('INVALID_JSON', `body does not parse: ${(err as Error).message}`);
  }
}

/** Parses a body (or any request value) with `schema`, or throws INVALID_REQUEST naming zod's first complaint. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new ServerError('INVALID_REQUEST', 'body does not validate', { userMessage: `Invalid request: ${where}${issue?.message ?? 'invalid'}`.slice(0, 300) });
}
