// Runs mmdebstrap for a recipe, streaming its output line by line (for progress) and
// keeping the last lines for the error message.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { SandboxError } from '../errors.js';
import { formatCommand } from '../host/command.js';
import type { ImageRecipe } from './recipe.js';

/** The longest an mmdebstrap run may take (a slow mirror, a cold cache) before it is stopped. */
export const MMDEBSTRAP_TIMEOUT_MS = 30 * 60 * 1000;
/** Between SIGTERM and SIGKILL of the whole process tree when a run is stopped. */
export const MMDEBSTRAP_KILL_GRACE_MS = 10_000;
/** Output lines kept for the error message of a failed run. */
export const OUTPUT_TAIL_LINES = 20;

/** Environment of mmdebstrap: an allowlist, never the server's environment. */
const MMDEBSTRAP_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
  DEBIAN_FRONTEND: 'noninteractive',
};

/** `pid` and every process below it, parents first, from /proc's ppid fields. */
function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Fields after the last ')' (the command name may hold anything): state, ppid, …
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // the process ended while we looked: nothing to signal
    }
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    out.push(p);
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return out;
}

/** Sends `signal` to every process of a tree; those already gone are skipped. */
function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const p of processTree(pid)) {
    try {
      process.kill(p, signal);
    } catch {
      // exited in between: nothing to stop
    }
  }
}

/**
 * argv of mmdebstrap for `recipe` into the directory `target`.
 *
 * `--verbose` makes mmdebstrap pass apt's and dpkg's own output through (`Get:N`,
 * `Unpacking`, `Setting up`), which the progress parser counts; its own progress bars
 * are drawn only on a TTY, and `--aptopt=APT::Status-Fd` would stay in the image's apt
 * configuration for good. The output also makes a useful error message.
 * @param mirrors MIRROR arguments (see mirror.ts); empty for mmdebstrap's default
 */
export function mmdebstrapArgs(recipe: ImageRecipe, target: string, mirrors: readonly string[]): string[] {
  return [
    '--verbose',
    '--mode=root',
    '--format=directory',
    `--variant=${recipe.variant}`,
    `--include=${recipe.packages.join(',')}`,
    '--',
    recipe.suite,
    target,
    ...mirrors,
  ];
}

/** Options of runMmdebstrap. */
export interface MmdebstrapOptions {
  /** Called with every output line (stdout and stderr). */
  onLine?: (line: string) => void;
  /** Stops the run (SIGTERM, then SIGKILL) and rejects. */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/**
 * Runs `mmdebstrap args…` to completion.
 * @throws SandboxError COMMAND_NOT_FOUND (no mmdebstrap), IMAGE_BUILD_FAILED (non-zero
 *   exit, timeout or abort; the message ends with the last OUTPUT_TAIL_LINES lines)
 */
export function runMmdebstrap(args: readonly string[], options: MmdebstrapOptions = {}): Promise<void> {
  const timeoutMs = options.timeoutMs ?? MMDEBSTRAP_TIMEOUT_MS;
  // The package list is long and already in the recipe: leave it out of log lines.
  const shown = args.map((a) => (a.startsWith('--include=') ? `--include=<${a.split(',').length} packages>` : a));
  const command = formatCommand('mmdebstrap', shown);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) return reject(new SandboxError('IMAGE_BUILD_FAILED', `${command} was interrupted before it started`));
    const child = spawn('mmdebstrap', args, { env: MMDEBSTRAP_ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    let stopped: string | null = null;
    let killTimer: NodeJS.Timeout | undefined;

    const onLine = (line: string): void => {
      tail.push(line);
      if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
      options.onLine?.(line);
    };
    createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', onLine);
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', onLine);

    // mmdebstrap answers SIGTERM by waiting for its worker to finish the current stage
    // (minutes), and the worker's apt and dpkg hold our pipes open: signal the whole tree.
    // It stays in our process group, so a terminal's Ctrl-C reaches all of it anyway.
    const stop = (why: string): void => {
      if (stopped !== null || child.pid === undefined) return;
      stopped = why;
      const pid = child.pid;
      signalTree(pid, 'SIGTERM');
      killTimer = setTimeout(() => {
        // Once reaped, its pid may belong to someone else: never signal it then.
        if (child.exitCode === null && child.signalCode === null) signalTree(pid, 'SIGKILL');
      }, MMDEBSTRAP_KILL_GRACE_MS);
    };
    const timer = setTimeout(() => stop(`took over ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const onAbort = (): void => stop('was interrupted');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (): void => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      options.signal?.removeEventListener('abort', onAbort);
    };

    child.on('error', (err: NodeJS.ErrnoException) => {
      finish();
      if (err.code === 'ENOENT') {
        reject(new SandboxError('COMMAND_NOT_FOUND', 'mmdebstrap is not installed (Debian package mmdebstrap)', { cause: err }));
      } else {
        reject(new SandboxError('IMAGE_BUILD_FAILED', `cannot run ${command}: ${err.message}`, { cause: err }));
      }
    });
    child.on('close', (code, signal) => {
      finish();
      if (code === 0 && stopped === null) return resolve();
      const how = stopped ?? `exited ${code ?? signal}`;
      reject(new SandboxError('IMAGE_BUILD_FAILED', `${command} ${how}; last output:\n${tail.join('\n')}`));
    });
  });
}
