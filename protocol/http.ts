// Wire shapes of pier's JSON API and live session events: zod schemas and their types,
// shared by the server and the browser. No Node APIs, no logic.
import { z } from 'zod';
// '.ts', not '.js': the Next build (Turbopack) cannot map .js to .ts; tsc rewrites it (rewriteRelativeImportExtensions).
import { LessonState } from './lesson.ts';

/** Node names inside a session: node1 … node5. */
export const NodeName = z.string().regex(/^node[1-9]$/);
/** Session ids: 32 lowercase hex characters (128 random bits). */
export const SessionId = z.string().regex(/^[0-9a-f]{32}$/);
/** Terminal ids: 32 lowercase hex characters. */
export const TerminalId = z.string().regex(/^[0-9a-f]{32}$/);

/** At most this many nodes per session. */
export const MAX_NODES = 5;
/** At most this many terminals (tabs) per node. */
export const MAX_TERMINALS_PER_NODE = 8;

export const TerminalView = z.object({
  id: TerminalId,
  node: NodeName,
  /** Tab title, e.g. "node1 #2". */
  title: z.string().max(80),
  createdAt: z.string(),
});
export type TerminalView = z.infer<typeof TerminalView>;

export const NodeStatus = z.enum(['starting', 'running', 'resetting', 'error']);
export type NodeStatus = z.infer<typeof NodeStatus>;

export const NodeLimits = z.object({
  memoryBytes: z.number(),
  pids: z.number(),
  cpus: z.number(),
  diskBytes: z.number(),
});

export const NodeView = z.object({
  name: NodeName,
  status: NodeStatus,
  /** IPv4 address on the session's private network. */
  address: z.string(),
  limits: NodeLimits,
  /** Namespace ids as `lsns` shows them, e.g. { pid: 4026532188, net: … }. */
  namespaces: z.record(z.string(), z.number()),
  terminals: z.array(TerminalView),
  /** TCP ports something listens on inside the node. */
  ports: z.array(z.number().int().min(1).max(65535)),
});
export type NodeView = z.infer<typeof NodeView>;

export const SessionView = z.object({
  id: SessionId,
  createdAt: z.string(),
  /** When the session ends unless extended (ISO time). */
  expiresAt: z.string(),
  /** Seconds before `expiresAt` at which the page warns. */
  warnBeforeSeconds: z.number(),
  /** The server's clock when this view was made (ISO): the page derives its countdown from it. */
  serverTime: z.string(),
  /**
   * When the session ends for inactivity (ISO), set only while that end is within
   * `warnBeforeSeconds` and before `expiresAt`; null otherwise. Any input moves it away
   * (a new `session` event says so).
   */
  idleEndsAt: z.string().nullable(),
  /** The idle timeout: no input for this long ends the session (seconds). */
  idleTimeoutSeconds: z.number(),
  /** Whether "extend" is still possible (a cap on total lifetime). */
  canExtend: z.boolean(),
  lessonId: z.string().nullable(),
  nodes: z.array(NodeView),
  maxNodes: z.number(),
  /** Whether the session's nodes reach the internet; false: offline (the shipped images only). */
  internet: z.boolean(),
});
export type SessionView = z.infer<typeof SessionView>;

export const NodeStats = z.object({
  node: NodeName,
  at: z.string(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number(),
  /** CPU use since the previous sample, in percent of one core. */
  cpuPercent: z.number(),
  cpuLimitPercent: z.number(),
  pids: z.number(),
  pidsLimit: z.number(),
  diskUsedBytes: z.number(),
  diskLimitBytes: z.number(),
});
export type NodeStats = z.infer<typeof NodeStats>;

// ── Requests ─────────────────────────────────────────────────────────────────────────

/** POST /api/sessions */
export const CreateSessionRequest = z
  .object({
    lessonId: z.string().max(100).optional(),
    /** Start the lesson as a student of this class (its limits and caps; protocol/classroom.ts). */
    classId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
  })
  .strict();
export type CreateSessionRequest = z.infer<typeof CreateSessionRequest>;

/** POST /api/sessions/:id/nodes/:node/ports/:port/link: no fields (body absent or `{}`). */
export const PortLinkRequest = z.object({}).strict();
export type PortLinkRequest = z.infer<typeof PortLinkRequest>;

/**
 * The answer: a link that opens the port on its own host,
 * `http(s)://<session>-<node>-<port>.<host>/?pier_port_token=<token>`. The token is good for
 * about a minute and only for that session, node and port; following it sets a cookie for
 * that host alone (12 h). Owner only (404 otherwise); 409 SUBDOMAIN_UNAVAILABLE when the
 * page's host is an IP address.
 */
export const PortLink = z.object({ url: z.string().regex(/^https?:\/\//).max(2048) });
export type PortLink = z.infer<typeof PortLink>;

// POST /api/sessions/:id/nodes                       → 201 NodeView   (adds the next nodeN)
// POST /api/sessions/:id/nodes/:node/reset           → 200 NodeView
// POST /api/sessions/:id/nodes/:node/terminals       → 201 TerminalView
// POST /api/sessions/:id/nodes/:node/ports/:port/link → 200 PortLink
// DELETE /api/sessions/:id/terminals/:terminal       → 204
// POST /api/sessions/:id/extend                      → 200 SessionView
// DELETE /api/sessions/:id                           → 204 (ends the session, removes its sandboxes)
// GET  /api/sessions/:id                             → 200 SessionView
// GET  /healthz                                      → 200 { ok: true }
// WS   /ws/terminals/:terminal                       → protocol/terminal.ts
// WS   /ws/sessions/:id/events                       → SessionEvent JSON text frames
// HTTP+WS /p/:session/:node/:port/…                  → port proxy (owner only)
// HTTP+WS <session>-<node>-<port>.<host>             → port proxy, subdomain form (signed in
//                                                      by a PortLink's token → `pier_port` cookie)

/** Error body of every non-2xx JSON answer. */
export const ApiError = z.object({
  error: z.object({
    /** Stable code, e.g. SESSION_NOT_FOUND, RATE_LIMITED, NODE_LIMIT, INVALID_REQUEST. */
    code: z.string(),
    /** A sentence fit to show the user (English; the UI translates known codes). */
    message: z.string(),
    /**
     * Only on a start refused because the host is full (503 SERVER_FULL / HOST_BUSY): the
     * browser's place in the start queue (1 = next) and how many wait. The page retries
     * after Retry-After and keeps its place by asking.
     */
    queuePosition: z.number().int().min(1).optional(),
    queueWaiting: z.number().int().min(1).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

// ── Live events (server → browser, JSON text frames on /ws/sessions/:id/events) ─────────

/** Staff watching or typing in a student's terminal (the student's page shows a banner). */
export const Watcher = z.object({ name: z.string(), mode: z.enum(['watch', 'join']), terminalId: TerminalId });
export type Watcher = z.infer<typeof Watcher>;

/** A class announcement (protocol/classroom.ts). */
export const Announcement = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/), text: z.string(), at: z.string(), by: z.string() });
export type Announcement = z.infer<typeof Announcement>;

export const SessionEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session'), session: SessionView }),
  z.object({ type: z.literal('stats'), stats: NodeStats }),
  z.object({ type: z.literal('ports'), node: NodeName, ports: z.array(z.number()) }),
  /** A warning: the session ends in `secondsLeft` for `reason` (absent from older servers: lifetime). */
  z.object({ type: z.literal('expiring'), secondsLeft: z.number(), reason: z.enum(['lifetime', 'idle']).optional() }),
  z.object({ type: z.literal('ended'), reason: z.enum(['expired', 'idle', 'ended', 'error']) }),
  /** A lesson session's state: setup progress, or a step passed (protocol/lesson.ts). */
  z.object({ type: z.literal('lesson'), state: LessonState }),
  /** Who of the staff watches or types in this session's terminals now (empty: nobody). */
  z.object({ type: z.literal('watchers'), watchers: z.array(Watcher) }),
  /** An announcement of the session's class. */
  z.object({ type: z.literal('announcement'), announcement: Announcement }),
]);
export type SessionEvent = z.infer<typeof SessionEvent>;
