// Runs host programs (runc, ip, nft, mount…) with argv arrays, never shell strings, and
// turns failures into SandboxErrors that carry the command and its stderr.
import { spawn } from 'node:child_process';
import { SandboxError } from '../errors.js';

/** Default time a host command may take before it is killed. */
export const COMMAND_TIMEOUT_MS = 30_000;

/** Environment for host tools: an allowlist, never the server's own environment. */
const HOST_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C.UTF-8',
};

/** What a finished host command produced. */
export interface CommandResult {
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Bytes written to stdin, then closed. */
  input?: string | Buffer;
  /** Kill after this many milliseconds (default COMMAND_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Extra environment on top of the allowlist. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Quotes argv for a log line only; never passed to a shell. */
export function formatCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Runs `file args…` and resolves with its result whatever the exit code.
 * Rejects only when the program cannot be started or times out.
 */
export function runCommand(file: string, args: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? COMMAND_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...HOST_ENV, ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {
      /* the program may exit before reading its input; its exit code tells */
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const code = e.code === 'ENOENT' ? 'COMMAND_NOT_FOUND' : 'COMMAND_FAILED';
      reject(new SandboxError(code, `cannot run ${formatCommand(file, args)}: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = {
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (timedOut) {
        reject(new SandboxError('COMMAND_TIMEOUT', `${formatCommand(file, args)} took over ${timeoutMs} ms`));
      } else {
        resolve(result);
      }
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/**
 * Runs `file args…` and rejects with a SandboxError (code `errorCode`, default
 * COMMAND_FAILED) unless it exits 0. Resolves with stdout.
 */
export async function runChecked(
  file: string,
  args: readonly string[],
  options: CommandOptions & { errorCode?: 'COMMAND_FAILED' | 'RUNC_FAILED' | 'DISK_SETUP_FAILED' | 'IMAGE_BUILD_FAILED' } = {},
): Promise<string> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    const why = result.stderr.trim() || result.stdout.trim() || `signal ${result.signal ?? '?'}`;
    throw new SandboxError(
      options.errorCode ?? 'COMMAND_FAILED',
      `${formatCommand(file, args)} exited ${result.code ?? result.signal}: ${why}`,
    );
  }
  return result.stdout;
}
