// One live terminal: a pty, the log of its output, a headless copy of its screen, and the
// viewers attached to it, with coalescing and flow control. Knows nothing of sockets. [sshx]
import { performance } from 'node:perf_hooks';
import { OutputLog, OUTPUT_LOG_BYTES } from './output-log.js';
import { HOLD_BYTES, ScreenMirror, type Snapshot } from './screen-mirror.js';
import { MAX_OUTPUT_FRAME_BYTES } from '../../protocol/terminal.js';
import type { AttachOptions, AttachResult, Disposable, ExitStatus, TerminalPty, Viewer } from './types.js';

export type { AttachOptions, AttachResult, Disposable, ExitStatus, TerminalPty, Viewer } from './types.js';

/** Output is sent at once when nothing was sent for this long; else batched this long (ms). */
export const COALESCE_MS = 4;
/** A batch is sent early once it holds this many bytes. */
export const COALESCE_BYTES = 64 * 1024;
/** The pty is paused when the slowest writer (or the mirror) is this many bytes behind. */
export const HIGH_WATERMARK_BYTES = 256 * 1024;
/** …and resumed once every one of them is less than this many bytes behind. */
export const LOW_WATERMARK_BYTES = 64 * 1024;
/** A viewer never has more than this many sent-but-unacknowledged bytes. */
export const SEND_WINDOW_BYTES = HIGH_WATERMARK_BYTES;
/** A viewer further behind than this (bytes) is painted the screen instead of a replay. */
export const MAX_REPLAY_BYTES = HIGH_WATERMARK_BYTES;
/** A terminal serializes a snapshot at most this often (ms); between, it reuses the last. */
export const SNAPSHOT_MIN_INTERVAL_MS = 1_000;

/**
 * Sliced snapshots of all terminals run one at a time, in order: each yields to the event
 * loop every few ms, and one at a time keeps a turn of the loop to one slice.
 */
let snapshotQueue: Promise<unknown> = Promise.resolve();
function queueSnapshot<T>(job: () => Promise<T>): Promise<T> {
  const run = snapshotQueue.then(job, job);
  snapshotQueue = run.catch(() => undefined);
  return run;
}
/** After SIGHUP at dispose(), a pty still alive this long later gets SIGKILL (ms). */
export const KILL_GRACE_MS = 2000;

interface ViewerState {
  readOnly: boolean;
  /** Stream offset sent up to, and acknowledged (rendered) up to. */
  sent: number;
  acked: number;
  exitSent: boolean;
  /** Waits for a screen (attach answered `pending`, or it fell out of the log). */
  awaiting: boolean;
}

/**
 * A live terminal. Flow control, per pty:
 *
 *              worst backlog > HIGH_WATERMARK_BYTES
 *   RUNNING ─────────────────────────────────────────► PAUSED (pty.pause())
 *      ▲                                                  │
 *      └──────────────────────────────────────────────────┘
 *     (pty.resume())   worst backlog < LOW_WATERMARK_BYTES
 *
 * backlog = log.end − acked of each writing viewer, and log.end − parsed of the screen
 * mirror; read-only viewers never count. Each viewer's sends stop at SEND_WINDOW_BYTES
 * unacknowledged (or while its transport is congested) and go on as acks arrive; a viewer
 * whose next byte has left the log is resynced with a screen. Output is pushed to viewers at
 * once when idle, else batched for COALESCE_MS or COALESCE_BYTES.
 */
export class Terminal {
  readonly #pty: TerminalPty;
  readonly #log: OutputLog;
  readonly #mirror: ScreenMirror;
  readonly #viewers = new Map<Viewer, ViewerState>();
  readonly #disposables: Disposable[] = [];
  readonly #exitListeners = new Set<(status: ExitStatus) => void>();
  #paused = false;
  #exit: ExitStatus | null = null;
  #disposed = false;
  #flushTimer: NodeJS.Timeout | undefined;
  #lastFlushAt = -Infinity;
  /** Output up to here was released to viewers (the rest waits for the coalescing timer). */
  #flushedTo = 0;
  #size: { cols: number; rows: number };
  /** The last serialized snapshot and when (performance.now() ms). */
  #lastSnapshot: (Snapshot & { at: number }) | undefined;
  /** A snapshot is being made (or waits for its turn / the rate limit). */
  #screenPending = false;
  #screenTimer: NodeJS.Timeout | undefined;

  /**
   * Takes ownership of `pty`: dispose() kills it.
   * @param size the pty's current size
   * @param options.logBytes output kept for replay (bytes)
   */
  constructor(pty: TerminalPty, size: { cols: number; rows: number }, options: { logBytes?: number } = {}) {
    this.#pty = pty;
    this.#size = { ...size };
    const logBytes = options.logBytes ?? OUTPUT_LOG_BYTES;
    this.#log = new OutputLog(logBytes);
    // Text the mirror holds back plus its parser's backlog (≤ HIGH_WATERMARK_BYTES) stay
    // inside the log, so a snapshot's offset can always be replayed from.
    this.#mirror = new ScreenMirror(size, () => this.#updateFlow(), { holdBytes: Math.min(HOLD_BYTES, Math.floor(logBytes / 4)) });
    this.#disposables.push(pty.onData((d) => this.#ptyOnData(d)), pty.onExit((e) => this.#ptyOnExit(e)), this.#mirror, {
      dispose: () => (clearTimeout(this.#flushTimer), clearTimeout(this.#screenTimer)),
    });
  }

  /** Total output bytes so far. */
  get offset(): number {
    return this.#log.end;
  }
  /** Whether the pty is paused by flow control. */
  get paused(): boolean {
    return this.#paused;
  }
  /** How the pty ended, or null while it runs. */
  get exitStatus(): ExitStatus | null {
    return this.#exit;
  }
  /** Whether dispose() was called. */
  get disposed(): boolean {
    return this.#disposed;
  }
  /** Attached viewers. */
  get viewerCount(): number {
    return this.#viewers.size;
  }

  /** The current screen and the stream offset it is current to (not rate-limited: for tests and tools). */
  snapshot(): { offset: number; screen: string } {
    return this.#mirror.snapshot();
  }

  /** Calls `listener` when the pty exits (not if it already has: see exitStatus). */
  onExit(listener: (status: ExitStatus) => void): Disposable {
    this.#exitListeners.add(listener);
    return { dispose: () => this.#exitListeners.delete(listener) };
  }

  /**
   * Attaches `viewer` (again, if it was). A viewer behind by at most MAX_REPLAY_BYTES of
   * kept output gets exactly the bytes after `resumeFrom` (a new one: from 0, while the whole
   * history is that short); one further behind, or claiming an offset this stream never had,
   * gets the screen and the bytes after it. A writing viewer's size is applied to the pty.
   * The viewer's callbacks are never called from inside attach(): the caller sends the
   * result first; more output (past one window) and `exit` follow from a microtask.
   * @throws Error when the terminal was disposed
   */
  attach(viewer: Viewer, options: AttachOptions): AttachResult {
    if (this.#disposed) throw new Error('terminal is closed');
    const end = this.#log.end;
    const from = options.resumeFrom ?? (this.#log.start === 0 ? 0 : undefined);
    const canReplay = from !== undefined && from >= this.#log.start && from <= end && end - from <= MAX_REPLAY_BYTES;
    const snap = canReplay ? undefined : this.#reusableSnapshot();
    if (!options.readOnly) this.#resizePty(options.cols, options.rows);
    if (!canReplay && snap === undefined) {
      this.#viewers.set(viewer, { readOnly: options.readOnly, sent: end, acked: end, exitSent: false, awaiting: true });
      this.#requestScreen();
      return { pending: true };
    }
    const offset = snap?.offset ?? from ?? 0;
    const read = this.#log.readFrom(offset, SEND_WINDOW_BYTES);
    const replay = typeof read === 'string' ? new Uint8Array(0) : read.bytes;
    this.#viewers.set(viewer, { readOnly: options.readOnly, sent: offset + replay.length, acked: offset, exitSent: false, awaiting: false });
    this.#updateFlow();
    queueMicrotask(() => this.#pump(viewer));
    return snap ? { offset, screen: snap.screen, replay } : { offset, replay };
  }

  /** Detaches `viewer`; the terminal lives on. Idempotent. */
  detach(viewer: Viewer): void {
    if (this.#viewers.delete(viewer)) this.#updateFlow();
  }

  /**
   * Writes a viewer's keystrokes to the pty.
   * @returns false when dropped (read-only viewer, not attached, pty gone)
   */
  input(viewer: Viewer, bytes: Uint8Array): boolean {
    const st = this.#viewers.get(viewer);
    if (!st || st.readOnly || this.#exit || this.#disposed) return false;
    this.#pty.write(Buffer.from(bytes));
    return true;
  }

  /**
   * Writes text to the pty on the server's behalf, as if typed (a lesson's foreground script).
   * @returns false when the pty is gone
   */
  type(text: string): boolean {
    if (this.#exit || this.#disposed) return false;
    this.#pty.write(Buffer.from(text, 'utf8'));
    return true;
  }

  /**
   * Resizes the pty to a writing viewer's window (columns, rows).
   * @returns false when dropped (read-only viewer, not attached, pty gone)
   */
  resize(viewer: Viewer, cols: number, rows: number): boolean {
    const st = this.#viewers.get(viewer);
    if (!st || st.readOnly || this.#exit || this.#disposed) return false;
    this.#resizePty(cols, rows);
    return true;
  }

  /** The viewer has rendered every byte before `offset` (clamped to what it was sent). */
  ack(viewer: Viewer, offset: number): void {
    const st = this.#viewers.get(viewer);
    if (!st) return;
    st.acked = Math.max(st.acked, Math.min(offset, st.sent));
    this.#pump(viewer);
    this.#updateFlow();
  }

  /** The viewer's transport has room again: send what waited. */
  drained(viewer: Viewer): void {
    this.#pump(viewer);
  }

  /** Kills the pty (SIGHUP, then SIGKILL after KILL_GRACE_MS), tells viewers, frees all. */
  dispose(reason = 'closed'): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const d of this.#disposables.splice(0)) d.dispose();
    if (!this.#exit) {
      const escalate = setTimeout(() => kill(this.#pty, 'SIGKILL'), KILL_GRACE_MS).unref();
      const sub = this.#pty.onExit(() => (clearTimeout(escalate), sub.dispose()));
      kill(this.#pty, 'SIGHUP');
    }
    const viewers = [...this.#viewers.keys()];
    this.#viewers.clear();
    this.#exitListeners.clear();
    for (const v of viewers) v.closed(reason);
  }

  #ptyOnData(data: string | Uint8Array): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (bytes.length === 0 || this.#disposed) return;
    this.#log.append(bytes);
    this.#mirror.write(bytes);
    if (this.#flushTimer !== undefined) {
      if (this.#log.end - this.#flushedTo >= COALESCE_BYTES) this.#flush();
    } else if (performance.now() - this.#lastFlushAt >= COALESCE_MS) {
      this.#flush(); // idle: an echo goes out at once
    } else {
      this.#flushTimer = setTimeout(() => this.#flush(), COALESCE_MS);
    }
    this.#updateFlow();
  }

  #ptyOnExit(e: { exitCode: number; signal?: number }): void {
    this.#exit = { code: e.signal ? null : e.exitCode, signal: e.signal || null };
    this.#flush();
    for (const l of [...this.#exitListeners]) l(this.#exit);
  }

  /** Pushes everything logged so far to every viewer (as far as each one's window allows). */
  #flush(): void {
    clearTimeout(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#lastFlushAt = performance.now();
    this.#flushedTo = this.#log.end;
    for (const v of [...this.#viewers.keys()]) this.#pump(v);
  }

  /** Sends `viewer` the output it has not had, up to its window; then `exit` if due. */
  #pump(viewer: Viewer): void {
    let st = this.#viewers.get(viewer);
    let resynced = false;
    if (st?.awaiting) return;
    while (st && st.sent < this.#flushedTo) {
      if (viewer.writable && !viewer.writable()) return;
      const room = SEND_WINDOW_BYTES - (st.sent - st.acked);
      if (room <= 0) return;
      const read = this.#log.readFrom(st.sent, Math.min(room, MAX_OUTPUT_FRAME_BYTES));
      if (typeof read === 'string') {
        // Fell out of the log: a screen instead, when it is ready (#requestScreen).
        const snap = resynced ? undefined : this.#reusableSnapshot();
        resynced = true;
        if (snap === undefined || snap.offset < this.#log.start) {
          st.awaiting = true;
          this.#requestScreen();
          return;
        }
        st.sent = st.acked = snap.offset;
        viewer.resync(snap.offset, snap.screen);
      } else {
        st.sent += read.bytes.length;
        viewer.output(read.offset, read.bytes);
      }
      st = this.#viewers.get(viewer);
    }
    if (st && !st.awaiting && this.#exit && !st.exitSent && st.sent === this.#log.end) {
      st.exitSent = true;
      viewer.exit(this.#exit);
    }
  }

  /**
   * The last snapshot, when a viewer may be painted it: the screen has not changed since, or
   * it is younger than SNAPSHOT_MIN_INTERVAL_MS and its offset is still in the log (the
   * viewer is replayed the rest). Otherwise undefined: a new one is needed.
   */
  #reusableSnapshot(): Snapshot | undefined {
    const last = this.#lastSnapshot;
    if (!last || last.offset < this.#log.start) return undefined;
    if (last.offset === this.#mirror.parsed && last.offset === this.#log.end) return last;
    return performance.now() - last.at < SNAPSHOT_MIN_INTERVAL_MS ? last : undefined;
  }

  /**
   * Makes a screen for the viewers awaiting one, at a bounded cost (issue 11 point 3): at
   * most one per SNAPSHOT_MIN_INTERVAL_MS per terminal, serialized in slices (ScreenMirror.
   * snapshotSliced), one terminal at a time server-wide. Reattaching in a loop costs a
   * student the wait for their own screen, not the server's responsiveness.
   */
  #requestScreen(): void {
    if (this.#screenPending || this.#disposed) return;
    this.#screenPending = true;
    const wait = this.#lastSnapshot ? Math.max(0, this.#lastSnapshot.at + SNAPSHOT_MIN_INTERVAL_MS - performance.now()) : 0;
    this.#screenTimer = setTimeout(() => {
      void queueSnapshot(() => (this.#disposed ? Promise.resolve(undefined) : this.#mirror.snapshotSliced())).then((snap) => {
        this.#screenPending = false;
        if (!snap || this.#disposed) return;
        this.#lastSnapshot = { ...snap, at: performance.now() };
        this.#serveScreen(snap);
      });
    }, wait);
  }

  /** Paints `snap` on every viewer awaiting a screen, then sends what followed it. */
  #serveScreen(snap: Snapshot): void {
    if (snap.offset < this.#log.start) {
      this.#requestScreen(); // output outran the log meanwhile: another one
      return;
    }
    for (const [viewer, st] of [...this.#viewers]) {
      if (!st.awaiting) continue;
      st.awaiting = false;
      st.sent = st.acked = snap.offset;
      viewer.resync(snap.offset, snap.screen);
    }
    this.#updateFlow();
    for (const viewer of [...this.#viewers.keys()]) this.#pump(viewer);
  }

  /** Applies the state machine above. */
  #updateFlow(): void {
    if (this.#disposed || this.#exit) return;
    const end = this.#log.end;
    let worst = this.#mirror.backlog;
    for (const st of this.#viewers.values()) if (!st.readOnly && !st.awaiting) worst = Math.max(worst, end - st.acked);
    if (!this.#paused && worst > HIGH_WATERMARK_BYTES) {
      this.#paused = true;
      this.#pty.pause();
    } else if (this.#paused && worst < LOW_WATERMARK_BYTES) {
      this.#paused = false;
      this.#pty.resume();
    }
  }

  #resizePty(cols: number, rows: number): void {
    if (cols === this.#size.cols && rows === this.#size.rows) return;
    this.#size = { cols, rows };
    this.#pty.resize(cols, rows);
    this.#mirror.resize(cols, rows);
  }
}

/** Signals the pty's process; a process already gone is not an error. */
function kill(pty: TerminalPty, signal: string): void {
  try {
    pty.kill(signal);
  } catch {
    // ESRCH: it exited between our check and the signal.
  }
}
