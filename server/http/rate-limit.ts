// Token buckets keyed by client: how often a client may do something costly (start a
// session), with a burst allowance. Time comes from an injected clock.

/** Milliseconds since some epoch; `Date.now` in production, a fake in tests. */
export type Now = () => number;

/** Keys kept at most; past this, buckets that are full again are forgotten first. */
export const MAX_TRACKED_KEYS = 10_000;

/** The outcome of asking a limiter. */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * A token bucket per key: `burst` tokens, refilled at `perMinute` per minute. Each allowed
 * call takes one token.
 */
export class TokenBuckets {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: Now;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: { perMinute: number; burst: number; now?: Now }) {
    this.#ratePerMs = options.perMinute / 60_000;
    this.#burst = options.burst;
    this.#now = options.now ?? Date.now;
  }

  /** Tokens `key` has now (fractional). */
  tokens(key: string): number {
    const b = this.#buckets.get(key);
    if (!b) return this.#burst;
    return Math.min(this.#burst, b.tokens + (this.#now() - b.at) * this.#ratePerMs);
  }

  /** Whether `key` may act now, without taking a token; when not, how long until it may. */
  check(key: string): RateDecision {
    const tokens = this.tokens(key);
    if (tokens >= 1) return { ok: true };
    return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.#ratePerMs) };
  }

  /** Takes one token of `key` when it has one. */
  take(key: string): RateDecision {
    const decision = this.check(key);
    if (decision.ok) {
      this.#buckets.set(key, { tokens: this.tokens(key) - 1, at: this.#now() });
      this.#prune();
    }
    return decision;
  }

  /** Number of keys tracked. */
  get size(): number {
    return this.#buckets.size;
  }

  #prune(): void {
    if (this.#buckets.size <= MAX_TRACKED_KEYS) return;
    for (const key of this.#buckets.keys()) {
      if (this.tokens(key) >= this.#burst) this.#buckets.delete(key);
    }
    // Still too many (a flood of distinct keys): drop the oldest, which Map keeps first.
    for (const key of this.#buckets.keys()) {
      if (this.#buckets.size <= MAX_TRACKED_KEYS) break;
      this.#buckets.delete(key);
    }
  }
}

/** Settings of `CreateLimiter` (config `createRate`). */
export interface CreateRate {
  ownerPerMinute: number;
  ownerBurst: number;
  addressPerMinute: number;
  addressBurst: number;
}

/**
 * The session-creation limit: one bucket per owner cookie and one per client address. A
 * client that drops its cookie still meets the address bucket; a classroom behind one NAT
 * address meets only the (larger) address bucket together. A token is taken from both or
 * neither.
 */
export class CreateLimiter {
  readonly #owners: TokenBuckets;
  readonly #addresses: TokenBuckets;

  constructor(rate: CreateRate, now: Now = Date.now) {
    this.#owners = new TokenBuckets({ perMinute: rate.ownerPerMinute, burst: rate.ownerBurst, now });
    this.#addresses = new TokenBuckets({ perMinute: rate.addressPerMinute, burst: rate.addressBurst, now });
  }

  /** Takes a token for `owner` at `address` when both buckets allow it. */
  take(owner: string, address: string): RateDecision {
    const a = this.#owners.check(owner);
    const b = this.#addresses.check(address);
    if (!a.ok || !b.ok) {
      return { ok: false, retryAfterMs: Math.max(a.ok ? 0 : a.retryAfterMs, b.ok ? 0 : b.retryAfterMs) };
    }
    this.#owners.take(owner);
    this.#addresses.take(address);
    return { ok: true };
  }
}
