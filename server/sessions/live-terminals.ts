// The terminal backend of the session core: server/terminals' Terminal over a node's pty,
// with every keystroke counted as session activity (the idle timeout).
import type { SandboxTty } from '../../sandbox/index.js';
import { Terminal } from '../terminals/terminal.js';
import type { TerminalPty } from '../terminals/types.js';
import { TerminalPool, type TerminalBackend, type TerminalMeta } from './terminal-pool.js';

/**
 * A pty whose writes (keystrokes from any viewer) also call `onInput`. Everything else is
 * the pty's own.
 */
export function withInputHook(pty: SandboxTty, onInput: () => void): TerminalPty {
  return {
    onData: (listener) => pty.onData(listener),
    onExit: (listener) => pty.onExit(listener),
    write(data) {
      onInput();
      pty.write(data);
    },
    resize: (cols, rows) => pty.resize(cols, rows),
    pause: () => pty.pause(),
    resume: () => pty.resume(),
    kill: (signal) => pty.kill(signal),
  };
}

/** Where a pty's output (never its input) and resizes are copied: a recording. */
export interface OutputTap {
  output(bytes: Uint8Array): void;
  resize(cols: number, rows: number): void;
  end(): void;
}

/** A pty whose output and resizes also go to `tap`, which ends when the pty exits. */
export function withOutputTap(pty: SandboxTty, tap: OutputTap): SandboxTty {
  pty.onData((data) => tap.output(data));
  pty.onExit(() => tap.end());
  return {
    pid: pty.pid,
    onData: (listener) => pty.onData(listener),
    onExit: (listener) => pty.onExit(listener),
    write: (data) => pty.write(data),
    resize(cols, rows) {
      tap.resize(cols, rows);
      pty.resize(cols, rows);
    },
    pause: () => pty.pause(),
    resume: () => pty.resume(),
    kill: (signal) => pty.kill(signal),
  };
}

/**
 * The pool of live Terminals. `onInput(sessionId)` is called on each keystroke batch
 * (SessionManager.touch); `record(meta)`, when given, starts a recording of each pty opened.
 */
export function createTerminalPool(onInput: (sessionId: string) => void, record?: (meta: TerminalMeta) => OutputTap | null): TerminalPool<Terminal> {
  const tapped = (pty: SandboxTty, meta: TerminalMeta): SandboxTty => {
    const tap = record?.(meta) ?? null;
    return tap === null ? pty : withOutputTap(pty, tap);
  };
  const backend: TerminalBackend<Terminal> = {
    open: (pty: SandboxTty, meta: TerminalMeta) => new Terminal(withInputHook(tapped(pty, meta), () => onInput(meta.sessionId)), meta.size),
    close: (terminal, reason) => terminal.dispose(reason),
    exited: (terminal) => terminal.disposed || terminal.exitStatus !== null,
  };
  return new TerminalPool(backend);
}
