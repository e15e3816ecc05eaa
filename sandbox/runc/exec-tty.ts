// A terminal inside a sandbox: `runc exec --tty` with its output taken off the host pty.
//
// runc exec --tty relays between its own stdio and the pty it makes inside the container.
// With all three on a host pty (node-pty's), every output byte crosses two ptys — the
// container's and the host's — and the host pty's line discipline halves the rate of a
// `cat`. Here runc's stdout is a FIFO the server reads directly; stdin and stderr stay on
// the host pty, which keeps what only a pty gives:
//
//   - runc needs one of its stdio to be a terminal (it sizes and sets raw the "host
//     console", the first of stderr, stdout, stdin that is one) — stderr is;
//   - resizing the host pty sends runc SIGWINCH (runc is the session leader on it), which
//     runc passes on as the container pty's new size;
//   - if the server dies, the host pty hangs up: runc gets SIGHUP and passes it to the
//     shell, so no shell outlives its server;
//   - runc's own errors ("container not running") arrive on the host pty and are shown.
//
// One thing runc does for a host terminal must be undone: it clears ONLCR on the container
// pty (the host pty would have turned "\n" into "\r\n" a second time), which would leave a
// bare "\n" in the output here. runc clears it before it relays a single byte, so the
// command is wrapped: sh prints READY_MARK and waits on `read`; once the marker arrives
// here, ONLCR is known to be cleared, and an end-of-file character (^D: ends the read, is
// never echoed) lets the wrapper go on to `stty onlcr` and exec the command. Keystrokes
// written before that wait, in order. (sh, not bash: bash drops PS1 from the environment
// when it is not interactive.)
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { constants, open } from 'node:fs';
import net from 'node:net';
import { promisify } from 'node:util';
import * as pty from 'node-pty';
import type { SandboxTty, TtyExit } from '../driver.js';
import type { TerminalSize } from '../types.js';

const execFileAsync = promisify(execFile);
const openFd = promisify(open);

/** Printed by the wrapper once the container pty is set up; never reaches a viewer. */
export const READY_MARK = '\x1b]7777;pier-tty-ready\x07';
const READY_MARK_BYTES = Buffer.from(READY_MARK, 'latin1');
/** What tells the wrapper to go on: VEOF, which ends its `read` and is never echoed. */
const GO_BYTE = '\x04';
/** After runc exits, how long its FIFO may stay open before it is closed anyway (ms). */
const FIFO_DRAIN_GRACE_MS = 3000;
/** Name of the terminal the shell sees. */
const TERM_NAME = 'xterm-256color';

/**
 * `cmd` wrapped for a terminal whose output does not go through a host pty: print
 * READY_MARK, wait for the go byte (runc has cleared ONLCR by then), turn ONLCR back on,
 * exec `cmd`. The `read` ends at the go byte's end-of-file; a failing `stty` does not stop
 * the command.
 */
export function withOnlcrHandshake(cmd: readonly string[]): string[] {
  return ['/bin/sh', '-c', 'printf %s "$0"; read -r _; stty onlcr 2>/dev/null; exec "$@"', READY_MARK, ...cmd];
}

export interface ExecTtyOptions {
  /** runc and its arguments for `exec --tty` of a command wrapped by withOnlcrHandshake. */
  file: string;
  args: string[];
  env: Record<string, string>;
  size: TerminalSize;
  /** Path for the FIFO (in a directory only root can enter); removed once opened. */
  fifoPath: string;
}

/** Starts `runc exec --tty` with its stdout on a FIFO; see the top of this file. */
export async function spawnExecTty(o: ExecTtyOptions): Promise<SandboxTty> {
  await execFileAsync('mkfifo', ['-m', '600', o.fifoPath]);
  let out: net.Socket;
  try {
    // Non-blocking read end first, so the writer's open (in sh below) returns at once.
    const fd = await openFd(o.fifoPath, constants.O_RDONLY | constants.O_NONBLOCK);
    out = new net.Socket({ fd, readable: true, writable: false });
  } catch (err) {
    await rm(o.fifoPath, { force: true });
    throw err;
  }
  let term: pty.IPty;
  try {
    // sh puts runc's stdout on the FIFO and execs it: runc keeps sh's pid, session and pty.
    term = pty.spawn('/bin/sh', ['-c', 'exec "$@" >"$0"', o.fifoPath, o.file, ...o.args], {
      name: TERM_NAME,
      cols: o.size.cols,
      rows: o.size.rows,
      env: o.env,
      encoding: null,
    });
  } catch (err) {
    out.destroy();
    await rm(o.fifoPath, { force: true });
    throw err;
  }
  return new ExecTty(term, out, o.fifoPath);
}

type Listener<T> = (value: T) => void;

/** runc exec on a host pty (input, size, errors) with its output on a FIFO. */
class ExecTty implements SandboxTty {
  readonly #term: pty.IPty;
  readonly #out: net.Socket;
  readonly #fifoPath: string;
  readonly #dataListeners = new Set<Listener<Buffer>>();
  readonly #exitListeners = new Set<Listener<TtyExit>>();
  /** Output before the marker is known to be there or not. */
  #head: Buffer | null = Buffer.alloc(0);
  /** Keystrokes held until the wrapper has had its go byte. */
  #pendingInput: Buffer[] | null = [];
  #termExit: TtyExit | null = null;
  #outEnded = false;
  #exitSent = false;
  #graceTimer: NodeJS.Timeout | undefined;

  constructor(term: pty.IPty, out: net.Socket, fifoPath: string) {
    this.#term = term;
    this.#out = out;
    this.#fifoPath = fifoPath;
    out.on('data', (d: Buffer) => this.#onOutput(d));
    out.on('error', () => undefined); // a read error ends the stream: 'close' follows
    out.on('close', () => {
      this.#outEnded = true;
      this.#removeFifo();
      this.#maybeExit();
    });
    // The host pty carries only what runc itself writes to stderr.
    term.onData((d) => this.#emit(typeof d === 'string' ? Buffer.from(d, 'utf8') : Buffer.from(d)));
    term.onExit((e) => {
      this.#termExit = { exitCode: e.exitCode, signal: e.signal };
      this.#releaseInput(false);
      // runc is gone, so is the only writer: EOF follows once the FIFO is drained. Close it
      // anyway if nothing arrives for a while (the writer never opened it).
      this.#armGrace();
      this.#maybeExit();
    });
  }

  get pid(): number {
    return this.#term.pid;
  }

  onData(listener: Listener<Buffer>): { dispose(): void } {
    this.#dataListeners.add(listener);
    return { dispose: () => this.#dataListeners.delete(listener) };
  }

  onExit(listener: Listener<TtyExit>): { dispose(): void } {
    this.#exitListeners.add(listener);
    return { dispose: () => this.#exitListeners.delete(listener) };
  }

  write(data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (this.#pendingInput) this.#pendingInput.push(bytes);
    else if (!this.#termExit) this.#term.write(bytes);
  }

  resize(cols: number, rows: number): void {
    if (!this.#termExit) this.#term.resize(cols, rows);
  }

  pause(): void {
    this.#out.pause();
  }

  resume(): void {
    this.#out.resume();
  }

  kill(signal?: string): void {
    this.#term.kill(signal);
  }

  #onOutput(d: Buffer): void {
    if (this.#head === null) {
      this.#emit(d);
      return;
    }
    const head = Buffer.concat([this.#head, d]);
    const mark = READY_MARK_BYTES;
    const n = Math.min(head.length, mark.length);
    if (head.subarray(0, n).equals(mark.subarray(0, n))) {
      if (head.length < mark.length) {
        this.#head = head; // the marker so far: wait for the rest
        return;
      }
      this.#head = null;
      this.#removeFifo();
      this.#releaseInput(true);
      if (head.length > mark.length) this.#emit(head.subarray(mark.length));
      return;
    }
    // Not the wrapper speaking (runc failed, or another command): pass everything on.
    this.#head = null;
    this.#releaseInput(false);
    this.#emit(head);
  }

  /** Ends the hold on input: the go byte first (when the wrapper waits), then what waited. */
  #releaseInput(go: boolean): void {
    const pending = this.#pendingInput;
    if (!pending) return;
    this.#pendingInput = null;
    if (this.#termExit) return;
    if (go) this.#term.write(GO_BYTE);
    for (const bytes of pending) this.#term.write(bytes);
  }

  #emit(bytes: Buffer): void {
    if (bytes.length === 0) return;
    for (const l of [...this.#dataListeners]) l(bytes);
  }

  #armGrace(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(() => {
      // Output that waits for a paused reader is not abandoned: look again later.
      if (this.#out.isPaused()) this.#armGrace();
      else this.#out.destroy();
    }, FIFO_DRAIN_GRACE_MS).unref();
  }

  #maybeExit(): void {
    if (this.#exitSent || !this.#termExit || !this.#outEnded) return;
    this.#exitSent = true;
    clearTimeout(this.#graceTimer);
    if (this.#head && this.#head.length > 0) this.#emit(this.#head);
    this.#head = null;
    const status = this.#termExit;
    for (const l of [...this.#exitListeners]) l(status);
  }

  #removeFifo(): void {
    rm(this.#fifoPath, { force: true }).catch(() => undefined);
  }
}
