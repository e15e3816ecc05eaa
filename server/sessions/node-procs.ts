// Host facts about a node that the driver's saved state does not hold: its init's host pid
// (for port detection) and its namespace ids (shown in the UI as `lsns` does). Pids come
// from `driver.list()`, which costs a `runc state` per sandbox, so lookups are batched:
// one list() serves every pid asked for while it runs.
import { readlink } from 'node:fs/promises';
import type { SandboxDriver } from '../../sandbox/index.js';

/** Namespace kinds shown for a node, as `lsns` names them (and /proc/<pid>/ns/ files). */
export const NAMESPACE_KINDS = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'user', 'uts'] as const;
/** How long a sandbox that list() did not show as running is not asked about again (ms). */
export const MISSING_PID_RETRY_MS = 10_000;

/** Parses a /proc/<pid>/ns/<kind> link (`net:[4026532188]`) into its inode number. */
export function parseNamespaceLink(link: string): number | null {
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : null;
}

/** Reads the namespace ids of host process `pid`; kinds that cannot be read are left out. */
export async function readNamespaces(pid: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  await Promise.all(
    NAMESPACE_KINDS.map(async (kind) => {
      const id = parseNamespaceLink(await readlink(`/proc/${pid}/ns/${kind}`).catch(() => ''));
      if (id !== null) out[kind] = id;
    }),
  );
  return out;
}

/** Init pids and namespaces of sandboxes, cached; `forget` when a sandbox goes. */
export class NodeProcs {
  readonly #driver: SandboxDriver;
  readonly #pids = new Map<string, number>();
  readonly #namespaces = new Map<string, Record<string, number>>();
  /** When a sandbox was last missing from list() (ms), to avoid asking every second. */
  readonly #missing = new Map<string, number>();
  #listing: Promise<void> | null = null;
  /** Refreshes asked for, and the highest one a finished list() answered. */
  #asks = 0;
  #served = 0;

  constructor(driver: SandboxDriver) {
    this.#driver = driver;
  }

  /** Records pids already known (from a list() the caller made anyway). */
  learn(listing: readonly { id: string; status: string; pid: number | null }[]): void {
    for (const s of listing) if (s.status === 'running' && s.pid !== null) this.#pids.set(s.id, s.pid);
  }

  /** The cached pid of a sandbox, or null without asking. */
  cachedPid(sandboxId: string): number | null {
    return this.#pids.get(sandboxId) ?? null;
  }

  /** The cached namespaces of a sandbox ({} when not read yet). */
  cachedNamespaces(sandboxId: string): Record<string, number> {
    return this.#namespaces.get(sandboxId) ?? {};
  }

  /** The init pid of a running sandbox; null when it is not running (or recently was not). */
  async pid(sandboxId: string): Promise<number | null> {
    const known = this.#pids.get(sandboxId);
    if (known !== undefined) return known;
    const missingSince = this.#missing.get(sandboxId);
    if (missingSince !== undefined && Date.now() - missingSince < MISSING_PID_RETRY_MS) return null;
    await this.#refresh();
    const found = this.#pids.get(sandboxId);
    if (found === undefined) this.#missing.set(sandboxId, Date.now());
    return found ?? null;
  }

  /** The namespaces of a running sandbox, read once and cached. */
  async namespaces(sandboxId: string): Promise<Record<string, number>> {
    const cached = this.#namespaces.get(sandboxId);
    if (cached) return cached;
    const pid = await this.pid(sandboxId);
    if (pid === null) return {};
    const ns = await readNamespaces(pid);
    if (Object.keys(ns).length > 0) this.#namespaces.set(sandboxId, ns);
    return ns;
  }

  /** Forgets a sandbox (destroyed, or its init died). */
  forget(sandboxId: string): void {
    this.#pids.delete(sandboxId);
    this.#namespaces.delete(sandboxId);
    this.#missing.delete(sandboxId);
  }

  /**
   * Runs list() so that it starts after this call: a list() already running may predate a
   * sandbox just created. Callers arriving while one runs share the next one.
   */
  async #refresh(): Promise<void> {
    const asked = ++this.#asks;
    while (this.#served < asked) {
      if (this.#listing === null) {
        const upTo = this.#asks;
        this.#listing = (async () => {
          try {
            this.learn(await this.#driver.list());
          } catch {
            // Pids stay unknown: ports and namespaces are best-effort extras of the view.
          } finally {
            this.#served = Math.max(this.#served, upTo);
            this.#listing = null;
          }
        })();
      }
      await this.#listing;
    }
  }
}
