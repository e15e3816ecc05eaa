// The SQLite schema of pier's server state, as an ordered list of migrations, and the zod
// shapes its rows are parsed with when they are read.
import { z } from 'zod';
import { NodeStatus } from '../../protocol/http.js';

/**
 * Migrations, applied in order inside one transaction each; `PRAGMA user_version` holds how
 * many have run. Append only: never edit a migration that has shipped.
 *
 * Times are integers: milliseconds since the Unix epoch.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    owner          TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    extended_count INTEGER NOT NULL DEFAULT 0,
    lesson_id      TEXT,
    network_id     TEXT,
    ended_at       INTEGER,
    ended_reason   TEXT
  ) STRICT;
  CREATE INDEX sessions_live ON sessions (id) WHERE ended_at IS NULL;
  CREATE INDEX sessions_owner ON sessions (owner);

  CREATE TABLE nodes (
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    sandbox_id TEXT,
    status     TEXT NOT NULL,
    PRIMARY KEY (session_id, name)
  ) STRICT;

  CREATE TABLE terminals (
    id         TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    node       TEXT NOT NULL,
    title      TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX terminals_session ON terminals (session_id);
  `,
  // 2: lesson progress per owner (the signed owner cookie id), kept across sessions.
  `
  CREATE TABLE lesson_progress (
    owner     TEXT NOT NULL,
    lesson_id TEXT NOT NULL,
    step      INTEGER NOT NULL,
    passed_at INTEGER NOT NULL,
    PRIMARY KEY (owner, lesson_id, step)
  ) STRICT;
  `,
];

/** Why a session ended (the `ended` event's reason). */
export const EndReason = z.enum(['expired', 'idle', 'ended', 'error']);
export type EndReason = z.infer<typeof EndReason>;

/** One `sessions` row, as the rest of the server sees it. */
export const SessionRow = z
  .object({
    id: z.string(),
    owner: z.string(),
    created_at: z.number().int(),
    expires_at: z.number().int(),
    extended_count: z.number().int(),
    lesson_id: z.string().nullable(),
    network_id: z.string().nullable(),
    ended_at: z.number().int().nullable(),
    ended_reason: EndReason.nullable(),
  })
  .transform((r) => ({
    id: r.id,
    owner: r.owner,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    extendedCount: r.extended_count,
    lessonId: r.lesson_id,
    networkId: r.network_id,
    endedAt: r.ended_at,
    endedReason: r.ended_reason,
  }));
export type SessionRow = z.output<typeof SessionRow>;

/** One `nodes` row. `sandboxId` is null while the node's first sandbox is being created. */
export const NodeRow = z
  .object({ session_id: z.string(), name: z.string(), sandbox_id: z.string().nullable(), status: NodeStatus })
  .transform((r) => ({ sessionId: r.session_id, name: r.name, sandboxId: r.sandbox_id, status: r.status }));
export type NodeRow = z.output<typeof NodeRow>;

/** One `terminals` row. */
export const TerminalRow = z
  .object({ id: z.string(), session_id: z.string(), node: z.string(), title: z.string(), created_at: z.number().int() })
  .transform((r) => ({ id: r.id, sessionId: r.session_id, node: r.node, title: r.title, createdAt: r.created_at }));
export type TerminalRow = z.output<typeof TerminalRow>;

/** One `lesson_progress` row: a step an owner passed. */
export const ProgressRow = z
  .object({ lesson_id: z.string(), step: z.number().int().min(1) })
  .transform((r) => ({ lessonId: r.lesson_id, step: r.step }));
export type ProgressRow = z.output<typeof ProgressRow>;
