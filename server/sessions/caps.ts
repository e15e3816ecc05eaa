// Admission of new sessions: the server's, the owner's (or the class's) and the client
// address's caps, with creations in flight counted against them. The host's own check
// (memory and disk, HOST_BUSY) is admission.ts; this module counts sessions.
import { ServerError } from '../errors.js';
import type { ClassSessionPlan } from '../classroom/classes.js';
import type { Session } from './session.js';
import type { SessionPolicy } from './policy.js';

/** Seconds a client is told to wait when the server is full. */
export const SERVER_FULL_RETRY_S = 60;

/** Counts live and starting sessions per owner, class and address, and admits new ones. */
export class SessionCaps {
  readonly #sessions: ReadonlyMap<string, Session>;
  readonly #policy: SessionPolicy;
  /** Creations in flight, per owner (they count against the caps). */
  readonly #creating = new Map<string, number>();
  /** Client address of each free playground (class sessions have none), for maxSessionsPerAddress. */
  readonly #addressOf = new Map<string, string>();
  /** Free playground creations in flight, per client address. */
  readonly #creatingFrom = new Map<string, number>();

  constructor(sessions: ReadonlyMap<string, Session>, policy: SessionPolicy) {
    this.#sessions = sessions;
    this.#policy = policy;
  }

  /**
   * Live sessions of `owner` that count against a cap: free playgrounds (`classId` null,
   * the anonymous maxSessionsPerOwner), or one class's sessions (its maxSessionsPerStudent).
   */
  countFor(owner: string, classId: string | null = null): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.owner === owner && !s.ended && s.classId === classId) n++;
    return n;
  }

  /** Live free playgrounds started from client `address` (class sessions do not count). */
  countFromAddress(address: string): number {
    let n = 0;
    for (const [id, a] of this.#addressOf) if (a === address && this.#sessions.get(id)?.ended === false) n++;
    return n;
  }

  /**
   * Admits one creation or throws; the caller runs `start` and the slot is released when
   * it settles. A free playground's address is remembered for the session `start` made.
   * @throws ServerError SERVER_FULL (503), TOO_MANY_SESSIONS, TOO_MANY_SESSIONS_FROM_ADDRESS (429)
   */
  async admit<V extends { id: string }>(owner: string, plan: ClassSessionPlan | null, clientAddress: string | null, hostCheck: () => void, start: () => Promise<V>): Promise<V> {
    const creating = [...this.#creating.values()].reduce((a, b) => a + b, 0);
    if (this.#sessions.size + creating >= this.#policy.maxSessions) {
      throw new ServerError('SERVER_FULL', `${this.#sessions.size} live and ${creating} starting sessions (max ${this.#policy.maxSessions})`, {
        retryAfterSeconds: SERVER_FULL_RETRY_S,
      });
    }
    // A class session counts against its class's cap for the student, a free one against
    // the anonymous cap per browser; creations in flight count too (keyed the same way).
    const key = plan === null ? owner : `${owner}\n${plan.classId}`;
    const cap = plan === null ? this.#policy.maxSessionsPerOwner : plan.maxSessions;
    const live = this.countFor(owner, plan?.classId ?? null);
    if (live + (this.#creating.get(key) ?? 0) >= cap) {
      throw new ServerError('TOO_MANY_SESSIONS', `owner has ${live} live sessions${plan ? ` in class ${plan.classId}` : ''} (max ${cap})`);
    }
    // Fresh cookies from one address do not bypass the per-browser cap: free playgrounds
    // count per client address too (a class's sessions are bounded by the class instead).
    const address = plan === null ? clientAddress : null;
    if (address !== null) {
      const fromAddress = this.countFromAddress(address) + (this.#creatingFrom.get(address) ?? 0);
      if (fromAddress >= this.#policy.maxSessionsPerAddress) {
        throw new ServerError('TOO_MANY_SESSIONS_FROM_ADDRESS', `${fromAddress} free playgrounds from ${address} (max ${this.#policy.maxSessionsPerAddress})`);
      }
    }
    hostCheck();
    bump(this.#creating, key, 1);
    if (address !== null) bump(this.#creatingFrom, address, 1);
    try {
      const view = await start();
      if (address !== null) this.#addressOf.set(view.id, address);
      return view;
    } finally {
      bump(this.#creating, key, -1);
      if (address !== null) bump(this.#creatingFrom, address, -1);
    }
  }

  /** Forgets an ended session's address. */
  forget(sessionId: string): void {
    this.#addressOf.delete(sessionId);
  }
}

/** Adds `by` to a counter of `map`, dropping the key at zero. */
function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
