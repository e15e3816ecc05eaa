// The classroom's live feeds: the dashboard's /ws/classes/:class/events (ClassEvent) and a
// student's /ws/me/classes/:class/events (MemberEvent). JSON text frames, each validated,
// over a reconnecting socket with backoff; a final close code stops it.
import type { z } from 'zod';
import { ClassEvent, MemberEvent } from '../../protocol/classroom';
import type { LessonLang } from '../../protocol/lesson';
import { parseFrame } from './json-frame';
import { SocketClient, isFinalCloseCode, socketUrl, type SocketOptions, type SocketStatus } from './socket-client';

/** First reconnect delay of the class feeds (ms); it doubles up to FEED_MAX_DELAY_MS. */
export const FEED_FIRST_DELAY_MS = 500;
/** Longest pause between reconnect attempts of the class feeds (ms). */
export const FEED_MAX_DELAY_MS = 10_000;

/** Callbacks of a feed. */
export type FeedHandlers<T> = {
  onEvent: (event: T) => void;
  onStatus?: (status: SocketStatus) => void;
  /** The server closed the feed for good (no such class, or not allowed). */
  onGone?: (code: number, reason: string) => void;
};

/** A running feed; close() stops it. */
export type Feed = { close(): void };

function connectFeed<T>(path: string, schema: z.ZodType<T>, handlers: FeedHandlers<T>, options?: SocketOptions): Feed {
  const client = new SocketClient(
    socketUrl(path, window.location),
    {
      onMessage: (data) => {
        const event = parseFrame(schema, data, path);
        if (event) handlers.onEvent(event);
      },
      onStatus: handlers.onStatus,
      shouldReconnect: (code, reason) => {
        if (!isFinalCloseCode(code)) return true;
        handlers.onGone?.(code, reason);
        return false;
      },
    },
    { reconnectDelayMs: FEED_FIRST_DELAY_MS, maxReconnectDelayMs: FEED_MAX_DELAY_MS, ...options },
  );
  return { close: () => client.close() };
}

/** The dashboard's feed of class `classId`: a `grid` on every (re)connect, then changes. */
export function connectClassEvents(classId: string, lang: LessonLang, handlers: FeedHandlers<ClassEvent>): Feed {
  return connectFeed(`/ws/classes/${encodeURIComponent(classId)}/events?lang=${lang}`, ClassEvent, handlers);
}

/** A student's feed of their class `classId` (lesson titles in `lang`). */
export function connectMemberEvents(classId: string, lang: LessonLang, handlers: FeedHandlers<MemberEvent>): Feed {
  return connectFeed(`/ws/me/classes/${encodeURIComponent(classId)}/events?lang=${lang}`, MemberEvent, handlers);
}

/** The socket path to watch (read-only) or join (type into) a student's terminal. */
export function studentTerminalPath(classId: string, terminalId: string, mode: 'watch' | 'join'): string {
  return `/ws/classes/${encodeURIComponent(classId)}/terminals/${encodeURIComponent(terminalId)}?mode=${mode}`;
}
