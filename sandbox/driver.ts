// The sandbox driver contract: everything server/ may ask of the sandbox runtime. In the
// spirit of JupyterHub's Spawner: a small lifecycle whose state survives a restart.
import type { IPty } from 'node-pty';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type {
  ExecOptions,
  NetworkInfo,
  ReconcileReport,
  RunResult,
  SandboxCreateSpec,
  SandboxInfo,
  SandboxListing,
  SandboxStats,
  TerminalSize,
} from './types.js';

/**
 * A sandbox runtime.
 *
 * State machine of one sandbox (ids are never reused):
 *
 *     create() ──► running ──destroy()──► gone
 *                     │  init died / host rebooted
 *                     ▼
 *                  stopped|broken ──reconcile()/destroy()──► gone
 *
 * Every method may be called from any state; calls on a gone sandbox reject with
 * SANDBOX_NOT_FOUND, exec on a stopped one with SANDBOX_NOT_RUNNING.
 */
export interface SandboxDriver {
  /** Creates a session network (a bridge and a subnet) that sandboxes may join. */
  createNetwork(options?: { outbound?: boolean }): Promise<NetworkInfo>;
  /** Removes a network and every sandbox still on it. Idempotent. */
  destroyNetwork(networkId: string): Promise<void>;

  /**
   * Creates and starts a sandbox; resolves once it can exec. On failure nothing of it is
   * left on the host.
   */
  create(spec: SandboxCreateSpec): Promise<SandboxInfo>;

  /** Starts `cmd` inside under a new pty of the given size (a terminal). */
  execTty(id: string, options: ExecOptions & { size: TerminalSize }): Promise<IPty>;

  /** Starts `cmd` inside with pipes for stdin/stdout/stderr (no tty). */
  execPiped(id: string, options: ExecOptions): Promise<ChildProcessWithoutNullStreams>;

  /**
   * Runs `cmd` inside to completion and collects its output (capped at `maxOutputBytes`).
   * A command over `timeoutMs` is killed and reported with `timedOut`.
   */
  run(id: string, options: ExecOptions & { timeoutMs?: number; input?: string; maxOutputBytes?: number }): Promise<RunResult>;

  /** Current resource use, from the sandbox's cgroup and disk. */
  stats(id: string): Promise<SandboxStats>;

  /** Kills every process of the sandbox and removes all it owned. Idempotent. */
  destroy(id: string): Promise<void>;

  /** Every sandbox this runtime owns, with its live status. */
  list(): Promise<SandboxListing[]>;

  /** One sandbox's saved state, or null. */
  get(id: string): Promise<SandboxInfo | null>;

  /**
   * Reconciles the host with the saved state: keeps (adopts) live sandboxes, removes broken
   * ones and any host object named like pier's that no live sandbox owns.
   */
  reconcile(): Promise<ReconcileReport>;
}
