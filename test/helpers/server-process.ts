// A pier server as its own process (test/helpers/server-child), for tests that kill it with
// SIGKILL and start it again: a free loopback port, start until "ready", and stop.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { withTimeout } from './playground.js';

// From dist/ (plain node, as in the VM suite's guest) or from the sources (through tsx).
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const CHILD = fileURLToPath(new URL(`./server-child.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url));

/** A free TCP port on loopback (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the server process with `env`; resolves once it prints "ready". */
export async function startServerProcess(env: NodeJS.ProcessEnv, timeoutMs = 30_000): Promise<ChildProcess> {
  // No warm pool unless the test names one: its sandboxes would outlive the test's database.
  const child = spawn(process.execPath, [...(FROM_SOURCE ? ['--import', 'tsx'] : []), CHILD], { env: { PIER_WARM_POOL: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^ready /m.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${err}${out}`)));
    }),
    timeoutMs,
    'the server did not start',
  );
  return child;
}

/** Sends `signal` to the server process and waits until it exited. */
export async function stopServerProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  await exited;
}
