// Starts the real pier server (`node bin/pier up`) as a child process on a free port, as a
// user would, and stops it by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import net from 'node:net';

const PIER_BIN = fileURLToPath(new URL('../../bin/pier', import.meta.url));
/** How long the server may take to answer /healthz after it was started. */
export const SERVER_START_TIMEOUT_MS = 60_000;

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** A running server. */
export interface RunningServer {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period. */
  stop(): Promise<void>;
  /** SIGKILL at once (a crash). */
  kill(): Promise<void>;
}

/** Starts `pier up` on `port` (a free one by default) and waits for /healthz. */
export async function startServer(port?: number): Promise<RunningServer> {
  const p = port ?? (await freePort());
  // No warm pool unless a test asks: its ready sandboxes would outlive the test's server.
  const env = { ...process.env, PIER_WARM_POOL: process.env.PIER_WARM_POOL ?? '0' };
  const child = spawn(PIER_BIN, ['up', '--port', String(p), '--host', '127.0.0.1'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${p}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`pier up exited ${child.exitCode}:\n${out}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`pier up did not answer /healthz within ${SERVER_START_TIMEOUT_MS} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const waitExit = async (ms: number) => Promise.race([exited, new Promise((r) => setTimeout(r, ms))]);
  return {
    url,
    port: p,
    child,
    output: () => out,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await waitExit(10_000);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
