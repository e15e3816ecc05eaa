// pier's server: one HTTP server on one port hosting Next's pages, the JSON API, the
// terminal and session-event WebSockets, and the port proxy, over the session core.
//
// Start-up, in order: config → logger → state dir, cookie secret, database → sandbox
// runtime → session core (adopting what a previous process left) → port proxy → Next →
// listen. Closing undoes it in reverse but never destroys sandboxes: a restarted server
// adopts them.
import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { loadConfig, type Config } from './config.js';
import { isServerError } from './errors.js';
import { createApi } from './http/api.js';
import { ClassroomEvents } from './classroom/events.js';
import { Classroom } from './classroom/service.js';
import { Recordings, createClassroomLive } from './classroom/live/index.js';
import { LessonCatalog, lessonRoots } from './lessons/catalog.js';
import { ensureOwner, loadOrCreateSecret } from './http/owner-cookie.js';
import { createPortAccess } from './http/port-access.js';
import { CreateLimiter } from './http/rate-limit.js';
import { clientErrorAnswer } from './http/client-error.js';
import { createRequestHandler } from './http/request-handler.js';
import { prepareNext, type NextApp } from './next-app.js';
import { createPortProxy, type PortProxy } from './proxy/index.js';
import { checkRuntime, openRuntime, runtimeStatus } from './runtime.js';
import type { Clock } from './sessions/clock.js';
import { createTerminalPool } from './sessions/live-terminals.js';
import { SessionManager, newId, policyFromConfig, type AdoptReport } from './sessions/manager.js';
import { openStore } from './store/store.js';
import { serveTerminalSocket } from './terminals/socket.js';
import type { Terminal } from './terminals/terminal.js';
import { createUpgradeRouter } from './ws/upgrade.js';
import { hostAdmission } from './sessions/admission.js';

/** How long a client may take to send its request headers (ms): slowloris bound. */
export const HEADERS_TIMEOUT_MS = 20_000;
/** How long a whole request may take to arrive (ms). */
export const REQUEST_TIMEOUT_MS = 120_000;
/** How long close() waits for open connections before cutting them (ms). */
export const CLOSE_GRACE_MS = 2_000;

/** How to start the server. */
export interface StartOptions {
  /** Default: loadConfig(). */
  config?: Config;
  /** Next in development mode (hot reload) instead of the production build. */
  dev?: boolean;
  /** Default: config.port (0: any free port). */
  port?: number;
  /** Default: config.host. */
  hostname?: string;
  /** false: no Next at all (API and WebSockets only; other paths answer 404). Default true. */
  next?: boolean;
  /** Default: pino at config.logLevel on stdout. */
  logger?: Logger;
  clock?: Clock;
}

/** A running server. */
export interface RunningServer {
  /** Where it serves, e.g. `http://localhost:3000`. */
  url: string;
  port: number;
  /** What start-up adoption found. */
  adopted: AdoptReport;
  /** The session core (for tests and the CLI's status line). */
  sessions: SessionManager<Terminal>;
  /** The classroom (accounts, classes, the grid; its set-up code for tests). */
  classroom: Classroom;
  /**
   * Stops serving: closes sockets, terminals (their ptys), timers and the database.
   * Sandboxes are kept. Idempotent.
   */
  close(): Promise<void>;
}

/** The directory holding package.json (pier's root), from this file in server/ or dist/server/. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('pier: cannot find the project root (package.json)');
    dir = up;
  }
}

/** The URL to print for a listening address: wildcard addresses read as localhost. */
function displayUrl(hostname: string, port: number): string {
  const host = hostname === '0.0.0.0' || hostname === '::' || hostname === '' ? 'localhost' : hostname.includes(':') ? `[${hostname}]` : hostname;
  return `http://${host}:${port}`;
}

/** Starts the server; resolves once it listens. */
export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = options.config ?? loadConfig();
  const log = options.logger ?? pino({ level: config.logLevel, base: { app: 'pier' } });
  const port = options.port ?? config.port;
  const hostname = options.hostname ?? config.host;
  const cleanups: (() => Promise<void> | void)[] = [];
  const undo = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch((err: unknown) => log.error({ err }, 'cleanup failed'));
  };
  try {
    mkdirSync(config.stateDir, { recursive: true, mode: 0o711 });
    const secret = loadOrCreateSecret(path.join(config.stateDir, 'secret'));
    const store = openStore(config.database || path.join(config.stateDir, 'pier.db'));
    cleanups.push(() => store.close());
    let serverId = store.getMeta('server_id');
    if (serverId === null) store.setMeta('server_id', (serverId = newId()));

    const runtime = openRuntime(config);
    await checkRuntime(config, log);
    await runtime.images.current(); // IMAGE_NOT_FOUND now, not at the first student's click
    const lessonCatalog = new LessonCatalog({
      dirs: lessonRoots(config),
      onProblems: (entry, lines) => log.warn({ area: 'lessons', lesson: entry.id, problems: lines }, 'lesson has problems'),
    });
    const classroomEvents = new ClassroomEvents((err) => log.error({ err, area: 'classroom' }, 'classroom listener failed'));
    cleanups.push(() => classroomEvents.clear());
    // Every pty a terminal opens is recorded (asciicast, output only); ended after the terminals close.
    const recordings = new Recordings({
      store,
      dir: path.join(config.stateDir, 'recordings'),
      maxBytes: config.recordingMaxBytes,
      retentionMs: config.recordingRetention,
      log: log.child({ area: 'recordings' }),
    });
    recordings.init();
    cleanups.push(() => recordings.close());
    let sessions: SessionManager<Terminal> | null = null;
    const terminals = createTerminalPool((sessionId) => sessions?.touch(sessionId), (meta) => recordings.start(meta));
    sessions = new SessionManager<Terminal>({
      driver: runtime.driver,
      store,
      policy: policyFromConfig(config),
      log: log.child({ area: 'sessions' }),
      terminals,
      serverId,
      ...(options.clock ? { clock: options.clock } : {}),
      admission: hostAdmission(config.stateDir, { memoryBytes: config.admissionReserve.memory, diskBytes: config.admissionReserve.disk }),
      lessons: { get: (id) => lessonCatalog.get(id) ?? null },
      typeInto: (terminal, text) => void terminal.type(text),
      onStepActivity: (change) => classroomEvents.emitStep(change),
    });
    const manager = sessions;
    cleanups.push(() => manager.close());
    const adopted = await manager.adopt();

    const classroom = new Classroom({
      store,
      events: classroomEvents,
      sessions: manager,
      lessons: { get: (id) => lessonCatalog.get(id) ?? null },
      caps: { memoryBytes: config.limits.memory, cpus: config.limits.cpus, pids: config.limits.pids, diskBytes: config.limits.disk, maxLifetimeMs: Math.max(config.sessionMaxLifetime, config.sessionLifetime) },
      openPlayground: config.openPlayground,
      secret,
      log: log.child({ area: 'classroom' }),
    });
    const classLive = createClassroomLive({ classroom, store, sessions: manager, recordings, log: log.child({ area: 'classroom-live' }) });
    cleanups.push(() => classLive.close());
    const setupCode = classroom.accounts.setupCode;
    if (setupCode !== null) {
      log.warn({ area: 'classroom', setupCode }, `no account yet: open pier in a browser on this host, or enter the set-up code ${setupCode}, or run \`pier admin create\``);
    }

    const proxyLog = log.child({ area: 'proxy' });
    // Path form: the owner cookie; subdomain form: the `pier_port` cookie a link's token gave.
    const portAccess = createPortAccess({
      sessions: manager,
      secret,
      onRefused: (fields) => proxyLog.debug(fields, 'port access refused'),
    });
    const proxy: PortProxy = createPortProxy({
      subnetPool: config.subnetPool,
      subnetPrefix: config.subnetPrefix,
      log: proxyLog,
      resolve: portAccess.resolve,
      signIn: portAccess.signIn,
    });
    cleanups.push(() => proxy.close());

    let nextApp: NextApp | null = null;
    if (options.next !== false) {
      nextApp = await prepareNext({ dir: projectRoot(), dev: options.dev ?? false, hostname, port });
      const app = nextApp;
      cleanups.push(() => app.close());
    }

    const upgrades = createUpgradeRouter({
      sessions: manager,
      secret,
      log: log.child({ area: 'ws' }),
      proxy,
      maxSocketsPerOwner: config.maxSocketsPerOwner,
      classroom: classLive.upgrade,
      fallback: nextApp
        ? (req, socket, head) => {
            if (!nextApp?.handleUpgrade(req, socket, head)) socket.destroy();
          }
        : null,
      terminalSocket: {
        prepare: async (terminalId, owner) => (await manager.attachTerminal(terminalId, owner)).terminal,
        serve: (ws, terminal) => serveTerminalSocket(ws, terminal, { readOnly: false, log: log.child({ area: 'terminal' }) }),
        refusal: (err) => (isServerError(err) ? err.status : 503),
      },
    });

    const api = createApi({
      sessions: manager,
      limiter: new CreateLimiter(config.createRate),
      secret,
      log: log.child({ area: 'api' }),
      lessons: {
        catalog: { list: () => lessonCatalog.lessons(), get: (id) => lessonCatalog.get(id) ?? null },
        progressOf: (owner) => store.progressOf(owner),
        sessions: manager,
      },
      classroom: { classroom, secret, log: log.child({ area: 'classroom' }), hostStatus: () => runtimeStatus(config) },
      live: classLive.api,
    });
    const server = http.createServer(createRequestHandler({ api, proxy, pages: nextApp
          ? (req, res) => {
              ensureOwner(req, res, secret);
              return nextApp.handleRequest(req, res);
            }
          : null, log }));
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.on('upgrade', upgrades.handle);
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      log.debug({ err }, 'client error');
      const answer = clientErrorAnswer(err, (socket as Socket).bytesRead);
      if (answer.kind === 'answer' && socket.writable) socket.end(answer.response);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // Stop accepting first, then end the WebSockets (they are no longer the HTTP server's
    // connections), then wait briefly for HTTP requests in flight.
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        }),
      () => upgrades.close(),
    );
    const actualPort = (server.address() as AddressInfo).port;
    const url = displayUrl(hostname, actualPort);
    log.info({ url, next: nextApp !== null, dev: options.dev ?? false, kept: adopted.kept.length, ended: adopted.ended.length }, 'pier serving');
    let closing: Promise<void> | null = null;
    return {
      url,
      port: actualPort,
      adopted,
      sessions: manager,
      classroom,
      close: () => (closing ??= undo().then(() => log.info('pier stopped'))),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
