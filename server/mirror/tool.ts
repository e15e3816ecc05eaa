// Runs one host tool of the mirror (argv only, allowlisted environment, bounded time).
import { spawn } from 'node:child_process';

/** Output kept of a failing tool for its error message. */
const STDERR_KEEP_CHARS = 2000;

/** A tool that exited non-zero, timed out or could not start. */
export class MirrorToolError extends Error {
  readonly code = 'MIRROR_TOOL_FAILED';
}

/**
 * Runs `file argv` with PATH and `env` only; resolves with stdout.
 * @throws MirrorToolError naming the command and its stderr
 */
export function runTool(file: string, argv: readonly string[], o: { env?: Record<string, string>; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...o.env } });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-STDERR_KEEP_CHARS)));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new MirrorToolError(`cannot run ${file}: ${e.message}`, { cause: e }));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new MirrorToolError(`${file} ${argv.join(' ')} failed (${signal ?? `exit ${code}`}): ${err.trim()}`));
    });
  });
}
