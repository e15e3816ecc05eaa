// The live terminals of the server, by terminal id: each holds one pty inside a node. A
// terminal is opened on first attach (lazily: a saved tab costs nothing until it is
// looked at) and opened again when its pty has died, e.g. after a server restart.
import type { SandboxTty } from '../../sandbox/index.js';

/** Facts about a terminal the backend may use (titles, logs). */
export interface TerminalMeta {
  id: string;
  sessionId: string;
  node: string;
  title: string;
  /** Size the pty was spawned with (columns, rows). */
  size: { cols: number; rows: number };
}

/** Why a live terminal is closed by the server. */
export type TerminalCloseReason = 'closed' | 'reset' | 'ended' | 'shutdown';

/** How the pool opens and closes the terminal objects it keeps ([sshx]: a thin layer). */
export interface TerminalBackend<T> {
  /** Wraps a fresh pty; the terminal owns it from now on. */
  open(pty: SandboxTty, meta: TerminalMeta): T;
  /** Kills the terminal's pty and tells attached sockets why. Idempotent. */
  close(terminal: T, reason: TerminalCloseReason): void;
  /** Whether the terminal's pty has exited (then the next attach opens a new one). */
  exited(terminal: T): boolean;
}

/** The server's live terminals. */
export class TerminalPool<T> {
  readonly #backend: TerminalBackend<T>;
  readonly #live = new Map<string, T>();
  readonly #opening = new Map<string, Promise<T>>();

  constructor(backend: TerminalBackend<T>) {
    this.#backend = backend;
  }

  /** The live terminal of `id`, if it is open and its pty alive. */
  get(id: string): T | undefined {
    const t = this.#live.get(id);
    return t !== undefined && !this.#backend.exited(t) ? t : undefined;
  }

  /**
   * The live terminal of `id`, opening it with a pty from `spawn` when it is not open or
   * its pty has exited. Concurrent calls for one id share one spawn.
   */
  async ensure(meta: TerminalMeta, spawn: () => Promise<SandboxTty>): Promise<T> {
    const live = this.get(meta.id);
    if (live !== undefined) return live;
    const pending = this.#opening.get(meta.id);
    if (pending) return pending;
    const opening = (async () => {
      const old = this.#live.get(meta.id);
      if (old !== undefined) this.#backend.close(old, 'closed');
      const terminal = this.#backend.open(await spawn(), meta);
      this.#live.set(meta.id, terminal);
      return terminal;
    })();
    this.#opening.set(meta.id, opening);
    try {
      return await opening;
    } finally {
      this.#opening.delete(meta.id);
    }
  }

  /** Closes terminal `id` if it is open. */
  close(id: string, reason: TerminalCloseReason): void {
    const t = this.#live.get(id);
    if (t === undefined) return;
    this.#live.delete(id);
    this.#backend.close(t, reason);
  }

  /** Closes every open terminal (server shutdown). */
  closeAll(reason: TerminalCloseReason): void {
    for (const id of [...this.#live.keys()]) this.close(id, reason);
  }

  /** Number of open terminals. */
  get size(): number {
    return this.#live.size;
  }
}
