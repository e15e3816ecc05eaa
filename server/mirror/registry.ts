// Runs the host registry (docker-registry) as a child of the server: started with it,
// restarted when it dies, stopped with it. Its config and storage live under the state dir.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { renderRegistryConfig, type RegistryMode } from './registry-config.js';

/** The registry binary of Debian's docker-registry package. */
export const REGISTRY_BINARY = 'docker-registry';
/** How long a start may take until the registry says it listens. */
export const REGISTRY_START_TIMEOUT_MS = 15_000;
/** First delay before restarting a registry that died; doubles up to the maximum. */
export const RESTART_DELAY_MS = 500;
export const RESTART_DELAY_MAX_MS = 30_000;
/** A registry that ran this long before dying restarts after the first delay again. */
export const RESTART_RESET_AFTER_MS = 60_000;
/** How much of a failed start's stderr its error keeps. */
const STDERR_TAIL_CHARS = 800;
/** SIGTERM, then this long, then SIGKILL. */
export const STOP_GRACE_MS = 5_000;

/** Where one mirror keeps its files (under the state dir). */
export function registryPaths(stateDir: string) {
  const dir = path.join(stateDir, 'mirror');
  return { dir, storage: path.join(dir, 'storage'), config: path.join(dir, 'config.yml'), preloadConfig: path.join(dir, 'preload.yml') };
}

/** A free loopback TCP port (bound, read, released: the registry binds it right after). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Options of one supervised registry. */
export interface RegistryOptions {
  mode: RegistryMode;
  stateDir: string;
  /** Loopback port; 0 picks a free one. */
  port: number;
  upstream: string;
  log: Logger;
  /** Config file to write (default: `<stateDir>/mirror/config.yml`). */
  configFile?: string;
}

/**
 * A supervised registry process.
 *
 *   start() ─▶ running ──exit──▶ waiting (delay) ──▶ running …
 *                 └──── stop() ──▶ stopped (no restart)
 */
export class SupervisedRegistry {
  #opts: RegistryOptions;
  #child: ChildProcess | null = null;
  #stopped = false;
  #delayMs = RESTART_DELAY_MS;
  #timer: NodeJS.Timeout | null = null;
  #port = 0;
  /** How many times the registry was (re)started; tests read it. */
  starts = 0;

  constructor(opts: RegistryOptions) {
    this.#opts = opts;
  }

  /** Loopback address the registry listens on, once started. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** The running child's pid, or null. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** Writes the config and starts the registry; resolves once it listens. */
  async start(): Promise<void> {
    const p = registryPaths(this.#opts.stateDir);
    await mkdir(p.storage, { recursive: true, mode: 0o700 });
    this.#port = this.#opts.port === 0 ? await freeLoopbackPort() : this.#opts.port;
    const configFile = this.#opts.configFile ?? p.config;
    await writeFile(configFile, renderRegistryConfig({ mode: this.#opts.mode, storageDir: p.storage, port: this.#port, upstream: this.#opts.upstream }), { mode: 0o600 });
    await this.#spawn(configFile);
  }

  /** Spawns the process and waits for its "listening on" line. */
  #spawn(configFile: string): Promise<void> {
    const log = this.#opts.log;
    // An allowlisted environment: REGISTRY_* variables of the server's would override the file.
    // setpriv --pdeathsig: the registry dies with this server, even when it is SIGKILLed (a
    // restarted server starts its own; the old one would linger on its port).
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', '--', REGISTRY_BINARY, 'serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
    this.#child = child;
    this.starts += 1;
    const startedAt = Date.now();
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        if (!ready) {
          child.kill('SIGKILL');
          reject(new Error(`${REGISTRY_BINARY} did not listen within ${REGISTRY_START_TIMEOUT_MS} ms`));
        }
      }, REGISTRY_START_TIMEOUT_MS);
      let pending = '';
      let tail = '';
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (chunk: string) => {
        pending += chunk;
        if (!ready) tail = (tail + chunk).slice(-STDERR_TAIL_CHARS);
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          if (!ready && line.includes('listening on')) {
            ready = true;
            clearTimeout(timer);
            log.info({ area: 'mirror', pid: child.pid, url: this.url, mode: this.#opts.mode }, 'registry listening');
            resolve();
          }
          // 404s of HEAD probes are logged by the registry at error level; they are normal.
          if (/"level":"(error|fatal|panic)"/.test(line) && !/"err\.code":"(blob|manifest|name) unknown"/.test(line)) log.warn({ area: 'mirror', line: line.slice(0, 500) }, 'registry');
        }
      });
      child.on('error', (err) => {
        clearTimeout(timer);
        log.error({ area: 'mirror', err }, `cannot run ${REGISTRY_BINARY} (apt install docker-registry)`);
        if (!ready) reject(err);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (this.#child === child) this.#child = null;
        if (!ready) reject(new Error(`${REGISTRY_BINARY} exited before listening (code ${code}, signal ${signal}): ${tail.trim()}`));
        if (this.#stopped) return;
        if (Date.now() - startedAt > RESTART_RESET_AFTER_MS) this.#delayMs = RESTART_DELAY_MS;
        log.error({ area: 'mirror', code, signal, restartInMs: this.#delayMs }, 'registry died; restarting');
        this.#timer = setTimeout(() => {
          this.#timer = null;
          if (this.#stopped) return;
          this.#spawn(configFile).catch((err: unknown) => log.error({ area: 'mirror', err }, 'registry restart failed'));
        }, this.#delayMs);
        this.#delayMs = Math.min(this.#delayMs * 2, RESTART_DELAY_MAX_MS);
      });
    });
  }

  /** Stops the registry for good: SIGTERM, then SIGKILL after STOP_GRACE_MS. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    const child = this.#child;
    if (child === null || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
