// The live events feed of one session (/ws/sessions/:id/events): SessionEvent JSON text
// frames from the session core to the browser. The browser sends nothing; frames it sends
// anyway are ignored (maxPayload bounds them).
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { SessionEvent, Watcher } from '../../protocol/http.js';
import { isServerError } from '../errors.js';
import type { SessionManager } from '../sessions/manager.js';

/** Largest frame a client may send on the feed (bytes): the WebSocketServer's maxPayload. */
export const EVENTS_MAX_PAYLOAD_BYTES = 1024;
/** Above this much unsent data, `stats` frames are skipped (a slow link loses samples, not state). */
export const EVENTS_SKIP_STATS_BUFFERED_BYTES = 64 * 1024;
/** Above this much unsent data the client is not reading at all: the socket is dropped. */
export const EVENTS_MAX_BUFFERED_BYTES = 1024 * 1024;

/** Close codes of the feed (the browser treats 44xx as final). */
export const EventsCloseCode = {
  /** The session ended (an `ended` event was sent first when possible). */
  ENDED: 4410,
  /** No such session, or not the caller's. */
  NOT_FOUND: 4404,
  /** Server shutting down. */
  GOING_AWAY: 1001,
  /** A bug on the server. */
  INTERNAL: 4500,
} as const;

/**
 * Serves the feed of `sessionId` to `owner` on an open WebSocket. `watchers`, when given,
 * names the staff already on the session's terminals: sent after the first view when any.
 */
export async function serveSessionEvents(
  ws: WebSocket,
  sessions: Pick<SessionManager<unknown>, 'subscribe'>,
  sessionId: string,
  owner: string,
  log: Logger,
  watchers?: () => Watcher[],
): Promise<void> {
  ws.on('error', (err) => log.debug({ err, session: sessionId }, 'events socket error'));
  let unsubscribe: (() => void) | null = null;
  ws.on('close', () => unsubscribe?.());
  const send = (event: SessionEvent) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > EVENTS_MAX_BUFFERED_BYTES) {
      ws.terminate();
      return;
    }
    if (event.type === 'stats' && ws.bufferedAmount > EVENTS_SKIP_STATS_BUFFERED_BYTES) return;
    ws.send(JSON.stringify(event));
    if (event.type === 'ended') ws.close(EventsCloseCode.ENDED, 'session ended');
  };
  try {
    const off = await sessions.subscribe(sessionId, owner, send);
    // The socket may have closed while the view was read.
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) {
      unsubscribe = off;
      const present = watchers?.() ?? [];
      if (present.length > 0) send({ type: 'watchers', watchers: present });
    } else off();
  } catch (err) {
    if (isServerError(err, 'SESSION_NOT_FOUND')) {
      ws.close(EventsCloseCode.NOT_FOUND, 'no such session');
      return;
    }
    log.error({ err, session: sessionId }, 'cannot subscribe to session events');
    ws.close(EventsCloseCode.INTERNAL, 'internal error');
  }
}
