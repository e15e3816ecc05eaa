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

/**
 * The pool of live Terminals. `onInput(sessionId)` is called on each keystroke batch
 * (SessionManager.touch).
 */
export function createTerminalPool(onInput: (sessionId: string) => void): TerminalPool<Terminal> {
  const backend: TerminalBackend<Terminal> = {
    open: (pty: SandboxTty, meta: TerminalMeta) => new Terminal(withInputHook(pty, () => onInput(meta.sessionId)), meta.size),
    close: (terminal, reason) => terminal.dispose(reason),
    exited: (terminal) => terminal.disposed || terminal.exitStatus !== null,
  };
  return new TerminalPool(backend);
}
