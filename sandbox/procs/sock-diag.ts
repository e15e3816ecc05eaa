// Runs Debian's `ss` (iproute2) inside one sandbox's network namespace to list its TCP
// listeners. `ss -Hltn` asks the kernel's sock_diag netlink interface for LISTEN sockets
// only (idiag_states = TCPF_LISTEN), and the kernel then walks only the listening hash: the
// cost does not grow with the sandbox's other sockets (100 000 in TIME_WAIT cost nothing),
// where /proc/<pid>/net/tcp prints every one of them. Issue 11 point 4; docs/SECURITY.md
// attack 43. The parsing of the few lines it prints is all the server's main thread does.
import { spawn } from 'node:child_process';
import { open, stat } from 'node:fs/promises';

/** `ss` gets this long before it is killed (ms). */
export const SS_TIMEOUT_MS = 3000;
/** At most this much of its output is read (bytes): ~10 000 listeners. */
export const SS_MAX_OUTPUT_BYTES = 1024 * 1024;

/** The environment of the child: an allowlist (nothing of the server's). */
const CHILD_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };

/** Why listing failed: the namespace is the server's own, or the process is gone, or ss failed. */
export class SockDiagError extends Error {}

/**
 * The stdout of `ss -Hltn` run in the network namespace of host process `pid`. The
 * namespace file is opened here and handed to nsenter as fd 3, so a pid reused between the
 * check and the exec cannot swap in another namespace; the server's own namespace is
 * refused (a stale pid of a host process must never show the host's listeners).
 * @throws SockDiagError
 */
export async function ssListeners(pid: number): Promise<string> {
  const ns = await open(`/proc/${pid}/ns/net`, 'r').catch((err: unknown) => {
    throw new SockDiagError(`no network namespace for process ${pid}: ${(err as Error).message}`, { cause: err });
  });
  try {
    const [theirs, ours] = await Promise.all([ns.stat(), stat('/proc/self/ns/net')]);
    if (theirs.ino === ours.ino && theirs.dev === ours.dev) {
      throw new SockDiagError(`process ${pid} shares the server's network namespace (net:[${ours.ino}])`);
    }
    return await run(ns.fd);
  } finally {
    await ns.close();
  }
}

/** Runs nsenter + ss with the namespace as fd 3; resolves with stdout (capped). */
function run(nsFd: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', ['--net=/proc/self/fd/3', 'ss', '-Hltn'], { stdio: ['ignore', 'pipe', 'pipe', nsFd], env: CHILD_ENV });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), SS_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      if (outBytes >= SS_MAX_OUTPUT_BYTES) return;
      out.push(d);
      outBytes += d.length;
      if (outBytes >= SS_MAX_OUTPUT_BYTES) child.kill('SIGKILL');
    });
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(0, 500)));
    child.once('error', (e) => (clearTimeout(timer), reject(new SockDiagError(`cannot run ss: ${e.message}`, { cause: e }))));
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).subarray(0, SS_MAX_OUTPUT_BYTES).toString('utf8');
      // Killed at the output cap: what was read is still a list of listeners (the last line may be cut).
      if (code === 0 || outBytes >= SS_MAX_OUTPUT_BYTES) resolve(text.slice(0, text.lastIndexOf('\n') + 1));
      else reject(new SockDiagError(`ss exited ${code ?? signal}: ${err.trim()}`));
    });
  });
}
