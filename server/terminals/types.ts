// The contracts around a Terminal: the pty it drives and the viewers it serves.

/** Something that can be disposed. */
export interface Disposable {
  dispose(): void;
}

/** The pty shape a Terminal drives: a sandbox's SandboxTty and node-pty's IPty fit, so does a test's fake. */
export interface TerminalPty {
  readonly onData: (listener: (data: string | Uint8Array) => void) => Disposable;
  readonly onExit: (listener: (e: { exitCode: number; signal?: number }) => void) => Disposable;
  write(data: Buffer): void;
  resize(cols: number, rows: number): void;
  pause(): void;
  resume(): void;
  kill(signal?: string): void;
}

/** How the pty ended. `signal` is null unless a signal killed it. */
export interface ExitStatus {
  code: number | null;
  signal: number | null;
}

/**
 * One attached viewer, as the Terminal sees it (the socket glue implements it). The Terminal
 * never calls these from inside attach(); each call is at most one output frame.
 */
export interface Viewer {
  /** Output bytes [offset, offset + bytes.length) of the stream, in order, no gaps. */
  output(offset: number, bytes: Uint8Array): void;
  /**
   * Reset, paint `screen`; output goes on at `offset`. Sent when the viewer fell out of the
   * log, and to a viewer whose attach() answered `pending` (its first screen).
   */
  resync(offset: number, screen: string): void;
  /** The pty exited; all its output was sent before. */
  exit(status: ExitStatus): void;
  /** The terminal was disposed (`reason` from dispose()); the viewer is detached. */
  closed(reason: string): void;
  /** False while the viewer's transport is congested: output waits until drained(). */
  writable?(): boolean;
}

/** What attach() options say about the viewer. */
export interface AttachOptions {
  /** Stream offset the viewer already has; undefined for a fresh screen. */
  resumeFrom?: number | undefined;
  cols: number;
  rows: number;
  /** Input and resizes of a read-only viewer are dropped, and it never pauses the pty. */
  readOnly: boolean;
}

/**
 * What the viewer needs first: paint `screen` (if any), then `replay` starts at `offset`;
 * or `pending`: the screen is being serialized, and comes through Viewer.resync().
 */
export type AttachResult = { offset: number; screen?: string; replay: Uint8Array } | { pending: true };
