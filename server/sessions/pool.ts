// The warm pool (issue 17 point 2): ready sandboxes, each on a session network of its own,
// kept per key (limits and outbound policy; the image is the current one), so a Start claims
// one instead of creating it. A claim is synchronous — the entry leaves the ready list before
// any await — so no sandbox is ever handed out twice. Refills run one at a time in the
// background, only while no claim or cold start is under way (the Start in front of a
// student always goes first). Stale entries (another image, other limits, too old) are
// destroyed. Warm sandboxes survive a restart: the next server adopts the fresh ones.
//
//   entry:  creating ──ready──► ready ──claim()──► handed over (the session's)
//                                 │ stale / drain
//                                 ▼
//                              destroyed
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { SandboxDriver, SandboxInfo, SandboxLimits, SandboxListing, SandboxTty, TerminalSize } from '../../sandbox/index.js';
import { POOL_LABEL, SERVER_LABEL, SESSION_LABEL } from './adoption.js';
import { BufferedShell } from './pool-shell.js';

/** Wait after the last claim or cold start before a refill begins (ms): Starts go first. */
export const POOL_REFILL_IDLE_MS = 250;
/** How often the pool looks for stale entries and missing ones (ms). */
export const POOL_CHECK_INTERVAL_MS = 30_000;
/** A warm sandbox older than this is replaced (ms): it would otherwise age on the host forever. */
export const POOL_MAX_AGE_MS = 60 * 60 * 1000;
/** Distinct keys the pool learns from claims beyond its default one. */
export const POOL_MAX_KEYS = 4;
/** Backoff after a failed refill (ms). */
export const POOL_FAILURE_BACKOFF_MS = 10_000;

/** What a warm sandbox is made for. */
export interface PoolKey {
  /** Limits asked for (missing fields: the driver's defaults). */
  limits: Partial<SandboxLimits>;
  outbound: boolean;
}

/** A claimed sandbox: its network becomes the session's, the sandbox its node1. */
export interface WarmSandbox {
  networkId: string;
  sandbox: SandboxInfo;
}

/** How the pool is set up. */
export interface WarmPoolOptions {
  driver: SandboxDriver;
  log: Logger;
  serverId: string;
  /** Ready sandboxes kept per key; 0 disables the pool. */
  size: number;
  /** The key kept ready from the start (the server's default limits, its outbound default). */
  defaultKey: PoolKey;
  /**
   * Names what the driver's defaults were when an entry was made (e.g. the config's limits
   * as JSON): entries adopted after a restart with another fingerprint are stale.
   */
  fingerprint: string;
  /** The current image id (a new build makes every entry stale); absent: not checked. */
  currentImage?: () => Promise<string>;
  /** Pre-spawn the terminal shell of each warm sandbox (`cmd` at `size`); absent: none. */
  shell?: { cmd: string[]; size: TerminalSize };
  /**
   * Checked before each refill (the server's host admission): throws when the host cannot
   * take another sandbox, and the refill waits (POOL_FAILURE_BACKOFF_MS) instead.
   */
  admission?: (nodes: number) => void;
  /** Extra labels of every warm sandbox (the benchmark ties them to its process). */
  labels?: Record<string, string>;
  maxAgeMs?: number;
  refillIdleMs?: number;
  now?: () => number;
}

interface Entry extends WarmSandbox {
  key: string;
  shell: BufferedShell | null;
}

/** The pool; `start` after adoption, `close` at shutdown (entries stay for the next server). */
export class WarmPool {
  readonly #o: WarmPoolOptions;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  /** Pool key string → what to create and the ready entries, oldest first. */
  readonly #keys = new Map<string, { key: PoolKey; ready: Entry[]; lastWanted: number }>();
  /** Shells of claimed sandboxes, until their first terminal takes them. */
  readonly #handed = new Map<string, BufferedShell>();
  #busy = 0;
  #lastBusy = 0;
  #filling: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #interval: NodeJS.Timeout | null = null;
  #backoffUntil = 0;
  #started = false;
  #closed = false;

  constructor(options: WarmPoolOptions) {
    this.#o = options;
    this.#maxAgeMs = options.maxAgeMs ?? POOL_MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
    this.#slot(options.defaultKey);
  }

  /** Ready entries per key string (for tests and the admin's view). */
  get readyCount(): number {
    let n = 0;
    for (const k of this.#keys.values()) n += k.ready.length;
    return n;
  }

  /**
   * Takes a ready sandbox for `key`, or null (then the caller starts cold, and the key is
   * remembered so the pool keeps some of it too). Synchronous: never the same one twice.
   */
  claim(key: PoolKey): WarmSandbox | null {
    if (this.#o.size <= 0 || this.#closed) return null;
    const slot = this.#slot(key);
    slot.lastWanted = this.#now();
    this.#lastBusy = this.#now();
    const fresh = this.#now() - this.#maxAgeMs;
    let entry = slot.ready.shift();
    while (entry && Date.parse(entry.sandbox.createdAt) < fresh) {
      void this.#destroy(entry, 'too old');
      entry = slot.ready.shift();
    }
    this.#schedule();
    if (!entry) return null;
    if (entry.shell) this.#handed.set(entry.sandbox.id, entry.shell);
    return { networkId: entry.networkId, sandbox: entry.sandbox };
  }

  /**
   * Makes a claimed sandbox the session's: its labels name the session and no longer the pool
   * (the session's node row, written before this, already claims it across a crash).
   */
  async handOver(warm: WarmSandbox, sessionId: string): Promise<void> {
    const labels: Record<string, string> = { ...warm.sandbox.labels, [SESSION_LABEL]: sessionId };
    delete labels[POOL_LABEL];
    await this.#o.driver.relabel(warm.sandbox.id, labels);
    warm.sandbox.labels = labels;
  }

  /** The pre-spawned shell of a claimed sandbox, resized to `size`, once; else null. */
  takeShell(sandboxId: string, size: TerminalSize): Promise<SandboxTty> | null {
    const shell = this.#handed.get(sandboxId);
    if (!shell) return null;
    this.#handed.delete(sandboxId);
    const tty = shell.take(size);
    return tty === null ? null : Promise.resolve(tty);
  }

  /** Drops a claimed sandbox's shell (its session runs a lesson's setup first). */
  dropShell(sandboxId: string): void {
    this.#handed.get(sandboxId)?.close();
    this.#handed.delete(sandboxId);
  }

  /** A cold start began (+1) or ended (-1): refills wait while any runs. */
  busy(delta: 1 | -1): void {
    this.#busy += delta;
    this.#lastBusy = this.#now();
    if (this.#busy === 0) this.#schedule();
  }

  /**
   * Takes over warm sandboxes a previous server left (planAdoption's `pooled`): keeps the
   * running ones of a known key, the current image and a young age, up to `size` per key;
   * destroys the rest with their networks.
   */
  async adopt(listing: readonly SandboxListing[]): Promise<{ kept: string[]; destroyed: string[] }> {
    const image = await this.#currentImage();
    const kept: string[] = [];
    const destroyed: string[] = [];
    for (const s of listing) {
      const slot = this.#keys.get(s.labels[POOL_LABEL] ?? '');
      const fresh = Date.parse(s.createdAt) >= this.#now() - this.#maxAgeMs;
      const ok = slot !== undefined && s.status === 'running' && fresh && (image === null || s.image === image) && slot.ready.length < this.#o.size;
      if (ok) {
        slot.ready.push({ key: s.labels[POOL_LABEL]!, networkId: s.network, sandbox: s, shell: null });
        kept.push(s.id);
      } else {
        await this.#destroy({ key: '', networkId: s.network, sandbox: s, shell: null }, 'stale at adoption');
        destroyed.push(s.id);
      }
    }
    return { kept, destroyed };
  }

  /** Starts background refills. */
  start(): void {
    if (this.#started || this.#o.size <= 0) return;
    this.#started = true;
    this.#interval = setInterval(() => void this.#check(), POOL_CHECK_INTERVAL_MS);
    this.#interval.unref();
    this.#schedule();
  }

  /** Stops refilling and waits for a refill under way. Ready sandboxes stay for the next server. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (this.#interval) clearInterval(this.#interval);
    for (const k of this.#keys.values()) for (const e of k.ready) e.shell?.close();
    for (const shell of this.#handed.values()) shell.close();
    this.#handed.clear();
    await this.#filling;
  }

  /** Destroys every ready sandbox (the pool is being turned off, or a test cleans up). */
  async drain(): Promise<string[]> {
    const all = [...this.#keys.values()].flatMap((k) => k.ready.splice(0));
    for (const e of all) await this.#destroy(e, 'drained');
    return all.map((e) => e.sandbox.id);
  }

  /** Waits until no refill runs and every key is full (tests). */
  async idle(): Promise<void> {
    while (!this.#closed && (this.#filling !== null || this.#missing() !== null)) {
      if (this.#filling === null) this.#schedule(0);
      await (this.#filling ?? new Promise((r) => setTimeout(r, 10)));
    }
  }

  #slot(key: PoolKey): { key: PoolKey; ready: Entry[]; lastWanted: number } {
    const id = keyString(key, this.#o.fingerprint);
    let slot = this.#keys.get(id);
    if (!slot) {
      slot = { key, ready: [], lastWanted: this.#now() };
      this.#keys.set(id, slot);
      this.#forgetOldKeys();
    }
    return slot;
  }

  /** Beyond POOL_MAX_KEYS learned keys, the least recently wanted one is dropped. */
  #forgetOldKeys(): void {
    const defaultId = keyString(this.#o.defaultKey, this.#o.fingerprint);
    const learned = [...this.#keys.entries()].filter(([id]) => id !== defaultId);
    if (learned.length <= POOL_MAX_KEYS) return;
    const [oldestId, oldest] = learned.sort(([, a], [, b]) => a.lastWanted - b.lastWanted)[0]!;
    this.#keys.delete(oldestId);
    for (const e of oldest.ready) void this.#destroy(e, 'key no longer wanted');
  }

  /** The first key short of `size`, or null. */
  #missing(): string | null {
    for (const [id, k] of this.#keys) if (k.ready.length < this.#o.size) return id;
    return null;
  }

  #schedule(delayMs = this.#o.refillIdleMs ?? POOL_REFILL_IDLE_MS): void {
    if (!this.#started || this.#closed || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#refill();
    }, delayMs);
    this.#timer.unref();
  }

  /** One refill at a time, only when nothing else starts and the idle delay has passed. */
  #refill(): void {
    if (this.#filling !== null || this.#closed) return;
    const idleFor = this.#now() - this.#lastBusy;
    const wait = Math.max((this.#o.refillIdleMs ?? POOL_REFILL_IDLE_MS) - idleFor, this.#backoffUntil - this.#now());
    if (this.#busy > 0) return; // busy(-1) reschedules
    if (wait > 0) return this.#schedule(wait);
    const id = this.#missing();
    if (id === null) return;
    this.#filling = this.#createEntry(id)
      .catch((err: unknown) => {
        this.#backoffUntil = this.#now() + POOL_FAILURE_BACKOFF_MS;
        this.#o.log.warn({ err }, 'cannot fill the warm pool');
      })
      .finally(() => {
        this.#filling = null;
        this.#schedule(0);
      });
  }

  async #createEntry(id: string): Promise<void> {
    const slot = this.#keys.get(id);
    if (!slot) return;
    const { driver } = this.#o;
    // A warm sandbox is never worth a student's Start: a busy host refills nothing.
    this.#o.admission?.(1);
    const network = await driver.createNetwork({ outbound: slot.key.outbound });
    let sandbox: SandboxInfo;
    try {
      sandbox = await driver.create({ network: network.id, hostname: 'node1', limits: slot.key.limits, labels: { ...this.#o.labels, [SERVER_LABEL]: this.#o.serverId, [POOL_LABEL]: id } });
    } catch (err) {
      await driver.destroyNetwork(network.id).catch(() => undefined);
      throw err;
    }
    const entry: Entry = { key: id, networkId: network.id, sandbox, shell: null };
    if (this.#o.shell) {
      const tty = await driver.execTty(sandbox.id, { cmd: this.#o.shell.cmd, size: this.#o.shell.size }).catch(() => null);
      entry.shell = tty === null ? null : new BufferedShell(tty);
    }
    // Closed or the key dropped meanwhile: the entry stays for the next server, or goes.
    if (this.#keys.get(id) !== slot) return this.#destroy(entry, 'key no longer wanted');
    slot.ready.push(entry);
  }

  /** Destroys stale entries: another image, or too old. */
  async #check(): Promise<void> {
    const image = await this.#currentImage();
    const old = this.#now() - this.#maxAgeMs;
    for (const slot of this.#keys.values()) {
      const stale = slot.ready.filter((e) => (image !== null && e.sandbox.image !== image) || Date.parse(e.sandbox.createdAt) < old);
      slot.ready = slot.ready.filter((e) => !stale.includes(e));
      for (const e of stale) await this.#destroy(e, 'stale');
    }
    this.#schedule();
  }

  async #currentImage(): Promise<string | null> {
    return (await this.#o.currentImage?.().catch(() => null)) ?? null;
  }

  async #destroy(entry: Entry, why: string): Promise<void> {
    entry.shell?.close();
    this.#o.log.info({ sandbox: entry.sandbox.id, why }, 'warm sandbox removed');
    await this.#o.driver.destroyNetwork(entry.networkId).catch((err: unknown) => this.#o.log.error({ err, sandbox: entry.sandbox.id }, 'cannot remove a warm sandbox'));
  }
}

/** The label value naming a key: a hash of its limits (sorted), outbound policy and the fingerprint. */
export function keyString(key: PoolKey, fingerprint: string): string {
  const limits = Object.entries(key.limits)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return createHash('sha256').update(`${key.outbound ? 'out' : 'noout'};${limits};${fingerprint}`).digest('hex').slice(0, 16);
}
