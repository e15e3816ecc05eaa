// Live stats and open ports of the nodes of watched sessions (those with an events socket
// open): one sampling loop for the whole server, one sample per node per tick.
import { isSandboxError, type SandboxDriver, type SandboxStats } from '../../sandbox/index.js';
import type { NodeStats } from '../../protocol/http.js';

/** How often nodes of watched sessions are sampled (ms). */
export const STATS_INTERVAL_MS = 1_000;

/** A node to sample. */
export interface MonitoredNode {
  name: string;
  sandboxId: string;
  /** CPU quota in cores. */
  cpus: number;
}

/** What the monitor reports to, and asks of, the session manager. */
export interface MonitorHost {
  /** The running nodes of a session (empty when it has ended). */
  nodesOf(sessionId: string): MonitoredNode[];
  onStats(sessionId: string, stats: NodeStats): void;
  /** The node's listening ports, every tick; the host decides whether they changed. */
  onPorts(sessionId: string, node: string, ports: number[]): void;
  /** The node's sandbox is no longer running (its init died or it was removed). */
  onNodeGone(sessionId: string, node: string, sandboxId: string): void;
}

/** A CPU time reading: cumulative µs of CPU at a wall-clock time (ms). */
export interface CpuSample {
  usageUsec: number;
  atMs: number;
}

/**
 * CPU use between two samples in percent of one core (200 = two cores busy), one decimal.
 * 0 when time did not move or the counter went backwards (a reset node).
 */
export function cpuPercent(prev: CpuSample, cur: CpuSample): number {
  const wallUsec = (cur.atMs - prev.atMs) * 1000;
  const used = cur.usageUsec - prev.usageUsec;
  if (wallUsec <= 0 || used < 0) return 0;
  return Math.round((used / wallUsec) * 1000) / 10;
}

/** The wire form of one sample. */
export function toNodeStats(node: string, s: SandboxStats, cpu: number, cpus: number, at: number): NodeStats {
  return {
    node,
    at: new Date(at).toISOString(),
    memoryBytes: s.memoryBytes,
    memoryLimitBytes: s.memoryLimitBytes,
    cpuPercent: cpu,
    cpuLimitPercent: Math.round(cpus * 100),
    pids: s.pids,
    pidsLimit: s.pidsLimit,
    diskUsedBytes: s.diskUsedBytes,
    diskLimitBytes: s.diskLimitBytes,
  };
}

/** Samples watched sessions every STATS_INTERVAL_MS while any is watched. */
export class SessionMonitor {
  readonly #driver: SandboxDriver;
  readonly #host: MonitorHost;
  readonly #intervalMs: number;
  /** Watchers per session id. */
  readonly #watched = new Map<string, number>();
  /** Previous CPU reading per sandbox id. */
  readonly #cpu = new Map<string, CpuSample>();
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;

  constructor(driver: SandboxDriver, host: MonitorHost, intervalMs = STATS_INTERVAL_MS) {
    this.#driver = driver;
    this.#host = host;
    this.#intervalMs = intervalMs;
  }

  /** Starts sampling `sessionId` (counted: each watcher calls the returned function once). */
  watch(sessionId: string): () => void {
    this.#watched.set(sessionId, (this.#watched.get(sessionId) ?? 0) + 1);
    if (this.#timer === null) {
      this.#timer = setInterval(() => void this.tick(), this.#intervalMs);
      this.#timer.unref();
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.#watched.get(sessionId) ?? 1) - 1;
      if (n > 0) this.#watched.set(sessionId, n);
      else this.#watched.delete(sessionId);
      if (this.#watched.size === 0) this.#stopTimer();
    };
  }

  /** Number of sessions watched. */
  get watchedCount(): number {
    return this.#watched.size;
  }

  /** Forgets a sandbox's CPU history (it was destroyed or replaced). */
  forget(sandboxId: string): void {
    this.#cpu.delete(sandboxId);
  }

  /** One sampling round over every watched session; skipped while the previous one runs. */
  async tick(): Promise<void> {
    if (this.#ticking) return;
    this.#ticking = true;
    try {
      const work: Promise<void>[] = [];
      for (const sessionId of this.#watched.keys()) {
        for (const node of this.#host.nodesOf(sessionId)) work.push(this.#sample(sessionId, node));
      }
      await Promise.all(work);
    } finally {
      this.#ticking = false;
    }
  }

  /** Stops sampling everything. */
  close(): void {
    this.#watched.clear();
    this.#stopTimer();
  }

  async #sample(sessionId: string, node: MonitoredNode): Promise<void> {
    let stats: SandboxStats;
    const at = Date.now();
    try {
      stats = await this.#driver.stats(node.sandboxId);
    } catch (err) {
      if (isSandboxError(err, 'SANDBOX_NOT_RUNNING') || isSandboxError(err, 'SANDBOX_NOT_FOUND')) {
        this.#cpu.delete(node.sandboxId);
        this.#host.onNodeGone(sessionId, node.name, node.sandboxId);
      }
      return;
    }
    const prev = this.#cpu.get(node.sandboxId);
    const cur = { usageUsec: stats.cpuUsageUsec, atMs: at };
    this.#cpu.set(node.sandboxId, cur);
    this.#host.onStats(sessionId, toNodeStats(node.name, stats, prev ? cpuPercent(prev, cur) : 0, node.cpus, at));
    try {
      const ports = await this.#driver.listeningPorts(node.sandboxId);
      this.#host.onPorts(sessionId, node.name, ports.map((p) => p.port));
    } catch {
      // The init went away between stats and this read (or the read failed): the next tick tells.
    }
  }

  #stopTimer(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}
