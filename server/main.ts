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
import type { Logger } from 'pino';
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
import { gateUnknownPage } from './http/page-gate.js';
import { prepareNext, type NextApp } from './next-app.js';
import { createPortProxy, type PortProxy } from './proxy/index.js';
import { checkRuntime, openRuntime, runtimeStatus } from './runtime.js';
import type { Clock } from './sessions/clock.js';
import { createTerminalPool } from './sessions/live-terminals.js';
import { SessionManager, newId, policyFromConfig, DEFAULT_TERMINAL_SIZE, TERMINAL_COMMAND, type AdoptReport } from './sessions/manager.js';
import { WarmPool } from './sessions/pool.js';
import { openStore } from './store/store.js';
import { serveTerminalSocket } from './terminals/socket.js';
import type { Terminal } from './terminals/terminal.js';
import { createUpgradeRouter } from './ws/upgrade.js';
import { hostAdmission } from './sessions/admission.js';
import { shortImageName, startMirror, type RunningMirror } from './mirror/index.js';
import { createAccessLog } from './ops/access-log.js';
import { readHeadroom } from './ops/host.js';
import { instrumentSessions } from './ops/instrument.js';
import { createLogger } from './ops/logger.js';
import { createMetrics, type PierMetrics } from './ops/metrics.js';
import { capacityVerdict, createReadiness } from './ops/readiness.js';
import { createOpsRoutes } from './ops/routes.js';
import { decideClient, parseProxyTrust } from './http/proxy-trust.js';
import { SERVER_LABEL, SESSION_LABEL } from './sessions/manager.js';
import { createAdminTerminals } from './ops/admin-terminal.js';
import { SessionQueue } from './queue/queue.js';
import type { SessionUsage } from './http/admin-api.js';

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
  /** The warm pool (config `warmPool`), or null when it is off. */
  pool: WarmPool | null;
  /** The host image mirror (its port and counters), or null when off or not started. */
  mirror: RunningMirror | null;
  /** The Prometheus metrics (/metrics). */
  metrics: PierMetrics;
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
  const log = options.logger ?? createLogger(config.logLevel);
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

    const trust = parseProxyTrust(config.trustProxy);
    // The host image mirror first: new networks name its port (server/mirror/).
    let offlineImages: () => string[] = () => [];
    const mirror = await startMirror(config, log, () => ({ images: offlineImages() }));
    if (mirror !== null) cleanups.push(() => mirror.close());
    const runtime = openRuntime(config, { mirrorPort: mirror?.port ?? null });
    offlineImages = () => [...new Set((runtime.imageSet.current()?.images ?? []).flatMap((i) => i.tags.map(shortImageName)))];
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
    const admission = hostAdmission(config.stateDir, { memoryBytes: config.admissionReserve.memory, diskBytes: config.admissionReserve.disk });
    // Warm sandboxes for Starts (issue 17): the server's default limits and outbound policy.
    const pool =
      config.warmPool > 0
        ? new WarmPool({
            driver: runtime.driver,
            log: log.child({ area: 'pool' }),
            serverId,
            size: config.warmPool,
            defaultKey: { limits: {}, outbound: config.outbound },
            fingerprint: JSON.stringify(config.limits),
            admission,
            currentImage: async () => (await runtime.images.current()).id,
            ...(config.warmPoolShell ? { shell: { cmd: TERMINAL_COMMAND, size: DEFAULT_TERMINAL_SIZE } } : {}),
          })
        : null;
    sessions = new SessionManager<Terminal>({
      driver: runtime.driver,
      pool,
      store,
      policy: policyFromConfig(config),
      log: log.child({ area: 'sessions' }),
      terminals,
      serverId,
      ...(options.clock ? { clock: options.clock } : {}),
      admission,
      lessons: { get: (id) => lessonCatalog.get(id) ?? null },
      typeInto: (terminal, text) => void terminal.type(text),
      onStepActivity: (change) => classroomEvents.emitStep(change),
    });
    const manager = sessions;
    cleanups.push(() => manager.close());
    const adopted = await manager.adopt();
    const reserve = { memoryBytes: config.admissionReserve.memory, diskBytes: config.admissionReserve.disk };
    const metrics = createMetrics({
      sessions: () => manager.liveSessions().map((s) => ({ classId: s.classId, nodes: s.nodes, terminals: s.terminals.length })),
      sandboxes: async () => (await runtime.driver.list()).filter((b) => b.labels[SERVER_LABEL] === serverId).length,
      classes: () => store.classesOf(null).length,
      headroom: () => readHeadroom(config.stateDir),
      reserve,
      maxSessions: config.maxSessions,
    });
    instrumentSessions(manager as SessionManager<unknown>, metrics);
    const capacity = { liveSessions: () => manager.liveCount, maxSessions: config.maxSessions, headroom: () => readHeadroom(config.stateDir), reserve };
    const queue = new SessionQueue({ hasRoom: () => capacityVerdict(capacity).ok });
    const readiness = createReadiness({
      runtimeProblem: async () => (await runtimeStatus(config)).problem,
      image: async () => (await runtime.images.current()).id,
      database: () => void store.getMeta('server_id'),
      liveSessions: () => manager.liveCount,
      maxSessions: config.maxSessions,
      headroom: () => readHeadroom(config.stateDir),
      reserve,
    });

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
        solvedOf: (owner) => store.solvedOf(owner),
        sessions: manager,
      },
      classroom: { classroom, secret, log: log.child({ area: 'classroom' }), hostStatus: () => runtimeStatus(config) },
      live: classLive.api,
      queue,
      busyCode: () => (manager.liveCount >= config.maxSessions ? 'SERVER_FULL' : 'HOST_BUSY'),
      admin: {
        classroom,
        sessions: manager,
        store,
        usage: async () => {
          const use = new Map<string, SessionUsage>();
          const mine = (await runtime.driver.list()).filter((b) => b.labels[SERVER_LABEL] === serverId && b.status === 'running');
          await Promise.all(mine.map(async (b) => {
            const id = b.labels[SESSION_LABEL];
            const st = id === undefined ? null : await runtime.driver.stats(b.id).catch(() => null);
            if (id === undefined || st === null) return;
            const u = use.get(id) ?? { memoryBytes: 0, pids: 0, diskUsedBytes: 0 };
            use.set(id, { memoryBytes: u.memoryBytes + st.memoryBytes, pids: u.pids + st.pids, diskUsedBytes: u.diskUsedBytes + st.diskUsedBytes });
          }));
          return use;
        },
        capacity: () => {
          const h = readHeadroom(config.stateDir);
          return { live: manager.liveCount, maxSessions: config.maxSessions, memoryAvailableBytes: h.memoryAvailableBytes, memoryTotalBytes: h.memoryTotalBytes, diskFreeBytes: h.diskFreeBytes, queued: queue.length };
        },
      },
    });
    const adminTerminals = createAdminTerminals({ classroom, sessions: manager, log: log.child({ area: 'admin' }) });
    cleanups.push(() => adminTerminals.close());
    const server = http.createServer(createRequestHandler({ api, proxy, pages: nextApp
          ? (req, res) => {
              ensureOwner(req, res, secret);
              gateUnknownPage(req, new URL(req.url ?? '/', 'http://pier.invalid').pathname, (id) => store.getSession(id) !== null);
              return nextApp.handleRequest(req, res);
            }
          : null, log, trust, accessLog: createAccessLog(log), ops: createOpsRoutes({ readiness, metrics, metricsToken: config.metricsToken }) }));
    server.headersTimeout = HEADERS_TIMEOUT_MS;
    server.requestTimeout = REQUEST_TIMEOUT_MS;
    server.on('upgrade', (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => {
      decideClient(req, trust);
      metrics.trackSocket(socket as import('node:net').Socket);
      if (!adminTerminals.handle(req, socket, head)) upgrades.handle(req, socket, head);
    });
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
      pool,
      mirror,
      metrics,
      close: () => (closing ??= undo().then(() => log.info('pier stopped'))),
    };
  } catch (err) {
    await undo();
    throw err;
  }
}
