// Who is online: a browser (owner id) is online while it holds at least one pier socket
// (a session's events, a terminal, its class feed). Counts in memory; tells listeners when
// an owner goes online or offline, never for the sockets in between.

/** Called when `owner` comes online (`true`) or goes offline (`false`). */
export type PresenceListener = (owner: string, online: boolean) => void;

/** Socket counts per owner. */
export class Presence {
  readonly #open = new Map<string, number>();
  readonly #listeners = new Set<PresenceListener>();
  readonly #onError: (err: unknown) => void;

  /** @param onError gets what a listener threw */
  constructor(onError: (err: unknown) => void = () => {}) {
    this.#onError = onError;
  }

  /** Whether `owner` holds a socket now. */
  isOnline(owner: string): boolean {
    return this.#open.has(owner);
  }

  /** Counts one socket of `owner` open; returns its close (idempotent). */
  opened(owner: string): () => void {
    const n = this.#open.get(owner) ?? 0;
    this.#open.set(owner, n + 1);
    if (n === 0) this.#tell(owner, true);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.#open.get(owner) ?? 1) - 1;
      if (left > 0) this.#open.set(owner, left);
      else {
        this.#open.delete(owner);
        this.#tell(owner, false);
      }
    };
  }

  /** Adds a listener; returns its removal. */
  onChange(listener: PresenceListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #tell(owner: string, online: boolean): void {
    for (const l of [...this.#listeners]) {
      try {
        l(owner, online);
      } catch (err) {
        this.#onError(err);
      }
    }
  }
}
