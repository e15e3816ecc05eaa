'use client';
// A React hook reading the session's one clock (app/_lib/session-clock.ts), re-rendering
// about twice a second.
import { useEffect, useState } from 'react';
import type { SessionView } from '../../protocol/http';
import { readSessionClock, type ClockReading } from '../_lib/session-clock';

/** How often the countdown re-renders (ms); under a second so the display never skips. */
export const COUNTDOWN_TICK_MS = 500;

/**
 * The session's clock now: the nearest end (lifetime or the idle end the server warned
 * about), derived from the deadlines in `session` alone.
 * @param skewMs how far the server's clock is ahead of this browser's (ms)
 */
export function useSessionClock(session: SessionView | null, skewMs: number): ClockReading | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const handle = setInterval(() => setNow(Date.now()), COUNTDOWN_TICK_MS);
    return () => clearInterval(handle);
  }, []);
  return session ? readSessionClock(session, now, skewMs) : null;
}
