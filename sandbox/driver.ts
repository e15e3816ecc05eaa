// The sandbox driver contract: everything server/ may ask of the sandbox runtime. In the
// spirit of JupyterHub's Spawner: a small lifecycle whose state survives a restart.
import type { Readable, Writable } from 'node:stream';
import type {
  ListeningPort,
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
  /** A network as created (its outbound policy, gateway…), or null when it does not exist. */
  getNetwork(networkId: string): Promise<NetworkInfo | null>;

  /**
   * Creates and starts a sandbox; resolves once it can exec. On failure nothing of it is
   * left on the host.
   */
  create(spec: SandboxCreateSpec): Promise<SandboxInfo>;

  /** Starts `cmd` inside under a new pty of the given size (a terminal). */
  execTty(id: string, options: ExecOptions & { size: TerminalSize }): Promise<SandboxTty>;

  /**
   * Starts `cmd` inside with pipes for stdin/stdout/stderr (no tty). Resolves once the
   * process is being started; a start that fails shows in `exited` (with `error`).
   */
  execPiped(id: string, options: ExecOptions): Promise<SandboxProcess>;

  /**
   * Runs `cmd` inside to completion and collects its output (capped at `maxOutputBytes`).
   * A command over `timeoutMs` is killed and reported with `timedOut`.
   */
  run(id: string, options: ExecOptions & { timeoutMs?: number; input?: string; maxOutputBytes?: number }): Promise<RunResult>;

  /**
   * The TCP ports listening inside the sandbox's network namespace, sorted by port, with
   * whether each is reachable from its network (bound to a non-loopback address).
   * @throws SANDBOX_NOT_FOUND, SANDBOX_NOT_RUNNING, PORTS_UNAVAILABLE (the read failed:
   *   try again at the next poll)
   */
  listeningPorts(id: string): Promise<ListeningPort[]>;

  /**
   * The sandbox's namespace ids by kind (`net`, `pid`, `mnt`, … as `lsns` names them), for
   * showing; {} when it does not run or the driver has no such notion. Constant over its life.
   */
  namespaces(id: string): Promise<Record<string, number>>;

  /** Current resource use, from the sandbox's cgroup and disk. */
  stats(id: string): Promise<SandboxStats>;

  /** Kills every process of the sandbox and removes all it owned. Idempotent. */
  destroy(id: string): Promise<void>;

  /** Every sandbox this runtime owns, with its live status (no host pids: see listeningPorts, namespaces). */
  list(): Promise<SandboxListing[]>;

  /**
   * Replaces a sandbox's labels (its saved state): a warm sandbox handed to a session is
   * labelled with it. @throws SANDBOX_NOT_FOUND
   */
  relabel(id: string, labels: Record<string, string>): Promise<void>;

  /** One sandbox's saved state, or null. */
  get(id: string): Promise<SandboxInfo | null>;

  /**
   * Reconciles the host with the saved state: keeps (adopts) live sandboxes, removes broken
   * ones and any host object named like pier's that no live sandbox owns.
   */
  reconcile(): Promise<ReconcileReport>;
}

/** How a terminal's process ended: its exit code, or the signal that killed it. */
export interface TtyExit {
  exitCode: number;
  signal?: number | undefined;
}

/**
 * A process inside a sandbox on a terminal (execTty). Output arrives as bytes, in order;
 * onExit fires once, after the last output.
 */
export interface SandboxTty {
  /** Host pid of the process that holds the terminal (the runtime's exec). */
  readonly pid: number;
  onData(listener: (data: Buffer) => void): { dispose(): void };
  onExit(listener: (e: TtyExit) => void): { dispose(): void };
  /** Keystrokes. */
  write(data: Buffer | string): void;
  resize(cols: number, rows: number): void;
  /** Stops reading output (flow control): the process blocks once the buffers are full. */
  pause(): void;
  resume(): void;
  /** Signals the process (default SIGHUP); throws when it is already gone. */
  kill(signal?: string): void;
}

/** How a piped process ended: code or signal; `error` when it could not be started at all. */
export interface ProcessExit {
  exitCode: number | null;
  signal: string | null;
  error?: string;
}

/**
 * A process inside a sandbox with pipes (execPiped): plain streams, a kill and one exit
 * promise that never rejects and resolves after stdout and stderr have ended. Close
 * `stdin` to send EOF. Nothing of Node's ChildProcess leaks through, so a driver may back
 * it with anything that moves bytes (runc exec, a Kubernetes exec stream).
 */
export interface SandboxProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly stderr: Readable;
  readonly exited: Promise<ProcessExit>;
  /** Signals the process (default SIGTERM); a no-op once it has exited. */
  kill(signal?: NodeJS.Signals): void;
}
