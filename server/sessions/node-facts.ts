// Facts of a node that the view shows but the saved state does not hold: its namespace ids
// (as `lsns` shows them), asked of the driver once per sandbox and cached so the session
// view stays synchronous. Everything host-side (pids, /proc) stays behind the driver.
import type { SandboxDriver } from '../../sandbox/index.js';

/** Namespace ids of sandboxes, cached; `forget` when a sandbox goes. */
export class NodeFacts {
  readonly #driver: SandboxDriver;
  readonly #namespaces = new Map<string, Record<string, number>>();
  readonly #pending = new Map<string, Promise<Record<string, number>>>();

  constructor(driver: SandboxDriver) {
    this.#driver = driver;
  }

  /** The cached namespaces of a sandbox ({} when not read yet). */
  cachedNamespaces(sandboxId: string): Record<string, number> {
    return this.#namespaces.get(sandboxId) ?? {};
  }

  /** The namespaces of a running sandbox, asked once (concurrent callers share the ask). */
  async namespaces(sandboxId: string): Promise<Record<string, number>> {
    const cached = this.#namespaces.get(sandboxId);
    if (cached) return cached;
    let pending = this.#pending.get(sandboxId);
    if (pending === undefined) {
      // Best-effort extras of the view: a failed read shows no namespaces and asks again later.
      pending = this.#driver.namespaces(sandboxId).catch(() => ({}));
      this.#pending.set(sandboxId, pending);
    }
    const ns = await pending;
    if (this.#pending.get(sandboxId) === pending) {
      this.#pending.delete(sandboxId);
      if (Object.keys(ns).length > 0) this.#namespaces.set(sandboxId, ns);
    }
    return ns;
  }

  /** Forgets a sandbox (destroyed, or its init died). */
  forget(sandboxId: string): void {
    this.#namespaces.delete(sandboxId);
    this.#pending.delete(sandboxId);
  }
}
