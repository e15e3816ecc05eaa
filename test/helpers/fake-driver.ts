// A SandboxDriver in memory, for unit tests of the server's contract edges ([jhub]
// mocking.py): creates that fail or hang, sandboxes that vanish. Never used in integration
// or e2e tests, which use the real runtime.
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_LIMITS,
  SandboxError,
  type NetworkInfo,
  type ReconcileReport,
  type SandboxCreateSpec,
  type SandboxDriver,
  type SandboxInfo,
  type ListeningPort,
  type SandboxListing,
  type SandboxProcess,
  type SandboxStats,
  type SandboxTty,
} from '../../sandbox/index.js';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** The in-memory driver; its fields are open for tests to inspect and steer. */
export class FakeDriver implements SandboxDriver {
  readonly networks = new Map<string, NetworkInfo>();
  readonly sandboxes = new Map<string, SandboxInfo & { status: SandboxListing['status']; ns: number }>();
  /** Calls in order, e.g. `create node1`, `destroy <id>`. */
  readonly calls: string[] = [];
  /** The image id sandboxes get when the spec names none (a test changes it: a new build). */
  image = 'img';
  /** When set, the next create() rejects with it (once). */
  failNextCreate: Error | null = null;
  /** When set, every create() waits for it before it resolves (a slow start). */
  createGate: Promise<void> | null = null;
  /** When set, execTty opens a FakeTty that prints this prompt at once; null: no ptys. */
  prompt: string | null = null;
  /** Every FakeTty opened, in order. */
  readonly ttys: FakeTty[] = [];
  /** Listening ports per sandbox id, as a test sets them. */
  readonly ports = new Map<string, ListeningPort[]>();
  #nextAddress = 2;
  #nextNs = 4026532000;

  async createNetwork(options: { outbound?: boolean } = {}): Promise<NetworkInfo> {
    const id = hex(5);
    const n: NetworkInfo = { id, bridge: `pierb${id}`, subnet: '10.87.0.0/27', gateway: '10.87.0.1', outbound: options.outbound ?? false, ephemeral: false, createdAt: new Date().toISOString() };
    this.networks.set(id, n);
    this.calls.push('createNetwork');
    return n;
  }

  async getNetwork(networkId: string): Promise<NetworkInfo | null> {
    return this.networks.get(networkId) ?? null;
  }

  async destroyNetwork(networkId: string): Promise<void> {
    this.calls.push(`destroyNetwork ${networkId}`);
    for (const [id, s] of this.sandboxes) if (s.network === networkId) this.sandboxes.delete(id);
    this.networks.delete(networkId);
  }

  async create(spec: SandboxCreateSpec): Promise<SandboxInfo> {
    this.calls.push(`create ${spec.hostname}`);
    if (this.failNextCreate) {
      const err = this.failNextCreate;
      this.failNextCreate = null;
      throw err;
    }
    if (spec.network && !this.networks.has(spec.network)) throw new SandboxError('NETWORK_NOT_FOUND', spec.network);
    if (this.createGate) await this.createGate;
    const id = hex(5);
    const info: SandboxInfo = {
      id,
      containerId: `pier-${id}`,
      hostname: spec.hostname,
      network: spec.network ?? id,
      address: `10.87.0.${this.#nextAddress++}`,
      image: spec.image ?? this.image,
      limits: { ...DEFAULT_LIMITS, ...spec.limits },
      labels: spec.labels ?? {},
      createdAt: new Date().toISOString(),
    };
    this.sandboxes.set(id, { ...info, status: 'running', ns: this.#nextNs++ });
    return info;
  }

  async execTty(id: string, options?: { size: { cols: number; rows: number } }): Promise<SandboxTty> {
    if (this.prompt === null) throw new SandboxError('SANDBOX_NOT_RUNNING', `fake driver has no ptys (${id})`);
    this.calls.push(`execTty ${id}`);
    const tty = new FakeTty(this.prompt, options?.size ?? { cols: 80, rows: 24 });
    this.ttys.push(tty);
    return tty;
  }

  async execPiped(id: string): Promise<SandboxProcess> {
    throw new SandboxError('SANDBOX_NOT_RUNNING', `fake driver runs no processes (${id})`);
  }

  async listeningPorts(id: string): Promise<ListeningPort[]> {
    const s = this.sandboxes.get(id);
    if (!s) throw new SandboxError('SANDBOX_NOT_FOUND', id);
    if (s.status !== 'running') throw new SandboxError('SANDBOX_NOT_RUNNING', id);
    return this.ports.get(id) ?? [];
  }

  async namespaces(id: string): Promise<Record<string, number>> {
    const s = this.sandboxes.get(id);
    return s && s.status === 'running' ? { net: s.ns, pid: s.ns + 1, mnt: s.ns + 2 } : {};
  }

  async run(): Promise<never> {
    throw new Error('not in the fake');
  }

  async stats(id: string): Promise<SandboxStats> {
    const s = this.sandboxes.get(id);
    if (!s) throw new SandboxError('SANDBOX_NOT_FOUND', id);
    if (s.status !== 'running') throw new SandboxError('SANDBOX_NOT_RUNNING', id);
    return { memoryBytes: 1, memoryLimitBytes: s.limits.memoryBytes, cpuUsageUsec: 0, pids: 1, pidsLimit: s.limits.pids, diskUsedBytes: 1, diskLimitBytes: s.limits.diskBytes };
  }

  async destroy(id: string): Promise<void> {
    this.calls.push(`destroy ${id}`);
    this.sandboxes.delete(id);
  }

  async list(): Promise<SandboxListing[]> {
    return [...this.sandboxes.values()].map(({ ns: _ns, ...s }) => ({ ...s }));
  }

  async relabel(id: string, labels: Record<string, string>): Promise<void> {
    const s = this.sandboxes.get(id);
    if (!s) throw new SandboxError('SANDBOX_NOT_FOUND', id);
    this.calls.push(`relabel ${id}`);
    s.labels = { ...labels };
  }

  async get(id: string): Promise<SandboxInfo | null> {
    const s = this.sandboxes.get(id);
    if (!s) return null;
    const { ns: _ns, status: _status, ...info } = s;
    return info;
  }

  async reconcile(): Promise<ReconcileReport> {
    this.calls.push('reconcile');
    const removed: string[] = [];
    for (const [id, s] of this.sandboxes) {
      if (s.status !== 'running') {
        this.sandboxes.delete(id);
        removed.push(id);
      }
    }
    return { adopted: [...this.sandboxes.keys()], removed, orphans: [], skipped: [] };
  }
}

/** An in-memory terminal: prints its prompt at once, echoes what is written, records resizes. */
export class FakeTty implements SandboxTty {
  readonly pid = 0;
  size: { cols: number; rows: number };
  killed: string | null = null;
  readonly #data = new Set<(d: Buffer) => void>();
  readonly #exit = new Set<(e: { exitCode: number; signal?: number }) => void>();

  constructor(prompt: string, size: { cols: number; rows: number }) {
    this.size = { ...size };
    // Later, as a real shell prints: after whoever opened the terminal has subscribed.
    setImmediate(() => this.#emit(Buffer.from(prompt)));
  }

  #emit(d: Buffer): void {
    for (const l of this.#data) l(d);
  }

  onData(listener: (d: Buffer) => void): { dispose(): void } {
    this.#data.add(listener);
    return { dispose: () => this.#data.delete(listener) };
  }

  onExit(listener: (e: { exitCode: number; signal?: number }) => void): { dispose(): void } {
    this.#exit.add(listener);
    return { dispose: () => this.#exit.delete(listener) };
  }

  write(data: Buffer | string): void {
    this.#emit(Buffer.from(data));
  }

  resize(cols: number, rows: number): void {
    this.size = { cols, rows };
  }

  pause(): void {}
  resume(): void {}

  kill(signal = 'SIGHUP'): void {
    if (this.killed !== null) throw new Error('already gone');
    this.killed = signal;
    for (const l of this.#exit) l({ exitCode: 0, signal: 1 });
  }
}
