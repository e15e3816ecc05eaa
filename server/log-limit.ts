// Logs an attacker cannot inflate (issue 11 point 5, docs/SECURITY.md attack 44): every
// client-supplied value is clipped before it is logged, and refusals that a client can
// repeat at will are rate-limited per kind, with one summary line per interval for the rest.
//
// The bound this gives: a refusal kind writes at most REFUSALS_LOGGED_PER_INTERVAL lines of
// at most ~1 KB (fields clipped to LOGGED_VALUE_MAX_CHARS) plus one summary line per
// REFUSAL_LOG_INTERVAL_MS, whatever the rate and size of the requests: < 1 KB/s per kind.

/** Longest client-supplied string logged (characters); the rest is replaced by a count. */
export const LOGGED_VALUE_MAX_CHARS = 200;
/** Refusals of one kind logged in full per interval; the rest are counted. */
export const REFUSALS_LOGGED_PER_INTERVAL = 5;
/** Length of a rate-limit interval (ms). */
export const REFUSAL_LOG_INTERVAL_MS = 10_000;

/**
 * `value` as it may be logged: strings over `max` characters are cut and say how much was
 * cut; arrays (repeated headers) are joined first; undefined stays undefined.
 */
export function clipForLog(value: unknown, max: number = LOGGED_VALUE_MAX_CHARS): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = Array.isArray(value) ? value.join(', ') : String(value);
  return text.length <= max ? text : `${text.slice(0, max)}…(+${text.length - max} chars)`;
}

/** The logger shape the limiter writes to (pino's `(fields, message)`). */
export interface WarnLog {
  warn(fields: object, message: string): void;
}

/**
 * A rate limit for one server's refusal logs. `refused(kind, fields)` logs the first
 * REFUSALS_LOGGED_PER_INTERVAL refusals of `kind` in each interval as `kind` with `fields`
 * (whose strings it clips); the others are counted, and when the interval ends one line
 * says how many were left out.
 */
export class RefusalLog {
  readonly #log: WarnLog;
  readonly #perInterval: number;
  readonly #intervalMs: number;
  readonly #kinds = new Map<string, { logged: number; suppressed: number; timer: NodeJS.Timeout }>();

  constructor(log: WarnLog, options: { perInterval?: number; intervalMs?: number } = {}) {
    this.#log = log;
    this.#perInterval = options.perInterval ?? REFUSALS_LOGGED_PER_INTERVAL;
    this.#intervalMs = options.intervalMs ?? REFUSAL_LOG_INTERVAL_MS;
  }

  /** Logs (or counts) one refusal of `kind`; `fields` values that are strings are clipped. */
  refused(kind: string, fields: Record<string, unknown>): void {
    let k = this.#kinds.get(kind);
    if (!k) {
      const timer = setTimeout(() => this.#endInterval(kind), this.#intervalMs);
      timer.unref();
      k = { logged: 0, suppressed: 0, timer };
      this.#kinds.set(kind, k);
    }
    if (k.logged >= this.#perInterval) {
      k.suppressed++;
      return;
    }
    k.logged++;
    this.#log.warn(clipFields(fields), kind);
  }

  /** Stops the timers (a closing server); counts not yet summarised are dropped. */
  dispose(): void {
    for (const k of this.#kinds.values()) clearTimeout(k.timer);
    this.#kinds.clear();
  }

  #endInterval(kind: string): void {
    const k = this.#kinds.get(kind);
    this.#kinds.delete(kind);
    if (k && k.suppressed > 0) {
      this.#log.warn({ suppressed: k.suppressed, intervalMs: this.#intervalMs }, `${kind} (${k.suppressed} more not logged)`);
    }
  }
}

/** `fields` with every string value clipped (one level deep: log fields are flat). */
export function clipFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) out[key] = typeof value === 'string' || Array.isArray(value) ? clipForLog(value) : value;
  return out;
}
