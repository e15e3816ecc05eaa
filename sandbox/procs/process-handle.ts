// The plain process handle `execPiped` returns (sandbox/driver.ts SandboxProcess), over a
// Node child process: callers see streams, kill and one exit promise, nothing of Node's
// ChildProcess (a Kubernetes driver backs the same handle with an exec stream).
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { ProcessExit, SandboxProcess } from '../driver.js';

/** Wraps `child` (spawned with three pipes) as a SandboxProcess. */
export function toSandboxProcess(child: ChildProcessWithoutNullStreams): SandboxProcess {
  // An 'error' listener first: a write after the process ended must not crash the server.
  child.stdin.on('error', () => undefined);
  const exited = new Promise<ProcessExit>((resolve) => {
    let error: string | undefined;
    child.once('error', (e) => {
      error = e.message;
      // A process that never started emits no 'close' on some Node versions.
      if (child.pid === undefined) resolve({ exitCode: null, signal: null, error });
    });
    child.once('close', (code, signal) => resolve({ exitCode: code, signal, ...(error !== undefined ? { error } : {}) }));
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
