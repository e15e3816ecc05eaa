// The playground's one clock: what the header and the warning banner show, derived only
// from the deadlines the server sent (SessionView `expiresAt`, `idleEndsAt`, `serverTime`).
// Pure, so it is tested with a fake "now".
import type { SessionView } from '../../protocol/http';

/** Why the session would end at `endsAt`. */
export type ClockReason = 'lifetime' | 'idle';

/** One reading of the clock. */
export type ClockReading = {
  /** Milliseconds until the nearest end (never negative). */
  msLeft: number;
  /** The nearest end, in server time (ms since the epoch). */
  endsAt: number;
  /** Which end is the nearest: the lifetime, or the idle timeout the server warned about. */
  reason: ClockReason;
  /** Whether the page warns now (the nearest end is within `warnBeforeSeconds`). */
  warn: boolean;
  /** While warning about idling: whole minutes without activity so far. */
  idleMinutes: number;
};

/**
 * How far the server's clock runs ahead of the browser's (ms), from a view's `serverTime`
 * and the browser time it arrived at (latency is small against a seconds display).
 */
export function skewFrom(session: Pick<SessionView, 'serverTime'>, receivedAtMs: number): number {
  const server = Date.parse(session.serverTime);
  return Number.isFinite(server) ? server - receivedAtMs : 0;
}

/**
 * The clock at browser time `nowMs`.
 * @param skewMs how far the server's clock is ahead of this browser's (ms)
 */
export function readSessionClock(
  session: Pick<SessionView, 'expiresAt' | 'idleEndsAt' | 'warnBeforeSeconds' | 'idleTimeoutSeconds'>,
  nowMs: number,
  skewMs: number,
): ClockReading {
  const serverNow = nowMs + skewMs;
  const lifetimeEnd = Date.parse(session.expiresAt);
  const idleEnd = session.idleEndsAt === null ? Number.NaN : Date.parse(session.idleEndsAt);
  const idle = Number.isFinite(idleEnd) && (!Number.isFinite(lifetimeEnd) || idleEnd < lifetimeEnd);
  const endsAt = idle ? idleEnd : lifetimeEnd;
  const msLeft = Number.isFinite(endsAt) ? Math.max(0, endsAt - serverNow) : 0;
  const warn = Number.isFinite(endsAt) && msLeft > 0 && msLeft <= session.warnBeforeSeconds * 1000;
  const idleMinutes = idle ? Math.max(0, Math.floor((session.idleTimeoutSeconds * 1000 - msLeft) / 60_000)) : 0;
  return { msLeft, endsAt, reason: idle ? 'idle' : 'lifetime', warn, idleMinutes };
}
