// A warm sandbox's pre-spawned shell: its output (the prompt) is kept until a terminal
// takes the shell, then replayed first, so the student sees the prompt at once.
import type { SandboxTty, TerminalSize, TtyExit } from '../../sandbox/index.js';

/** Output kept before the shell is taken (bytes); a shell that prints more is given up. */
export const SHELL_BUFFER_MAX_BYTES = 64 * 1024;

/** A shell held by the pool until `take`. */
export class BufferedShell {
  readonly #tty: SandboxTty;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #exited: TtyExit | null = null;
  #dead = false;
  readonly #subs: { dispose(): void }[] = [];

  constructor(tty: SandboxTty) {
    this.#tty = tty;
    this.#subs.push(
      tty.onData((d) => {
        this.#bytes += d.length;
        if (this.#bytes > SHELL_BUFFER_MAX_BYTES) return this.close();
        this.#chunks.push(d);
      }),
      tty.onExit((e) => {
        this.#exited = e;
      }),
    );
  }

  /**
   * The shell for a terminal of `size`, its kept output delivered before anything newer;
   * null when it has died or was given up (the caller opens a new one).
   */
  take(size: TerminalSize): SandboxTty | null {
    if (this.#dead || this.#exited !== null) return null;
    for (const s of this.#subs.splice(0)) s.dispose();
    const kept = this.#chunks;
    this.#chunks = [];
    const tty = this.#tty;
    tty.resize(size.cols, size.rows);
    let replayed = false;
    return {
      get pid() {
        return tty.pid;
      },
      onData(listener) {
        // The first listener (the terminal) gets the kept output first, in order.
        if (!replayed) {
          replayed = true;
          for (const chunk of kept) listener(chunk);
        }
        return tty.onData(listener);
      },
      onExit: (listener) => tty.onExit(listener),
      write: (data) => tty.write(data),
      resize: (cols, rows) => tty.resize(cols, rows),
      pause: () => tty.pause(),
      resume: () => tty.resume(),
      kill: (signal) => tty.kill(signal),
    };
  }

  /** Ends the shell (never taken, or given up). */
  close(): void {
    if (this.#dead) return;
    this.#dead = true;
    for (const s of this.#subs.splice(0)) s.dispose();
    this.#chunks = [];
    try {
      this.#tty.kill('SIGHUP');
    } catch {
      // already gone
    }
  }
}
