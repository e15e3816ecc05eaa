// Pages whose address names something that does not exist answer 404 (Next's not-found
// page, in the request's language) rather than 200 with a message: `/play/<id>` for a
// session id this server never had. A session that exists but is someone else's, or has
// ended, still gets the playground page, which says so.
import type { IncomingMessage } from 'node:http';
import { SessionId } from '../../protocol/http.js';

/** A path no page has: Next answers it with app/not-found.tsx and status 404. */
export const NOT_FOUND_PAGE = '/_pier/not-found';

/** The session id of a `/play/<id>` address (well-formed only), else null. */
export function playSessionId(pathname: string): string | null {
  const m = /^\/play\/([^/]+)\/?$/.exec(pathname);
  if (!m) return null;
  const id = m[1]!;
  return SessionId.safeParse(id).success ? id : null;
}

/**
 * Points `req` at the not-found page when it asks for the playground of an unknown
 * session (`known(id)`: the store has the session, live or ended, of any owner).
 * @returns whether it was redirected
 */
export function gateUnknownPage(req: IncomingMessage, pathname: string, known: (sessionId: string) => boolean): boolean {
  const id = playSessionId(pathname);
  if (id === null || known(id)) return false;
  req.url = NOT_FOUND_PAGE;
  return true;
}
