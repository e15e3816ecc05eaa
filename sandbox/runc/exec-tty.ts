// A terminal inside a sandbox: `runc exec --tty --detach --console-socket`, the pty master
// held by the server itself.
//
// runc makes the pty inside the sandbox's own devpts (`tty` prints /dev/pts/N) and sends its
// master over a Unix socket (SCM_RIGHTS); with --detach it then exits, so no process relays
// the bytes: the server reads and writes the master (a libuv tty handle, non-blocking) and
// sizes it with TIOCSWINSZ (sandbox/native/pier-pty.c). What this keeps:
//
//   - hang-up on server death: only the server holds the master (received close-on-exec,
//     so no child of the server inherits it); the kernel closes it when the server dies and
//     the shell, the session leader on the pty, gets SIGHUP;
//   - the exit status: a detached exec leaves its process an orphan, so runc runs under
//     pier-ptywait (pier-ptywait.c), a child subreaper that reaps it and exits with its
//     status. It holds no terminal and relays nothing;
//   - the size at start: a new pty is 0×0 and the master arrives after the command was
//     started, so the command is wrapped: sh waits on `read`; once the master is sized an
//     end-of-file character (^D: ends the read, is never echoed) lets it exec the command.
//     Keystrokes typed meanwhile wait, in order, behind that ^D.
//
// runc clears ONLCR only on a pty it relays itself; the one handed over keeps the kernel's
// default (ONLCR on), so output has CR LF line ends with no further step.
//
//   spawned ──ready (fd 3)──▶ attached ──master EOF + waiter exit──▶ exited
//      └──waiter exits first (runc failed: its stderr is the output)──▶ exited
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import tty from 'node:tty';
import type { Readable } from 'node:stream';
import { ptyNative, type PtyAddon } from '../native/pty.js';
import type { SandboxTty, TtyExit } from '../driver.js';
import type { TerminalSize } from '../types.js';

/** What tells the wrapper to go on: VEOF, which ends its `read` and is never echoed. */
const GO_BYTE = '\x04';
/** After the process exited, how long output may still come before the master is closed (ms). */
const DRAIN_GRACE_MS = 3000;
/** After the process exited, how often to look whether its output was all read (ms), and how many quiet looks end it. */
const DRAIN_POLL_MS = 10;
const DRAIN_QUIET_LOOKS = 2;
/** How much output the master's stream reads ahead (bytes). */
const READ_HIGH_WATER_MARK_BYTES = 64 * 1024;

/**
 * `cmd` wrapped to start only once its terminal is sized: sh waits on `read` until the go
 * byte (see the top of this file), then execs `cmd`. (Named for the step it replaced.)
 */
export function withOnlcrHandshake(cmd: readonly string[]): string[] {
  return ['/bin/sh', '-c', 'read -r _; exec "$@"', 'pier-tty', ...cmd];
}

export interface ExecTtyOptions {
  /** The runtime and its arguments for `exec --tty` of a command wrapped by withOnlcrHandshake. */
  file: string;
  args: string[];
  env: Record<string, string>;
  size: TerminalSize;
  /**
   * Prefix for this terminal's scratch files (`.sock`: the console socket, `.pid`: the
   * process's host pid), in a directory only root can enter; removed once used.
   */
  fifoPath: string;
}

/** `args` with the detached-console options after the `exec` verb. */
export function withConsoleSocket(args: readonly string[], socketPath: string, pidPath: string): string[] {
  const at = args.indexOf('exec');
  if (at < 0) throw new Error('runtime arguments without an exec verb');
  return [...args.slice(0, at + 1), '--detach', '--console-socket', socketPath, '--pid-file', pidPath, ...args.slice(at + 1)];
}

/** Starts `runc exec --tty --detach --console-socket`; see the top of this file. */
export async function spawnExecTty(o: ExecTtyOptions): Promise<SandboxTty> {
  const { addon, waiter } = ptyNative();
  const socketPath = `${o.fifoPath}.sock`;
  const pidPath = `${o.fifoPath}.pid`;
  const listenFd = addon.listen(socketPath);
  let child: ChildProcess;
  try {
    child = spawn(waiter, [o.file, ...withConsoleSocket(o.args, socketPath, pidPath)], {
      env: o.env,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    closeSync(listenFd);
    await rm(socketPath, { force: true });
    throw err;
  }
  return new ConsoleTty(addon, child, listenFd, socketPath, pidPath, o.size);
}

type Listener<T> = (value: T) => void;

/** The number of a signal name (`SIGHUP` → 1). */
function signalNumber(name: string | null): number | undefined {
  return name ? (osConstants.signals as Record<string, number>)[name] : undefined;
}

/** A pty master taken from runc, with pier-ptywait reporting the process's exit. */
class ConsoleTty implements SandboxTty {
  readonly #addon: PtyAddon;
  readonly #waiter: ChildProcess;
  #listenFd: number | null;
  readonly #socketPath: string;
  readonly #pidPath: string;
  #size: TerminalSize;
  #master: tty.ReadStream | null = null;
  #masterFd = -1;
  /** The server's own hold on the pty's other side (see pier-pty.c peer()), until the master is closed. */
  #peerFd: number | null = null;
  #paused = false;
  readonly #dataListeners = new Set<Listener<Buffer>>();
  readonly #exitListeners = new Set<Listener<TtyExit>>();
  /** Keystrokes held until the master is here and the go byte is written. */
  #pendingInput: Buffer[] | null = [];
  /** Signals asked for before the process's pid was known. */
  #pendingSignals: string[] = [];
  #shellPid: number | null = null;
  #waiterExit: TtyExit | null = null;
  #outEnded = false;
  #exitSent = false;
  #graceTimer: NodeJS.Timeout | undefined;
  #drainTimer: NodeJS.Timeout | undefined;

  constructor(addon: PtyAddon, waiter: ChildProcess, listenFd: number, socketPath: string, pidPath: string, size: TerminalSize) {
    this.#addon = addon;
    this.#waiter = waiter;
    this.#listenFd = listenFd;
    this.#socketPath = socketPath;
    this.#pidPath = pidPath;
    this.#size = size;
    waiter.on('error', (err) => {
      this.#emitText(`pier: cannot start the terminal: ${err.message}\n`);
      if (waiter.pid !== undefined) return; // it runs: 'close' follows
      this.#waiterExit = { exitCode: 127 };
      this.#outEnded = true;
      this.#closeListener();
      this.#maybeExit();
    });
    // runc's own errors ("container not running") are shown like output.
    waiter.stderr?.on('data', (d: Buffer) => this.#emitText(d.toString('utf8')));
    const status = waiter.stdio[3] as Readable | null;
    status?.on('error', () => undefined);
    status?.on('data', (d: Buffer) => {
      if (d.toString('latin1').includes('ready')) this.#onReady();
    });
    // 'close', not 'exit': runc's error text (stderr) is all read by then, so it comes first.
    waiter.on('close', (code, signal) => {
      this.#waiterExit = { exitCode: code ?? 128 + (signalNumber(signal) ?? 0), signal: signalNumber(signal) };
      this.#closeListener();
      rm(this.#pidPath, { force: true }).catch(() => undefined);
      this.#pendingInput = null;
      if (!this.#master) this.#outEnded = true;
      else {
        this.#drain();
        this.#armGrace();
      }
      this.#maybeExit();
    });
  }

  get pid(): number {
    return this.#waiter.pid ?? -1;
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
    else if (this.#master && !this.#outEnded) this.#master.write(bytes);
  }

  resize(cols: number, rows: number): void {
    this.#size = { cols, rows };
    if (this.#master && !this.#outEnded) this.#addon.resize(this.#masterFd, cols, rows);
  }

  pause(): void {
    // Once the process is gone what is left is bounded by the kernel's buffers: not held.
    if (this.#waiterExit) return;
    this.#paused = true;
    this.#master?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#master?.resume();
    if (this.#waiterExit) this.#drain();
  }

  kill(signal = 'SIGHUP'): void {
    if (this.#waiterExit) throw Object.assign(new Error('kill ESRCH'), { code: 'ESRCH' });
    if (this.#shellPid === null) this.#pendingSignals.push(signal);
    else process.kill(this.#shellPid, signal);
  }

  /** runc exited 0: the master waits on the console socket. */
  #onReady(): void {
    if (this.#listenFd === null || this.#master) return;
    let fd: number;
    try {
      fd = this.#addon.receive(this.#listenFd);
      if (fd < 0) throw new Error('runc exited without sending a terminal');
      try {
        this.#addon.resize(fd, this.#size.cols, this.#size.rows);
        this.#peerFd = this.#addon.peer(fd);
      } catch (err) {
        closeSync(fd);
        throw err;
      }
    } catch (err) {
      this.#emitText(`pier: ${(err as Error).message}\n`);
      this.#closeListener();
      this.#waiter.kill('SIGKILL');
      return;
    }
    this.#closeListener();
    this.#masterFd = fd;
    // A high-water mark as a pipe's: tty.ReadStream's default of 0 stops reading after every chunk.
    // readableHighWaterMark is a Duplex option tty.ReadStream passes on; @types/node omits it.
    const options: ConstructorParameters<typeof tty.ReadStream>[1] & { readableHighWaterMark: number } = { readableHighWaterMark: READ_HIGH_WATER_MARK_BYTES };
    const master = new tty.ReadStream(fd, options);
    this.#master = master;
    master.on('data', (d: Buffer) => this.#emit(d));
    // The peer is held until the master is closed here, so no EIO: a read error ends the stream.
    master.on('error', () => undefined);
    master.on('close', () => {
      this.#outEnded = true;
      if (this.#peerFd !== null) closeSync(this.#peerFd);
      this.#peerFd = null;
      this.#maybeExit();
    });
    if (this.#paused) master.pause();
    const pending = this.#pendingInput ?? [];
    this.#pendingInput = null;
    master.write(GO_BYTE);
    for (const bytes of pending) master.write(bytes);
    readFile(this.#pidPath, 'utf8')
      .then((text) => {
        const pid = Number(text.trim());
        if (!Number.isInteger(pid) || pid <= 1) throw new Error(`bad pid file: ${text}`);
        this.#shellPid = pid;
        for (const s of this.#pendingSignals.splice(0)) if (!this.#waiterExit) process.kill(pid, s);
      })
      .catch(() => {
        // No pid: signals still end the process, through its terminal.
        if (this.#pendingSignals.length > 0) master.destroy();
      })
      .finally(() => rm(this.#pidPath, { force: true }).catch(() => undefined));
  }

  /**
   * The process is gone: closes the master once everything it wrote was read (nothing waits
   * in the kernel nor in the stream, twice DRAIN_POLL_MS apart). Never while paused.
   */
  #drain(): void {
    clearTimeout(this.#drainTimer);
    let quiet = 0;
    const look = (): void => {
      const master = this.#master;
      if (!master || this.#outEnded || this.#paused) return;
      let pending = 0;
      try {
        pending = this.#addon.pending(this.#masterFd);
      } catch {
        // closed meanwhile
      }
      quiet = pending === 0 && master.readableLength === 0 ? quiet + 1 : 0;
      if (quiet >= DRAIN_QUIET_LOOKS) master.destroy();
      else this.#drainTimer = setTimeout(look, DRAIN_POLL_MS);
    };
    this.#drainTimer = setTimeout(look, DRAIN_POLL_MS);
  }

  #closeListener(): void {
    if (this.#listenFd === null) return;
    closeSync(this.#listenFd);
    this.#listenFd = null;
    rm(this.#socketPath, { force: true }).catch(() => undefined);
  }

  #emitText(text: string): void {
    this.#emit(Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8'));
  }

  #emit(bytes: Buffer): void {
    if (bytes.length === 0) return;
    for (const l of [...this.#dataListeners]) l(bytes);
  }

  /** The process is gone; a background job that keeps writing to the terminal: close it after a while. */
  #armGrace(): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = setTimeout(() => {
      // Output that waits for a paused reader is not abandoned: look again later.
      if (this.#paused) this.#armGrace();
      else this.#master?.destroy();
    }, DRAIN_GRACE_MS).unref();
  }

  #maybeExit(): void {
    if (this.#exitSent || !this.#waiterExit || !this.#outEnded) return;
    this.#exitSent = true;
    clearTimeout(this.#graceTimer);
    clearTimeout(this.#drainTimer);
    const status = this.#waiterExit;
    for (const l of [...this.#exitListeners]) l(status);
  }
}
