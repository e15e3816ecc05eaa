// Listeners of each session's live events: the session core publishes, the events sockets
// subscribe. A listener that throws is logged and the others still hear the event.
import type { Logger } from 'pino';
import type { SessionEvent } from '../../protocol/http.js';

/** Receives one session's live events. */
export type SessionListener = (event: SessionEvent) => void;

/** Listeners by session id. */
export class SessionEventBus {
  readonly #listeners = new Map<string, Set<SessionListener>>();
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Adds a listener of `sessionId`; returns its removal. */
  add(sessionId: string, listener: SessionListener): () => void {
    let set = this.#listeners.get(sessionId);
    if (!set) this.#listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.#listeners.get(sessionId);
      current?.delete(listener);
      if (current?.size === 0) this.#listeners.delete(sessionId);
    };
  }

  /** Whether anyone listens to `sessionId`. */
  has(sessionId: string): boolean {
    return this.#listeners.has(sessionId);
  }

  /** Sends `event` to every listener of `sessionId`. */
  emit(sessionId: string, event: SessionEvent): void {
    const set = this.#listeners.get(sessionId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (err) {
        this.#log.error({ err, session: sessionId }, 'session listener threw');
      }
    }
  }

  /** Forgets the listeners of one session, or of all. */
  clear(sessionId?: string): void {
    if (sessionId === undefined) this.#listeners.clear();
    else this.#listeners.delete(sessionId);
  }
}
