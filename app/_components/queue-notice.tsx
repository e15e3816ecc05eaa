'use client';
// Starting while the host is full: a hook that asks again by itself (through
// app/_lib/start-queue.ts) and the notice with the place in line and Cancel.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiResult } from '../_lib/api-client';
import { ordinal, startThroughQueue, type QueueStep } from '../_lib/start-queue';
import { usePrefs } from './prefs-provider';

type Waiting = Extract<QueueStep, { kind: 'wait' }>;

/** `run(start)`: the start's result after any waiting in line, or null when cancelled. */
export function useQueuedStart() {
  const [place, setPlace] = useState<Waiting | null>(null);
  const ctrl = useRef<AbortController | null>(null);
  useEffect(() => () => ctrl.current?.abort(), []);
  const run = useCallback(async <T,>(start: () => Promise<ApiResult<T>>): Promise<ApiResult<T> | null> => {
    ctrl.current?.abort();
    const c = new AbortController();
    ctrl.current = c;
    const r = await startThroughQueue(start, { signal: c.signal, onQueued: setPlace });
    setPlace(null);
    return 'cancelled' in r ? null : r;
  }, []);
  const cancel = useCallback(() => ctrl.current?.abort(), []);
  return { place, run, cancel };
}

/** "You are 3rd in line", live for screen readers, with a Cancel button. */
export function QueueNotice({ place, onCancel }: { place: Waiting; onCancel: () => void }) {
  const { t, lang } = usePrefs();
  return (
    <div data-testid="queue-notice" data-position={place.position} className="flex max-w-full flex-wrap items-center gap-3 rounded-md border border-warn/40 bg-warn/10 px-3 py-2 text-sm">
      <p role="status" aria-live="polite">
        {t('queue.place', { place: lang === 'ko' ? String(place.position) : ordinal(place.position) })}{' '}
        {place.waiting !== null && t('queue.waiting', { waiting: place.waiting })} {t('queue.auto')}
      </p>
      <button type="button" data-testid="queue-cancel" onClick={onCancel} className="rounded-md border border-line px-3 py-1 text-sm hover:bg-raised">
        {t('queue.cancel')}
      </button>
    </div>
  );
}
