// The sessions and terminals `pier bench terminal` drives over a server's JSON API and
// terminal sockets, each session with its own owner cookie (its own "browser"), and the
// one list of everything it created, so that all of it is ended however the run stops.
import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionView, TerminalView } from '../../protocol/http.js';
import { ApiClient } from '../client/api-client.js';
import { TerminalConnection, type TerminalSize } from '../client/terminal-connection.js';
import { OutputTail } from './terminal-output.js';

/** Size every bench terminal says in its hello: the pty's own size, so nothing is redrawn. */
export const BENCH_TERMINAL_SIZE: TerminalSize = { cols: 80, rows: 24 };
/** How long a terminal may take to attach (socket open → ready) (ms). */
export const ATTACH_TIMEOUT_MS = 15_000;
/** How long a fresh shell may take to print its prompt (ms). */
export const PROMPT_TIMEOUT_MS = 15_000;
/** How long creation may keep waiting out the server's rate limit, in all (ms). */
export const RATE_LIMIT_PATIENCE_MS = 120_000;
/** Sessions created, or ended, at once. */
export const SESSION_CONCURRENCY = 4;

/** A session the bench created, with the browser that owns it. */
export interface BenchSession {
  client: ApiClient;
  view: SessionView;
}

/** What a BenchTerminal waits for: a predicate over each OUTPUT frame. */
interface Watcher {
  match: (bytes: Uint8Array, at: number) => boolean;
  done: (at: number) => void;
  fail: (err: Error) => void;
}

/**
 * A terminal socket watched frame by frame: `watch` registers a predicate seen with each
 * OUTPUT frame (after its bytes were counted and kept in `tail`) and its arrival time.
 * Times are performance.now() at the frame's arrival.
 */
export class BenchTerminal {
  readonly conn: TerminalConnection;
  readonly tail = new OutputTail();
  /** OUTPUT bytes received since the socket opened. */
  received = 0;
  /** When `ready` arrived. */
  readyAt: number | null = null;
  /** When the output first ended with a prompt. */
  firstPromptAt: number | null = null;
  #watcher: Watcher | null = null;
  readonly #signal: AbortSignal;

  private constructor(conn: TerminalConnection, signal: AbortSignal) {
    this.conn = conn;
    this.#signal = signal;
    conn.onOutput = (bytes) => this.#connOnOutput(bytes);
    conn.onControl = (m) => {
      if (m.type === 'ready') this.readyAt ??= performance.now();
    };
    void conn.closed.then(({ code }) => this.#watcher?.fail(new Error(`terminal socket closed (${code})`)));
  }

  /** Opens terminal `id` as `client` and waits for `ready`. */
  static async open(client: ApiClient, id: string, signal: AbortSignal): Promise<BenchTerminal> {
    const conn = await TerminalConnection.connect(client.wsUrl(`/ws/terminals/${id}`), { headers: client.upgradeHeaders() });
    const term = new BenchTerminal(conn, signal);
    try {
      await conn.hello(BENCH_TERMINAL_SIZE, undefined, ATTACH_TIMEOUT_MS);
    } catch (err) {
      conn.ws.terminate();
      throw err;
    }
    return term;
  }

  /**
   * Resolves with the arrival time of the first OUTPUT frame, from the next one on, for
   * which `match` is true; rejects after `timeoutMs`, when the socket closes, on abort.
   */
  watch(match: (bytes: Uint8Array, at: number) => boolean, timeoutMs: number, what: string): Promise<number> {
    if (this.#watcher) throw new Error('one watch at a time');
    if (this.conn.closeCode !== null) return Promise.reject(new Error(`terminal socket closed (${this.conn.closeCode})`));
    const signal = this.#signal;
    return new Promise<number>((resolve, reject) => {
      const finish = (err: Error | null, at = 0): void => {
        if (this.#watcher !== watcher) return;
        this.#watcher = null;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(at);
      };
      const watcher: Watcher = { match, done: (at) => finish(null, at), fail: (err) => finish(err) };
      const onAbort = (): void => finish(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      const timer = setTimeout(() => finish(new Error(`no ${what} within ${timeoutMs} ms; the terminal shows …${JSON.stringify(this.tail.text.slice(-120))}`)), timeoutMs);
      this.#watcher = watcher;
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Resolves with the time the output first ended with a prompt (waiting for it if need be). */
  async firstPrompt(timeoutMs = PROMPT_TIMEOUT_MS): Promise<number> {
    return this.firstPromptAt ?? this.watch(() => this.firstPromptAt !== null, timeoutMs, 'first prompt');
  }

  /** Types `line` and Enter, and waits for the prompt that follows. */
  async run(line: string, timeoutMs: number): Promise<void> {
    const done = this.watch(() => this.tail.endsWithPrompt(), timeoutMs, `the prompt after \`${line}\``);
    this.conn.input(`${line}\r`);
    await done;
  }

  #connOnOutput(bytes: Uint8Array): void {
    const at = performance.now();
    this.received += bytes.length;
    this.tail.push(bytes);
    if (this.firstPromptAt === null && this.tail.endsWithPrompt()) this.firstPromptAt = at;
    const w = this.#watcher;
    if (w && w.match(bytes, at)) w.done(at);
  }
}

/**
 * Everything one bench run created on a server: sessions (one owner cookie each) and open
 * terminal sockets. `endAll` ends them through the API.
 */
export class Fleet {
  readonly base: string;
  readonly signal: AbortSignal;
  readonly #log: (line: string) => void;
  /** Sessions created and not yet ended, by id. */
  readonly sessions = new Map<string, BenchSession>();
  /** Ids of every session created, ended or not. */
  readonly created = new Set<string>();
  readonly #terminals = new Set<BenchTerminal>();
  /** Creations answered 429 RATE_LIMITED and tried again after Retry-After. */
  rateLimited = 0;

  constructor(base: string, signal: AbortSignal, log: (line: string) => void) {
    this.base = base;
    this.signal = signal;
    this.#log = log;
  }

  /**
   * Creates a session as a new browser. A 429 RATE_LIMITED is waited out (Retry-After)
   * before trying again; `onAttempt` is called right before each POST, so callers timing
   * the creation start their clock there.
   */
  async createSession(onAttempt: () => void = () => {}): Promise<BenchSession> {
    const client = new ApiClient(this.base);
    const giveUpAt = Date.now() + RATE_LIMIT_PATIENCE_MS;
    for (;;) {
      this.signal.throwIfAborted();
      onAttempt();
      const r = await client.call<SessionView>('POST', '/api/sessions', {});
      if (r.status === 201) {
        const session = { client, view: r.body };
        this.sessions.set(r.body.id, session);
        this.created.add(r.body.id);
        return session;
      }
      const code = (r.body as { error?: { code?: string } } | undefined)?.error?.code;
      if (r.status !== 429 || code !== 'RATE_LIMITED' || Date.now() > giveUpAt) {
        throw new Error(`POST /api/sessions answered ${r.status} ${code ?? ''}: ${JSON.stringify(r.body).slice(0, 300)}`);
      }
      const waitMs = Math.max(100, Number(r.headers.get('retry-after') ?? '1') * 1000);
      this.rateLimited++;
      await sleep(waitMs, undefined, { signal: this.signal });
    }
  }

  /** Opens another terminal tab on node1 of `session`. */
  async addTerminal(session: BenchSession): Promise<TerminalView> {
    const r = await session.client.call<TerminalView>('POST', `/api/sessions/${session.view.id}/nodes/node1/terminals`, {});
    if (r.status !== 201) throw new Error(`new terminal answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body;
  }

  /** Attaches terminal `id` of `session` and waits for its first prompt. */
  async attach(session: BenchSession, id: string): Promise<BenchTerminal> {
    const term = await BenchTerminal.open(session.client, id, this.signal);
    this.#terminals.add(term);
    await term.firstPrompt();
    return term;
  }

  /**
   * Sessions holding `terminals` terminals in all, `perSession` each (the last one fewer),
   * every one attached and at its prompt.
   */
  async build(terminals: number, perSession: number): Promise<BenchTerminal[]> {
    const sizes = fleetPlan(terminals, perSession);
    const sessions = await inBatches(sizes, SESSION_CONCURRENCY, async (size) => {
      const s = await this.createSession();
      const ids = [s.view.nodes[0]!.terminals[0]!.id];
      for (let i = 1; i < size; i++) ids.push((await this.addTerminal(s)).id);
      return { s, ids };
    });
    this.#log(`  ${sessions.length} sessions created; attaching ${terminals} terminals`);
    const pairs = sessions.flatMap(({ s, ids }) => ids.map((id) => ({ s, id })));
    return inBatches(pairs, 2 * SESSION_CONCURRENCY, ({ s, id }) => this.attach(s, id));
  }

  /** Closes `term`'s socket (its shell lives on until the session ends). */
  async detach(term: BenchTerminal): Promise<void> {
    this.#terminals.delete(term);
    await term.conn.close();
  }

  /** Ends `session` through the API (DELETE), after closing its sockets. */
  async end(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session) return;
    const r = await session.client.call('DELETE', `/api/sessions/${id}`);
    if (r.status !== 204 && r.status !== 404) throw new Error(`DELETE session answered ${r.status}: ${JSON.stringify(r.body).slice(0, 200)}`);
    this.sessions.delete(id);
  }

  /**
   * Closes every socket and ends every session still live through the API, a few at a
   * time. Never throws: returns the ids it could not end.
   */
  async endAll(): Promise<string[]> {
    await Promise.all([...this.#terminals].map((t) => t.conn.close().catch(() => t.conn.ws.terminate())));
    this.#terminals.clear();
    const failed: string[] = [];
    await inBatches([...this.sessions.keys()], SESSION_CONCURRENCY, (id) =>
      this.end(id).catch((err: unknown) => {
        failed.push(id);
        this.#log(`  could not end session ${id}: ${(err as Error).message}`);
      }),
    );
    return failed;
  }
}

/** Terminals per session for `terminals` in all, `perSession` each: 7, 5 → [5, 2]. */
export function fleetPlan(terminals: number, perSession: number): number[] {
  const sizes: number[] = [];
  for (let left = terminals; left > 0; left -= perSession) sizes.push(Math.min(perSession, left));
  return sizes;
}

/**
 * Maps `items` through `fn`, at most `concurrency` at a time, keeping their order. After a
 * failure no new item starts; it rejects with the first error once the items under way
 * have settled (so nothing they create escapes a clean-up that follows).
 */
export async function inBatches<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== null) throw (failure as { err: unknown }).err;
  return out;
}
