// The live events feed of one session (/ws/sessions/:id/events): JSON text frames, each
// validated as a SessionEvent, over a reconnecting socket that stops once the session ends.
import { SessionEvent } from '../../protocol/http';
import { parseFrame } from './json-frame';
import { SocketClient, isFinalCloseCode, type SocketOptions, type SocketStatus } from './socket-client';

/** Callbacks of the events feed. */
export type SessionEventHandlers = {
  onEvent: (event: SessionEvent) => void;
  onStatus?: (status: SocketStatus) => void;
  /** The server closed the feed for good (session gone or not ours). */
  onGone?: (code: number, reason: string) => void;
};

/** A running events feed; close() stops it. */
export type SessionEventsFeed = { close(): void };

/** The path of a session's events feed. */
export function eventsPath(sessionId: string): string {
  return `/ws/sessions/${encodeURIComponent(sessionId)}/events`;
}

/**
 * Parses one text frame of the feed; null (and a console note) for anything that is not a
 * valid SessionEvent, which is skipped rather than trusted.
 */
export function parseSessionEvent(data: string | ArrayBuffer): SessionEvent | null {
  return parseFrame(SessionEvent, data, 'the events feed');
}

/**
 * Connects to the events feed of `sessionId` at `url` (a ws:// URL; see socketUrl) and
 * keeps it connected until close(), an `ended` event, or a final close code.
 */
export function connectSessionEvents(url: string, handlers: SessionEventHandlers, options?: SocketOptions): SessionEventsFeed {
  let ended = false;
  const client: SocketClient = new SocketClient(
    url,
    {
      onMessage: (data) => {
        const event = parseSessionEvent(data);
        if (!event) return;
        if (event.type === 'ended') ended = true;
        handlers.onEvent(event);
        if (ended) client.close();
      },
      onStatus: handlers.onStatus,
      shouldReconnect: (code, reason) => {
        if (ended) return false;
        if (isFinalCloseCode(code)) {
          handlers.onGone?.(code, reason);
          return false;
        }
        return true;
      },
    },
    options,
  );
  return { close: () => client.close() };
}
