// A capacity-aware queue of browsers waiting to start a session while the host is full.
// First come, first served: when a place frees up, the browser at the head may start; a
// newcomer may not jump ahead while anyone waits. A waiter keeps its place by asking again
// (the page retries); one that stops asking for `holdMs` loses it. Knows nothing of HTTP:
// `hasRoom` is the host's capacity as readiness sees it, built on the session manager's
// public counts.

/** What the queue answers an owner. */
export type Turn = { go: true } | { go: false; position: number; waiting: number };

/** How to build a queue. */
export interface QueueOptions {
  /** Whether one more session fits now (sessions below maxSessions, memory and disk above the reserve). */
  hasRoom: () => boolean;
  /** How long a waiter keeps its place without asking again (ms). */
  holdMs?: number;
  now?: () => number;
}

/**
 * Default place-holding time: three of the page's 5 s retries. Short, because a page that
 * was closed holds up everyone behind it until its place lapses.
 */
export const QUEUE_HOLD_MS = 15_000;

/** English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** The queue. */
export class SessionQueue {
  readonly #hasRoom: () => boolean;
  readonly #holdMs: number;
  readonly #now: () => number;
  /** Owner → when it last asked; Map order is arrival order. */
  readonly #waiting = new Map<string, number>();

  constructor(o: QueueOptions) {
    this.#hasRoom = o.hasRoom;
    this.#holdMs = o.holdMs ?? QUEUE_HOLD_MS;
    this.#now = o.now ?? Date.now;
  }

  /** Waiters now (after dropping those that stopped asking). */
  get length(): number {
    this.#expire();
    return this.#waiting.size;
  }

  /** `owner`'s 1-based place, or null when it does not wait. */
  position(owner: string): number | null {
    this.#expire();
    let i = 1;
    for (const o of this.#waiting.keys()) {
      if (o === owner) return i;
      i++;
    }
    return null;
  }

  /**
   * Asks for `owner`'s turn: go when there is room and nobody waits ahead; otherwise it
   * joins (or keeps its place at) the end of the line and hears its position.
   */
  ask(owner: string): Turn {
    this.#expire();
    const ahead = this.position(owner);
    if (this.#hasRoom() && (ahead === null ? this.#waiting.size === 0 : ahead === 1)) return { go: true };
    if (ahead === null) this.#waiting.set(owner, this.#now());
    else this.#waiting.set(owner, this.#now()); // refresh: Map.set keeps the place
    return { go: false, position: this.position(owner)!, waiting: this.#waiting.size };
  }

  /** `owner` started its session (or gave up): it leaves the line. */
  leave(owner: string): void {
    this.#waiting.delete(owner);
  }

  #expire(): void {
    const cutoff = this.#now() - this.#holdMs;
    for (const [o, at] of this.#waiting) if (at < cutoff) this.#waiting.delete(o);
  }
}
