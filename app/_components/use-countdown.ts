'use client';
// A React hook counting down to a session's end, re-rendering about twice a second.
import { useEffect, useState } from 'react';
import { msUntil } from '../_lib/format';

/** How often the countdown re-renders (ms); under a second so the display never skips. */
export const COUNTDOWN_TICK_MS = 500;

/**
 * Milliseconds until `expiresAt` (ISO), corrected by the server's clock skew.
 * @param skewMs how far the server's clock is ahead of this browser's (ms)
 */
export function useCountdown(expiresAt: string, skewMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const handle = setInterval(() => setNow(Date.now()), COUNTDOWN_TICK_MS);
    return () => clearInterval(handle);
  }, []);
  return msUntil(expiresAt, now, skewMs);
}
