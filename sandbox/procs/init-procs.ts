// Host facts of running sandboxes that only a driver holds: each one's init pid, its
// namespace ids, and the TCP ports listening in its network namespace. The pid is resolved
// once per sandbox (the driver's own lookup, e.g. `runc state`), then checked on every use
// against the network namespace first seen: a pid reused by another process after the init
// died must never show that process's listeners (or another student's).
import { stat } from 'node:fs/promises';
import { SandboxError } from '../errors.js';
import { readNamespaces } from './namespaces.js';
import { listeningPortsOfPid, type ListeningPort } from './ports.js';

/** What is cached per sandbox: its init pid and the namespaces read from it. */
interface InitFacts {
  pid: number;
  namespaces: Record<string, number>;
}

/** Resolves and caches init pids; `forget` when a sandbox goes. */
export class InitProcs {
  readonly #lookup: (id: string) => Promise<number | null>;
  readonly #facts = new Map<string, InitFacts>();
  readonly #pending = new Map<string, Promise<InitFacts | null>>();

  /** @param lookup the init pid of a running sandbox, null when it does not run */
  constructor(lookup: (id: string) => Promise<number | null>) {
    this.#lookup = lookup;
  }

  /** Records a pid the driver learned anyway (at create: runc's pid file). */
  learn(id: string, pid: number): void {
    this.#facts.delete(id);
    this.#pending.set(id, this.#read(id, pid));
  }

  /** Forgets sandbox `id` (destroyed, or its init died). */
  forget(id: string): void {
    this.#facts.delete(id);
    this.#pending.delete(id);
  }

  /** The namespace ids of sandbox `id`'s init; {} when it does not run. */
  async namespaces(id: string): Promise<Record<string, number>> {
    return (await this.#current(id))?.namespaces ?? {};
  }

  /**
   * The TCP listeners in sandbox `id`'s network namespace.
   * @throws SandboxError SANDBOX_NOT_RUNNING (no init), PORTS_UNAVAILABLE (the read failed)
   */
  async listeningPorts(id: string): Promise<ListeningPort[]> {
    const facts = await this.#current(id);
    if (facts === null) throw new SandboxError('SANDBOX_NOT_RUNNING', `sandbox ${id} has no init process`);
    try {
      return await listeningPortsOfPid(facts.pid);
    } catch (err) {
      this.forget(id);
      throw err;
    }
  }

  /** The cached facts of `id` when its pid still holds the same network namespace. */
  async #current(id: string): Promise<InitFacts | null> {
    let facts = this.#facts.get(id) ?? null;
    if (facts !== null && !(await sameNetwork(facts))) {
      this.forget(id);
      facts = null;
    }
    if (facts !== null) return facts;
    let pending = this.#pending.get(id);
    if (pending === undefined) {
      pending = this.#lookup(id).then((pid) => (pid === null ? null : this.#read(id, pid)));
      this.#pending.set(id, pending);
    }
    try {
      const found = await pending;
      if (this.#pending.get(id) === pending) {
        this.#pending.delete(id);
        if (found !== null) this.#facts.set(id, found);
      }
      return found;
    } catch {
      if (this.#pending.get(id) === pending) this.#pending.delete(id);
      return null;
    }
  }

  async #read(_id: string, pid: number): Promise<InitFacts | null> {
    const namespaces = await readNamespaces(pid);
    return namespaces.net === undefined ? null : { pid, namespaces };
  }
}

/** Whether `facts.pid` still lives in the network namespace first read from it. */
async function sameNetwork(facts: InitFacts): Promise<boolean> {
  try {
    return (await stat(`/proc/${facts.pid}/ns/net`)).ino === facts.namespaces.net;
  } catch {
    return false;
  }
}
