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
  // 3: the classroom (protocol/classroom.ts). Staff accounts and their sign-ins; classes
  // (settings as zod-validated JSON) with their join codes; members (a class's students: a
  // browser's owner id and a display name); what a step saw before it passed (attempts,
  // first opened, solved); raised hands; announcements; terminal recordings. Sessions learn
  // which class (and member) they belong to.
  `
  CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'instructor')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
  ) STRICT;

  CREATE TABLE staff_sessions (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX staff_sessions_user ON staff_sessions (user_id);

  CREATE TABLE classes (
    id            TEXT PRIMARY KEY,
    instructor_id TEXT NOT NULL REFERENCES users (id),
    join_code     TEXT NOT NULL UNIQUE,
    settings      TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    archived_at   INTEGER
  ) STRICT;
  CREATE INDEX classes_instructor ON classes (instructor_id);

  CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    class_id     TEXT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    owner        TEXT NOT NULL,
    display_name TEXT NOT NULL,
    joined_at    INTEGER NOT NULL,
    last_seen_at INTEGER,
    UNIQUE (class_id, owner)
  ) STRICT;
  CREATE INDEX members_owner ON members (owner);

  ALTER TABLE sessions ADD COLUMN class_id TEXT;
  ALTER TABLE sessions ADD COLUMN member_id TEXT;
  CREATE INDEX sessions_class ON sessions (class_id) WHERE class_id IS NOT NULL;

  CREATE TABLE step_activity (
    owner          TEXT NOT NULL,
    lesson_id      TEXT NOT NULL,
    step           INTEGER NOT NULL,
    started_at     INTEGER NOT NULL,
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_failed_at INTEGER,
    solved         INTEGER NOT NULL DEFAULT 0 CHECK (solved IN (0, 1)),
    PRIMARY KEY (owner, lesson_id, step)
  ) STRICT;

  CREATE TABLE hands (
    id          TEXT PRIMARY KEY,
    class_id    TEXT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    member_id   TEXT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    message     TEXT NOT NULL,
    lesson_id   TEXT,
    step        INTEGER,
    raised_at   INTEGER NOT NULL,
    resolved_at INTEGER,
    resolved_by TEXT
  ) STRICT;
  CREATE INDEX hands_open ON hands (class_id) WHERE resolved_at IS NULL;

  CREATE TABLE announcements (
    id       TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    text     TEXT NOT NULL,
    by_user  TEXT NOT NULL,
    at       INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX announcements_class ON announcements (class_id, at);

  CREATE TABLE recordings (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    node        TEXT NOT NULL,
    title       TEXT NOT NULL,
    file        TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    ended_at    INTEGER,
    bytes       INTEGER NOT NULL DEFAULT 0,
    truncated   INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1))
  ) STRICT;
  CREATE INDEX recordings_session ON recordings (session_id);
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
    class_id: z.string().nullable(),
    member_id: z.string().nullable(),
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
    classId: r.class_id,
    memberId: r.member_id,
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

// ── classroom core: staff, sign-ins, classes, members, step activity ─────────────────

/** One `users` row: a staff account. `passwordHash` never leaves the accounts module. */
export const UserRow = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(['admin', 'instructor']),
    password_hash: z.string(),
    created_at: z.number().int(),
    disabled_at: z.number().int().nullable(),
  })
  .transform((r) => ({ id: r.id, username: r.username, role: r.role, passwordHash: r.password_hash, createdAt: r.created_at, disabledAt: r.disabled_at }));
export type UserRow = z.output<typeof UserRow>;

/**
 * One `classes` row with its instructor's user name. `settings` is the stored JSON text:
 * the classroom parses it with ClassSettings (the DB row edge).
 */
export const ClassRow = z
  .object({
    id: z.string(),
    instructor_id: z.string(),
    instructor: z.string(),
    join_code: z.string(),
    settings: z.string(),
    created_at: z.number().int(),
    archived_at: z.number().int().nullable(),
  })
  .transform((r) => ({
    id: r.id,
    instructorId: r.instructor_id,
    instructor: r.instructor,
    joinCode: r.join_code,
    settings: r.settings,
    createdAt: r.created_at,
  }));
export type ClassRow = z.output<typeof ClassRow>;

/** One `members` row: a student of a class (a browser's owner id and a display name). */
export const MemberRow = z
  .object({
    id: z.string(),
    class_id: z.string(),
    owner: z.string(),
    display_name: z.string(),
    joined_at: z.number().int(),
    last_seen_at: z.number().int().nullable(),
  })
  .transform((r) => ({ id: r.id, classId: r.class_id, owner: r.owner, displayName: r.display_name, joinedAt: r.joined_at, lastSeenAt: r.last_seen_at }));
export type MemberRow = z.output<typeof MemberRow>;

/** One step of one owner: its `step_activity` and `lesson_progress` sides (either may be absent). */
export const CellActivityRow = z
  .object({
    owner: z.string(),
    lesson_id: z.string(),
    step: z.number().int().min(1),
    started_at: z.number().int().nullable(),
    attempts: z.number().int().min(0),
    last_failed_at: z.number().int().nullable(),
    solved: z.union([z.literal(0), z.literal(1)]),
    passed_at: z.number().int().nullable(),
  })
  .transform((r) => ({
    owner: r.owner,
    lessonId: r.lesson_id,
    step: r.step,
    startedAt: r.started_at,
    attempts: r.attempts,
    lastFailedAt: r.last_failed_at,
    solved: r.solved === 1,
    passedAt: r.passed_at,
  }));
export type CellActivityRow = z.output<typeof CellActivityRow>;

// ── classroom live: hands, announcements, recordings ──────────────────────────────────

/** One `hands` row: a student's raised hand (open while `resolvedAt` is null). */
export const HandRow = z
  .object({
    id: z.string(),
    class_id: z.string(),
    member_id: z.string(),
    message: z.string(),
    lesson_id: z.string().nullable(),
    step: z.number().int().nullable(),
    raised_at: z.number().int(),
    resolved_at: z.number().int().nullable(),
    resolved_by: z.string().nullable(),
  })
  .transform((r) => ({
    id: r.id,
    classId: r.class_id,
    memberId: r.member_id,
    message: r.message,
    lessonId: r.lesson_id,
    step: r.step,
    raisedAt: r.raised_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
  }));
export type HandRow = z.output<typeof HandRow>;

/** One `announcements` row; `by` is the staff user name shown to students. */
export const AnnouncementRow = z
  .object({ id: z.string(), class_id: z.string(), text: z.string(), by_user: z.string(), at: z.number().int() })
  .transform((r) => ({ id: r.id, classId: r.class_id, text: r.text, by: r.by_user, at: r.at }));
export type AnnouncementRow = z.output<typeof AnnouncementRow>;

/** One `recordings` row; `file` is a name inside `<stateDir>/recordings/`, never a path from a client. */
export const RecordingRow = z
  .object({
    id: z.string(),
    session_id: z.string(),
    terminal_id: z.string(),
    node: z.string(),
    title: z.string(),
    file: z.string().regex(/^[0-9a-f]{32}\.cast$/),
    started_at: z.number().int(),
    ended_at: z.number().int().nullable(),
    bytes: z.number().int(),
    truncated: z.number().int(),
  })
  .transform((r) => ({
    id: r.id,
    sessionId: r.session_id,
    terminalId: r.terminal_id,
    node: r.node,
    title: r.title,
    file: r.file,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    bytes: r.bytes,
    truncated: r.truncated === 1,
  }));
export type RecordingRow = z.output<typeof RecordingRow>;

/** Who may see a recording: its session's owner, class and member (null for a free playground). */
export const RecordingAccessRow = z
  .object({ owner: z.string().nullable(), class_id: z.string().nullable(), member_id: z.string().nullable() })
  .transform((r) => ({ owner: r.owner, classId: r.class_id, memberId: r.member_id }));
export type RecordingAccessRow = z.output<typeof RecordingAccessRow>;

/** A live class session, as the classroom's bulk actions and announcements see it. */
export const ClassSessionRow = z
  .object({ id: z.string(), owner: z.string(), member_id: z.string().nullable() })
  .transform((r) => ({ id: r.id, owner: r.owner, memberId: r.member_id }));
