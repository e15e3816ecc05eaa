// Which staff watch or type in which session's terminals: one entry per staff socket, and
// the session's list (protocol/http.ts Watcher) whenever it changes, so the student's page
// can show who is there — an empty list when the last one leaves.
import type { Watcher } from '../../../protocol/http.js';

/** Called with a session's current watchers after every change. */
export type WatchersListener = (sessionId: string, watchers: Watcher[]) => void;

/** The staff sockets on students' terminals. */
export class WatcherRegistry {
  readonly #bySession = new Map<string, Map<symbol, Watcher>>();
  readonly #listener: WatchersListener;

  constructor(listener: WatchersListener) {
    this.#listener = listener;
  }

  /** Adds a staff socket on a terminal of `sessionId`; returns its removal (idempotent). */
  add(sessionId: string, watcher: Watcher): () => void {
    const key = Symbol(watcher.name);
    let entries = this.#bySession.get(sessionId);
    if (!entries) this.#bySession.set(sessionId, (entries = new Map()));
    entries.set(key, { ...watcher });
    this.#listener(sessionId, this.of(sessionId));
    return () => {
      const current = this.#bySession.get(sessionId);
      if (!current?.delete(key)) return;
      if (current.size === 0) this.#bySession.delete(sessionId);
      this.#listener(sessionId, this.of(sessionId));
    };
  }

  /**
   * The watchers of a session: one per staff name, terminal and mode (two tabs of the same
   * instructor on one terminal show once), `join` before `watch`.
   */
  of(sessionId: string): Watcher[] {
    const seen = new Map<string, Watcher>();
    for (const w of this.#bySession.get(sessionId)?.values() ?? []) seen.set(`${w.name}\0${w.terminalId}\0${w.mode}`, w);
    return [...seen.values()].sort((a, b) => (a.mode === b.mode ? a.name.localeCompare(b.name) : a.mode === 'join' ? -1 : 1));
  }
}
