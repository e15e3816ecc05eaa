'use client';
// Who this browser is (GET /api/auth/me), loaded once per page and shared by every component
// that asks: the staff menu, the gates and the home page read the same answer.
import { useCallback, useEffect, useSyncExternalStore } from 'react';
import type { Me } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { getMe } from '../../_lib/classroom-client';

/** Where the answer stands. */
export type MeState = { phase: 'loading' } | { phase: 'failed'; failure: ApiFailure } | { phase: 'ready'; me: Me };

let current: MeState = { phase: 'loading' };
let inFlight: Promise<void> | null = null;
const listeners = new Set<() => void>();

function set(next: MeState): void {
  current = next;
  for (const listener of listeners) listener();
}

/** Asks the server again (after sign-in, sign-out, joining). */
export function refreshMe(): Promise<void> {
  inFlight ??= getMe().then((result) => {
    inFlight = null;
    set(result.ok ? { phase: 'ready', me: result.value } : { phase: 'failed', failure: result });
  });
  return inFlight;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const LOADING: MeState = { phase: 'loading' };

/** The current Me (loading on first use) and a refresh function. */
export function useMe(): { state: MeState; refresh: () => Promise<void> } {
  const state = useSyncExternalStore(subscribe, () => current, () => LOADING);
  useEffect(() => {
    if (current.phase === 'loading') void refreshMe();
  }, []);
  const refresh = useCallback(() => refreshMe(), []);
  return { state, refresh };
}
