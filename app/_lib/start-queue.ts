// Starting a playground while the host is full: the server answers 503 with the place in
// line and a Retry-After; the page shows the place and asks again by itself (asking keeps
// the place) until it gets a session or the student cancels. Pure logic, no React.
import type { ApiFailure, ApiResult } from './api-client';

/** Bounds on the wait between two asks, whatever Retry-After says (seconds). */
const MIN_WAIT_S = 1;
const MAX_WAIT_S = 60;
/** When a queued answer has no Retry-After. */
const DEFAULT_WAIT_S = 5;

/** What to do after a failed start: wait in line and ask again, or stop and show the error. */
export type QueueStep = { kind: 'wait'; position: number; waiting: number | null; delayMs: number } | { kind: 'stop' };

/** The next step after `failure`: only a 503 that carries a place in line waits. */
export function queueStep(failure: ApiFailure): QueueStep {
  if (failure.status !== 503 || failure.queuePosition === undefined) return { kind: 'stop' };
  const seconds = Math.min(MAX_WAIT_S, Math.max(MIN_WAIT_S, failure.retryAfterSeconds ?? DEFAULT_WAIT_S));
  return { kind: 'wait', position: failure.queuePosition, waiting: failure.queueWaiting ?? null, delayMs: seconds * 1000 };
}

/** English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** Waits `ms` unless `signal` aborts first; resolves false when aborted. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `start` until it succeeds, fails for another reason, or `signal` aborts (the
 * student cancelled: `{ cancelled: true }`). Each queued answer is reported by `onQueued`.
 */
export async function startThroughQueue<T>(
  start: () => Promise<ApiResult<T>>,
  o: { signal: AbortSignal; onQueued: (step: Extract<QueueStep, { kind: 'wait' }>) => void; sleep?: (ms: number, signal: AbortSignal) => Promise<boolean> },
): Promise<ApiResult<T> | { cancelled: true }> {
  const sleep = o.sleep ?? abortableSleep;
  for (;;) {
    if (o.signal.aborted) return { cancelled: true };
    const result = await start();
    if (result.ok) return result;
    const step = queueStep(result);
    if (step.kind === 'stop') return result;
    if (o.signal.aborted) return { cancelled: true };
    o.onQueued(step);
    if (!(await sleep(step.delayMs, o.signal))) return { cancelled: true };
  }
}
