// The one data-access module of the server's state: sessions, their nodes and terminals in
// SQLite (WAL). Every row read is parsed with zod; callers never see SQL or raw rows.
import Database from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import type { z } from 'zod';
import { ServerError } from '../errors.js';
import type { NodeStatus } from '../../protocol/http.js';
import { MIGRATIONS, NodeRow, ProgressRow, SessionRow, TerminalRow, type EndReason } from './schema.js';
import { AnnouncementRow, ClassSessionRow, HandRow, RecordingAccessRow, RecordingRow } from './schema.js';
import { prepareLive } from './live-queries.js';
import { CellActivityRow, ClassRow, MemberRow, UserRow } from './schema.js';
import { prepareClassroom } from './classroom-queries.js';

export type { SessionRow, NodeRow, TerminalRow, EndReason } from './schema.js';
export type { HandRow, AnnouncementRow, RecordingRow, RecordingAccessRow } from './schema.js';
export type { UserRow, ClassRow, MemberRow, CellActivityRow } from './schema.js';

/** How long a writer waits for another connection's lock before failing (ms). */
export const BUSY_TIMEOUT_MS = 5_000;

/** A new session, as `insertSession` takes it. */
export interface NewSession {
  id: string;
  owner: string;
  createdAt: number;
  expiresAt: number;
  lessonId: string | null;
  networkId: string | null;
  /** The class and member of a class session (both null for a free playground). */
  classId?: string | null;
  memberId?: string | null;
}

/**
 * The server's store. Synchronous (better-sqlite3): each call is one short statement or
 * transaction, fast enough to run on the event loop.
 */
export class Store {
  readonly #db: Database.Database;
  readonly #stmts: ReturnType<typeof prepare>;

  /** Use `openStore`. */
  private constructor(db: Database.Database) {
    this.#db = db;
    this.#stmts = prepare(db);
  }

  /**
   * Opens (creating when absent, mode 0600) the database at `file` and brings its schema up
   * to date. `:memory:` gives a private in-memory database.
   * @throws ServerError STATE_CORRUPT when the file is newer than this server or unreadable
   */
  static open(file: string): Store {
    if (file !== ':memory:') closeSync(openSync(file, 'a', 0o600));
    let db: Database.Database;
    try {
      db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      migrate(db);
    } catch (err) {
      if (err instanceof ServerError) throw err;
      throw new ServerError('STATE_CORRUPT', `cannot open the database ${file}: ${(err as Error).message}`, { cause: err });
    }
    return new Store(db);
  }

  /** The schema version (number of migrations applied). */
  get version(): number {
    return Number(this.#db.pragma('user_version', { simple: true }));
  }

  /** A value of the `meta` table, or null. */
  getMeta(key: string): string | null {
    const row = this.#stmts.getMeta.get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  /** Sets a value of the `meta` table. */
  setMeta(key: string, value: string): void {
    this.#stmts.setMeta.run(key, value);
  }

  // ── sessions ─────────────────────────────────────────────────────────────────────

  insertSession(s: NewSession): void {
    this.#stmts.insertSession.run(s.id, s.owner, s.createdAt, s.expiresAt, s.lessonId, s.networkId, s.classId ?? null, s.memberId ?? null);
  }

  setSessionNetwork(id: string, networkId: string): void {
    this.#stmts.setNetwork.run(networkId, id);
  }

  setSessionExpiry(id: string, expiresAt: number, extendedCount: number): void {
    this.#stmts.setExpiry.run(expiresAt, extendedCount, id);
  }

  /** Marks a session ended (no-op when it already is). */
  endSession(id: string, at: number, reason: EndReason): void {
    this.#stmts.endSession.run(at, reason, id);
  }

  /** A session, live or ended; null when there is none. */
  getSession(id: string): SessionRow | null {
    return parseRow(SessionRow, this.#stmts.getSession.get(id), 'sessions');
  }

  /** Every session that has not ended. */
  liveSessions(): SessionRow[] {
    return this.#stmts.liveSessions.all().map((r) => parseRow(SessionRow, r, 'sessions')!);
  }

  /** Deletes sessions that ended before `before` (ms), with their nodes and terminals. */
  pruneEnded(before: number): number {
    return this.#stmts.pruneEnded.run(before).changes;
  }

  // ── nodes ────────────────────────────────────────────────────────────────────────

  /** Inserts or replaces a node of a session. */
  putNode(sessionId: string, name: string, sandboxId: string | null, status: NodeStatus): void {
    this.#stmts.putNode.run(sessionId, name, sandboxId, status);
  }

  /** Removes a node of a session (its sandbox could not be created). */
  deleteNode(sessionId: string, name: string): void {
    this.#stmts.deleteNode.run(sessionId, name);
  }

  /** The nodes of a session, by name. */
  nodesOf(sessionId: string): NodeRow[] {
    return this.#stmts.nodesOf.all(sessionId).map((r) => parseRow(NodeRow, r, 'nodes')!);
  }

  // ── terminals ────────────────────────────────────────────────────────────────────

  insertTerminal(t: TerminalRow): void {
    this.#stmts.insertTerminal.run(t.id, t.sessionId, t.node, t.title, t.createdAt);
  }

  deleteTerminal(id: string): void {
    this.#stmts.deleteTerminal.run(id);
  }

  getTerminal(id: string): TerminalRow | null {
    return parseRow(TerminalRow, this.#stmts.getTerminal.get(id), 'terminals');
  }

  /** The terminals of a session, oldest first. */
  terminalsOf(sessionId: string): TerminalRow[] {
    return this.#stmts.terminalsOf.all(sessionId).map((r) => parseRow(TerminalRow, r, 'terminals')!);
  }

  // ── lesson progress ──────────────────────────────────────────────────────────────

  /** Records that `owner` passed `step` of `lessonId` (idempotent; the first time is kept). */
  markStepPassed(owner: string, lessonId: string, step: number, at: number): void {
    this.#stmts.markStepPassed.run(owner, lessonId, step, at);
  }

  /** The steps of `lessonId` that `owner` passed, ascending. */
  passedSteps(owner: string, lessonId: string): number[] {
    return this.#stmts.passedSteps.all(owner, lessonId).map((r) => parseRow(ProgressRow, r, 'lesson_progress')!.step);
  }

  /** Every lesson's passed steps of `owner`: lesson id → steps, ascending. */
  progressOf(owner: string): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const raw of this.#stmts.progressOf.all(owner)) {
      const r = parseRow(ProgressRow, raw, 'lesson_progress')!;
      const list = out.get(r.lessonId) ?? [];
      list.push(r.step);
      out.set(r.lessonId, list);
    }
    return out;
  }

  /**
   * Every lesson's steps of `owner` that passed only after Solve (a subset of
   * `progressOf`): lesson id → steps, ascending. These are "solved with help", not passes.
   */
  solvedOf(owner: string): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const raw of this.#stmts.solvedOf.all(owner)) {
      const r = parseRow(ProgressRow, raw, 'lesson_progress')!;
      const list = out.get(r.lessonId) ?? [];
      list.push(r.step);
      out.set(r.lessonId, list);
    }
    return out;
  }

  /** The steps of `lessonId` that `owner` passed after Solve, ascending. */
  solvedSteps(owner: string, lessonId: string): number[] {
    return this.solvedOf(owner).get(lessonId) ?? [];
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)();
  }

  /** Closes the database (checkpointing the WAL). Idempotent. */
  close(): void {
    if (this.#db.open) this.#db.close();
  }

  // ── classroom core: staff, sign-ins, classes, members, step activity ──

  #classroomStmts: ReturnType<typeof prepareClassroom> | null = null;
  get #cls(): ReturnType<typeof prepareClassroom> {
    return (this.#classroomStmts ??= prepareClassroom(this.#db));
  }

  /** Number of staff accounts (disabled ones included). */
  countUsers(): number {
    return (this.#cls.countUsers.get() as { n: number }).n;
  }

  /** @throws SqliteError SQLITE_CONSTRAINT_UNIQUE when the user name is taken */
  insertUser(u: Pick<UserRow, 'id' | 'username' | 'role' | 'passwordHash' | 'createdAt'>): void {
    this.#cls.insertUser.run(u.id, u.username, u.role, u.passwordHash, u.createdAt);
  }

  getUser(id: string): UserRow | null {
    return parseRow(UserRow, this.#cls.getUser.get(id), 'users');
  }

  userByName(username: string): UserRow | null {
    return parseRow(UserRow, this.#cls.userByName.get(username), 'users');
  }

  /** Every staff account, oldest first. */
  listUsers(): UserRow[] {
    return this.#cls.listUsers.all().map((r) => parseRow(UserRow, r, 'users')!);
  }

  setUserPassword(id: string, passwordHash: string): void {
    this.#cls.setPassword.run(passwordHash, id);
  }

  /** Disables an account and ends its sign-ins, in one transaction. */
  disableUser(id: string, at: number): void {
    this.transaction(() => {
      this.#cls.disableUser.run(at, id);
      this.#cls.deleteStaffSessionsOf.run(id, null);
    });
  }

  insertStaffSession(s: { id: string; userId: string; createdAt: number; expiresAt: number }): void {
    this.#cls.insertStaffSession.run(s.id, s.userId, s.createdAt, s.expiresAt);
  }

  /** The enabled account signed in by staff session `id` at `now`, or null (unknown, expired, disabled). */
  staffSessionUser(id: string, now: number): UserRow | null {
    return parseRow(UserRow, this.#cls.staffSessionUser.get(id, now), 'users');
  }

  deleteStaffSession(id: string): void {
    this.#cls.deleteStaffSession.run(id);
  }

  /** Ends every sign-in of `userId` except `keep` (the current one, or null for all). */
  deleteStaffSessionsOf(userId: string, keep: string | null): void {
    this.#cls.deleteStaffSessionsOf.run(userId, keep);
  }

  pruneStaffSessions(now: number): number {
    return this.#cls.pruneStaffSessions.run(now).changes;
  }

  insertClass(c: { id: string; instructorId: string; joinCode: string; settings: string; createdAt: number }): void {
    this.#cls.insertClass.run(c.id, c.instructorId, c.joinCode, c.settings, c.createdAt);
  }

  getClass(id: string): ClassRow | null {
    return parseRow(ClassRow, this.#cls.getClass.get(id), 'classes');
  }

  classByCode(joinCode: string): ClassRow | null {
    return parseRow(ClassRow, this.#cls.classByCode.get(joinCode), 'classes');
  }

  joinCodeTaken(joinCode: string): boolean {
    return this.#cls.joinCodeTaken.get(joinCode) !== undefined;
  }

  /** Classes of one instructor, or every class (`instructorId` null), newest first. */
  classesOf(instructorId: string | null): ClassRow[] {
    const rows = instructorId === null ? this.#cls.allClasses.all() : this.#cls.classesOf.all(instructorId);
    return rows.map((r) => parseRow(ClassRow, r, 'classes')!);
  }

  setClassSettings(id: string, settings: string): void {
    this.#cls.setClassSettings.run(settings, id);
  }

  insertMember(m: Omit<MemberRow, 'lastSeenAt'>): void {
    this.#cls.insertMember.run(m.id, m.classId, m.owner, m.displayName, m.joinedAt, m.joinedAt);
  }

  getMember(id: string): MemberRow | null {
    return parseRow(MemberRow, this.#cls.getMember.get(id), 'members');
  }

  /** The member that browser `owner` is in a class, or null. */
  memberOf(classId: string, owner: string): MemberRow | null {
    return parseRow(MemberRow, this.#cls.memberOf.get(classId, owner), 'members');
  }

  /** A class's students, in joining order. */
  membersOf(classId: string): MemberRow[] {
    return this.#cls.membersOf.all(classId).map((r) => parseRow(MemberRow, r, 'members')!);
  }

  countMembers(classId: string): number {
    return (this.#cls.countMembers.get(classId) as { n: number }).n;
  }

  /** Every class membership of browser `owner`. */
  membershipsOf(owner: string): MemberRow[] {
    return this.#cls.membershipsOf.all(owner).map((r) => parseRow(MemberRow, r, 'members')!);
  }

  touchMember(id: string, at: number): void {
    this.#cls.touchMember.run(at, id);
  }

  /** A step was opened: its start time is kept from the first time. */
  stepOpened(owner: string, lessonId: string, step: number, at: number): void {
    this.#cls.stepOpened.run(owner, lessonId, step, at);
  }

  /** A check of the step failed: one more attempt. */
  stepFailed(owner: string, lessonId: string, step: number, at: number): void {
    this.#cls.stepFailed.run(owner, lessonId, step, at, at);
  }

  /** The step was solved with Solve. */
  stepSolved(owner: string, lessonId: string, step: number, at: number): void {
    this.#cls.stepSolved.run(owner, lessonId, step, at);
  }

  /** A check passed: the pass (lesson_progress, first time kept) and a start time when none was recorded, in one transaction. */
  stepPassed(owner: string, lessonId: string, step: number, at: number): void {
    this.transaction(() => {
      this.#cls.stepPassed.run(owner, lessonId, step, at);
      this.#stmts.markStepPassed.run(owner, lessonId, step, at);
    });
  }

  /** One owner's step, both sides; a never-touched step has zero attempts and null times. */
  cellOf(owner: string, lessonId: string, step: number): CellActivityRow {
    return parseRow(CellActivityRow, this.#cls.cellOf.get({ owner, lesson: lessonId, step }), 'step_activity')!;
  }

  /** Every step an owner touched or passed. */
  cellsOfOwner(owner: string): CellActivityRow[] {
    return this.#cls.cellsOfOwner.all(owner, owner).map((r) => parseRow(CellActivityRow, r, 'step_activity')!);
  }

  /** Every step the students of a class touched or passed (in any lesson). */
  cellsOfClass(classId: string): CellActivityRow[] {
    return this.#cls.cellsOfClass.all(classId, classId).map((r) => parseRow(CellActivityRow, r, 'step_activity')!);
  }

  // ── classroom live: hands, announcements, recordings ──

  #liveStmts: ReturnType<typeof prepareLive> | null = null;
  get #live(): ReturnType<typeof prepareLive> {
    return (this.#liveStmts ??= prepareLive(this.#db));
  }

  /** Raises `memberId`'s hand in a class, or updates the open one (its raise time is kept). */
  raiseHand(h: { id: string; classId: string; memberId: string; message: string; lessonId: string | null; step: number | null; at: number }): HandRow {
    return this.transaction(() => {
      const changed = this.#live.updateOpenHand.run(h.message, h.lessonId, h.step, h.classId, h.memberId).changes;
      if (changed === 0) this.#live.insertHand.run(h.id, h.classId, h.memberId, h.message, h.lessonId, h.step, h.at);
      return this.openHand(h.classId, h.memberId)!;
    });
  }

  /** Resolves (or lowers) the open hand of a member; false when none was open. */
  resolveHand(classId: string, memberId: string, at: number, by: string): boolean {
    return this.#live.resolveHand.run(at, by, classId, memberId).changes > 0;
  }

  /** The open hand of a member, or null. */
  openHand(classId: string, memberId: string): HandRow | null {
    return parseRow(HandRow, this.#live.openHand.get(classId, memberId), 'hands');
  }

  /** Every open hand of a class, oldest first. */
  openHands(classId: string): HandRow[] {
    return this.#live.openHands.all(classId).map((r) => parseRow(HandRow, r, 'hands')!);
  }

  insertAnnouncement(a: AnnouncementRow): void {
    this.#live.insertAnnouncement.run(a.id, a.classId, a.text, a.by, a.at);
  }

  /** The last `limit` announcements of a class, oldest first. */
  announcementsOf(classId: string, limit = 20): AnnouncementRow[] {
    return this.#live.announcementsOf.all(classId, limit).map((r) => parseRow(AnnouncementRow, r, 'announcements')!);
  }

  insertRecording(r: Pick<RecordingRow, 'id' | 'sessionId' | 'terminalId' | 'node' | 'title' | 'file' | 'startedAt'>): void {
    this.#live.insertRecording.run(r.id, r.sessionId, r.terminalId, r.node, r.title, r.file, r.startedAt);
  }

  /** Records a recording's size while it runs (no-op once finished). */
  recordingProgress(id: string, bytes: number, truncated: boolean): void {
    this.#live.progressRecording.run(bytes, truncated ? 1 : 0, id);
  }

  finishRecording(id: string, endedAt: number, bytes: number, truncated: boolean): void {
    this.#live.finishRecording.run(endedAt, bytes, truncated ? 1 : 0, id);
  }

  getRecording(id: string): RecordingRow | null {
    return parseRow(RecordingRow, this.#live.getRecording.get(id), 'recordings');
  }

  /** Whose a recording is (its session's owner, class, member); null when there is no such recording. */
  recordingAccess(id: string): RecordingAccessRow | null {
    return parseRow(RecordingAccessRow, this.#live.recordingAccess.get(id), 'recordings');
  }

  recordingsOfSession(sessionId: string): RecordingRow[] {
    return this.#live.recordingsOfSession.all(sessionId).map((r) => parseRow(RecordingRow, r, 'recordings')!);
  }

  /** Recordings of a class's sessions (one student's when `memberId` is given), oldest first. */
  recordingsOfClass(classId: string, memberId: string | null): RecordingRow[] {
    return this.#live.recordingsOfClass.all(classId, memberId, memberId).map((r) => parseRow(RecordingRow, r, 'recordings')!);
  }

  /** Recordings never finished (their writer died with a previous process). */
  unfinishedRecordings(): RecordingRow[] {
    return this.#live.unfinishedRecordings.all().map((r) => parseRow(RecordingRow, r, 'recordings')!);
  }

  /** Live sessions of a class (one student's when `memberId` is given), oldest first. */
  liveSessionsOfClass(classId: string, memberId: string | null = null): { id: string; owner: string; memberId: string | null }[] {
    return (this.#live.liveSessionsOfClass.all(classId, memberId, memberId) as { id: string; owner: string; member_id: string | null }[]).map((r) =>
      parseRow(ClassSessionRow, r, 'sessions')!,
    );
  }

  /**
   * Deletes recordings started before `before` (ms), and those whose session's row is gone;
   * returns the rows removed (their files are the caller's).
   */
  pruneRecordings(before: number): RecordingRow[] {
    return this.transaction(() => {
      const rows = this.#live.oldRecordings.all(before).map((r) => parseRow(RecordingRow, r, 'recordings')!);
      for (const r of rows) this.#live.deleteRecording.run(r.id);
      return rows;
    });
  }
}

/** Opens the store at `file`; see Store.open. */
export function openStore(file: string): Store {
  return Store.open(file);
}

function prepare(db: Database.Database) {
  return {
    getMeta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    setMeta: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    insertSession: db.prepare(
      'INSERT INTO sessions (id, owner, created_at, expires_at, lesson_id, network_id, class_id, member_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    setNetwork: db.prepare('UPDATE sessions SET network_id = ? WHERE id = ?'),
    setExpiry: db.prepare('UPDATE sessions SET expires_at = ?, extended_count = ? WHERE id = ?'),
    endSession: db.prepare('UPDATE sessions SET ended_at = ?, ended_reason = ? WHERE id = ? AND ended_at IS NULL'),
    getSession: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    liveSessions: db.prepare('SELECT * FROM sessions WHERE ended_at IS NULL ORDER BY created_at'),
    pruneEnded: db.prepare('DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < ?'),
    putNode: db.prepare(
      'INSERT INTO nodes (session_id, name, sandbox_id, status) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (session_id, name) DO UPDATE SET sandbox_id = excluded.sandbox_id, status = excluded.status',
    ),
    deleteNode: db.prepare('DELETE FROM nodes WHERE session_id = ? AND name = ?'),
    nodesOf: db.prepare('SELECT * FROM nodes WHERE session_id = ? ORDER BY name'),
    insertTerminal: db.prepare('INSERT INTO terminals (id, session_id, node, title, created_at) VALUES (?, ?, ?, ?, ?)'),
    deleteTerminal: db.prepare('DELETE FROM terminals WHERE id = ?'),
    getTerminal: db.prepare('SELECT * FROM terminals WHERE id = ?'),
    terminalsOf: db.prepare('SELECT * FROM terminals WHERE session_id = ? ORDER BY created_at, rowid'),
    markStepPassed: db.prepare('INSERT INTO lesson_progress (owner, lesson_id, step, passed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    passedSteps: db.prepare('SELECT lesson_id, step FROM lesson_progress WHERE owner = ? AND lesson_id = ? ORDER BY step'),
    progressOf: db.prepare('SELECT lesson_id, step FROM lesson_progress WHERE owner = ? ORDER BY lesson_id, step'),
    // A pass that came after Solve: step_activity.solved is set before Solve's check runs.
    solvedOf: db.prepare(
      `SELECT p.lesson_id AS lesson_id, p.step AS step FROM lesson_progress p
         JOIN step_activity a ON a.owner = p.owner AND a.lesson_id = p.lesson_id AND a.step = p.step
        WHERE p.owner = ? AND a.solved = 1 ORDER BY p.lesson_id, p.step`,
    ),
  };
}

/** Applies the migrations the database has not seen yet. */
function migrate(db: Database.Database): void {
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > MIGRATIONS.length) {
    throw new ServerError('STATE_CORRUPT', `database schema version ${version} is newer than this server's (${MIGRATIONS.length}); upgrade pier`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** Parses one row at the edge; null for no row. @throws ServerError STATE_CORRUPT */
function parseRow<S extends z.ZodType>(schema: S, row: unknown, table: string): z.output<S> | null {
  if (row === undefined) return null;
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw new ServerError('STATE_CORRUPT', `a ${table} row does not parse: ${parsed.error.message}`);
  return parsed.data;
}
