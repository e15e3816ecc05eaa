// Prometheus metrics (/metrics) with prom-client, named after Prometheus conventions and
// JupyterHub's (`*_total` counters, `*_seconds` histograms, base units). Gauges of state are
// read at scrape time from their owners; events (starts, checks) are counted as they happen.
import type { Socket } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HostHeadroom } from './host.js';

/** A live session as metrics count it. */
export interface MetricSession {
  classId: string | null;
  nodes: number;
  terminals: number;
}

/** What the gauges read at scrape time. */
export interface MetricsSources {
  sessions: () => MetricSession[];
  /** Sandboxes of this server that exist on the host (the driver's list). */
  sandboxes: () => Promise<number>;
  /** Classes in the database. */
  classes: () => number;
  headroom: () => HostHeadroom;
  /** Configured reserves: headroom gauges report free minus reserve. */
  reserve: { memoryBytes: number; diskBytes: number };
  maxSessions: number;
}

/** Bucket bounds of session start durations (s): runc starts in ~0.1 s, a loaded host in seconds. */
export const START_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32];

/** The server's metrics. */
export interface PierMetrics {
  registry: Registry;
  /** Counts one session start that took `seconds`; `outcome` ok or the error code. */
  observeStart(seconds: number, outcome: string): void;
  /** Counts one lesson check result. */
  observeCheck(result: 'passed' | 'failed' | 'timeout' | 'error'): void;
  /** Counts the bytes of an upgraded (WebSocket) connection until it closes. */
  trackSocket(socket: Socket): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Creates the metrics of one server, in a registry of their own (tests start several servers). */
export function createMetrics(src: MetricsSources): PierMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const r = [registry];

  new Gauge({
    name: 'pier_sessions', help: 'Live sessions, by kind (free playground or class).', labelNames: ['kind'], registers: r,
    collect() {
      const all = src.sessions();
      const inClass = all.filter((s) => s.classId !== null).length;
      this.set({ kind: 'free' }, all.length - inClass);
      this.set({ kind: 'class' }, inClass);
    },
  });
  new Gauge({ name: 'pier_sessions_max', help: 'Configured cap on live sessions (maxSessions).', registers: r, collect() { this.set(src.maxSessions); } });
  new Gauge({ name: 'pier_nodes', help: 'Nodes (sandboxes) of live sessions, as the sessions count them.', registers: r, collect() { this.set(src.sessions().reduce((n, s) => n + s.nodes, 0)); } });
  new Gauge({ name: 'pier_sandboxes', help: "Sandboxes of this server existing on the host (the runtime's list).", registers: r, async collect() { this.set(await src.sandboxes()); } });
  new Gauge({ name: 'pier_terminals', help: 'Open terminals of live sessions.', registers: r, collect() { this.set(src.sessions().reduce((n, s) => n + s.terminals, 0)); } });
  new Gauge({ name: 'pier_classes', help: 'Classes in the database.', registers: r, collect() { this.set(src.classes()); } });
  new Gauge({
    name: 'pier_classes_active', help: 'Classes with at least one live session.', registers: r,
    collect() { this.set(new Set(src.sessions().flatMap((s) => (s.classId === null ? [] : [s.classId]))).size); },
  });
  let headroom: HostHeadroom | null = null;
  const host = (pick: (h: HostHeadroom) => number) => function (this: Gauge) {
    headroom ??= src.headroom();
    this.set(pick(headroom));
  };
  new Gauge({ name: 'pier_host_memory_available_bytes', help: 'Host MemAvailable.', registers: r, collect: host((h) => h.memoryAvailableBytes) });
  new Gauge({ name: 'pier_host_memory_headroom_bytes', help: 'MemAvailable above the admission reserve; at 0 new sessions are refused.', registers: r, collect: host((h) => h.memoryAvailableBytes - src.reserve.memoryBytes) });
  new Gauge({ name: 'pier_host_disk_free_bytes', help: "Free space of the state dir's file system.", registers: r, collect: host((h) => h.diskFreeBytes) });
  new Gauge({ name: 'pier_host_disk_headroom_bytes', help: 'Free disk above the admission reserve.', registers: r, collect: host((h) => h.diskFreeBytes - src.reserve.diskBytes) });
  new Gauge({ name: 'pier_host_pids_free', help: 'Tasks the host may still create (min(pid_max, threads-max) minus existing).', registers: r, collect: host((h) => h.pidsFree) });

  const starts = new Counter({ name: 'pier_session_starts_total', help: 'Session starts, by outcome (ok or the error code).', labelNames: ['outcome'], registers: r });
  const startSeconds = new Histogram({ name: 'pier_session_start_duration_seconds', help: 'Time to start a session (sandbox and network up), successful starts.', buckets: START_BUCKETS, registers: r });
  const checks = new Counter({ name: 'pier_check_results_total', help: 'Lesson step checks, by result.', labelNames: ['result'], registers: r });
  const wsBytes = new Counter({ name: 'pier_websocket_bytes_total', help: 'Bytes over WebSocket connections (frames included), by direction.', labelNames: ['direction'], registers: r });

  // Open upgraded sockets are read at scrape time; a closed one adds what it had not yet counted.
  const open = new Map<Socket, { read: number; written: number }>();
  const account = (socket: Socket, seen: { read: number; written: number }) => {
    const read = socket.bytesRead, written = socket.bytesWritten;
    if (read > seen.read) wsBytes.inc({ direction: 'in' }, read - seen.read);
    if (written > seen.written) wsBytes.inc({ direction: 'out' }, written - seen.written);
    seen.read = read;
    seen.written = written;
  };
  wsBytes.inc({ direction: 'in' }, 0);
  wsBytes.inc({ direction: 'out' }, 0);
  for (const result of ['passed', 'failed', 'timeout', 'error']) checks.inc({ result }, 0);

  return {
    registry,
    observeStart(seconds, outcome) {
      starts.inc({ outcome });
      if (outcome === 'ok') startSeconds.observe(seconds);
    },
    observeCheck(result) {
      checks.inc({ result });
    },
    trackSocket(socket) {
      const seen = { read: 0, written: 0 };
      open.set(socket, seen);
      socket.once('close', () => {
        account(socket, seen);
        open.delete(socket);
      });
    },
    async render() {
      for (const [socket, seen] of open) account(socket, seen);
      headroom = null;
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
