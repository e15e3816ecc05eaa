// A cap on the WebSockets one owner (browser cookie) holds open at once (docs/SECURITY.md attack
// 39): a client that opens sockets in a loop gets 429 once it holds `max`, while every other
// owner is unaffected. Slots are taken before the upgrade completes and given back when the
// socket closes or the upgrade is refused, exactly once.

/** Counts open sockets per owner. */
export class OwnerSocketCounter {
  readonly #max: number;
  readonly #open = new Map<string, number>();

  /** @param max sockets one owner may hold open at once (≥ 1) */
  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    this.#max = max;
  }

  /**
   * Takes a slot for `owner`.
   * @returns a release function (idempotent), or null when the owner already holds `max`
   */
  tryOpen(owner: string): (() => void) | null {
    const n = this.#open.get(owner) ?? 0;
    if (n >= this.#max) return null;
    this.#open.set(owner, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#open.get(owner) ?? 1) - 1;
      if (left <= 0) this.#open.delete(owner);
      else this.#open.set(owner, left);
    };
  }

  /** Sockets `owner` holds open now. */
  count(owner: string): number {
    return this.#open.get(owner) ?? 0;
  }

  /** Owners holding at least one socket. */
  get owners(): number {
    return this.#open.size;
  }
}
