// The native side of sandbox terminals: the pier-pty addon (pier-pty.c: take a pty master
// from a console socket, size it) and the pier-ptywait program (pier-ptywait.c: reap the
// detached exec and report its exit), both built by scripts/setup.sh into build/.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from '../errors.js';

/** What the addon exports (see pier-pty.c). */
export interface PtyAddon {
  /** A listening Unix socket (mode 0600, non-blocking, close-on-exec); returns its fd. */
  listen(socketPath: string): number;
  /** Accepts one connection from root and returns the pty master it carries, or -1 if none waits. */
  receive(listenFd: number): number;
  /** The pty's other side opened from its master (no controlling terminal, close-on-exec). */
  peer(masterFd: number): number;
  /** Bytes waiting to be read on a pty master (FIONREAD). */
  pending(masterFd: number): number;
  /** TIOCSWINSZ on a pty master. */
  resize(fd: number, cols: number, rows: number): void;
}

/** The built files, relative to the repository root. */
export const PTY_ADDON_RELATIVE = 'sandbox/native/build/pier-pty.node';
export const PTY_WAIT_RELATIVE = 'sandbox/native/build/pier-ptywait';

/** `relative` found from this module upwards (sources: sandbox/native/; build: dist/sandbox/native/). */
function findUp(relative: string): string | null {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, relative);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

let loaded: { addon: PtyAddon; waiter: string } | null = null;

/** The addon and the waiter's path; throws COMMAND_NOT_FOUND when either is not built. */
export function ptyNative(): { addon: PtyAddon; waiter: string } {
  if (loaded) return loaded;
  const addonPath = findUp(PTY_ADDON_RELATIVE);
  const waiter = findUp(PTY_WAIT_RELATIVE);
  if (!addonPath || !waiter) {
    throw new SandboxError('COMMAND_NOT_FOUND', `${PTY_ADDON_RELATIVE} or ${PTY_WAIT_RELATIVE} is not built`, {
      userMessage: 'The terminal helpers are not built; run scripts/setup.sh.',
    });
  }
  const addon = createRequire(import.meta.url)(addonPath) as PtyAddon;
  loaded = { addon, waiter };
  return loaded;
}
