// The Classroom service: the one object server/main.ts creates for the classroom, which the
// HTTP routes (server/http/classroom-api.ts) and the live layer (server/classroom/live/,
// the class sockets) both use. Staff of a request, access to a class, members, joining,
// class sessions' plans, the grid, results, a student's views. Knows nothing of HTTP
// beyond reading a request's cookie.
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type {
  ClassList,
  ClassSettings,
  ClassUpdate,
  ClassView,
  Grid,
  GridStudent,
  JoinPreview,
  Me,
  MemberView,
  MySession,
  RecordingView,
  RejoinLink,
  Results,
  StudentClassView,
  StudentHistory,
  StudentTerminal,
} from '../../protocol/classroom.js';
import type { LessonLang } from '../../protocol/lesson.js';
import { ServerError } from '../errors.js';
import type { Now } from '../http/rate-limit.js';
import { staffSessionOf } from '../http/staff-cookie.js';
import type { LoadedLesson } from '../lessons/model.js';
import { localize } from '../lessons/render.js';
import { lessonLimits } from '../lessons/runner/limits.js';
import { newId, type LiveSessionSummary, type SessionManager } from '../sessions/manager.js';
import type { ClassRow, MemberRow, Store } from '../store/store.js';
import { Accounts, toStaffView, type StaffUser } from './accounts.js';
import { checkSettings, classSessionPlan, isOpenNow, settingsOf, toClassView, type ClassCaps, type ClassSessionPlan } from './classes.js';
import type { ClassroomEvents } from './events.js';
import { buildGrid, toCell, toGridStudent, toHandView, type GridLessonInput } from './grid.js';
import { formatJoinCode, uniqueJoinCode } from './join-code.js';
import { Joining } from './joining.js';
import { resultRows } from './results.js';

export type { StaffUser } from './accounts.js';
export type { ClassroomEvents } from './events.js';

/** A student counts as online this long after their last activity (ms). */
export const ONLINE_WINDOW_MS = 90_000;

/** The session operations the classroom reads (the SessionManager). */
export type ClassroomSessions = Pick<SessionManager<unknown>, 'sessionsOf' | 'sessionsOfClass'>;

/** What the classroom needs. */
export interface ClassroomOptions {
  store: Store;
  events: ClassroomEvents;
  sessions: ClassroomSessions;
  /** The lesson catalog. */
  lessons: { get(id: string): LoadedLesson | null };
  caps: ClassCaps;
  /** Whether anonymous visitors may start a free playground (config `openPlayground`). */
  openPlayground: boolean;
  /** Cookie and token signing secret. */
  secret: Buffer;
  log: Logger;
  now?: Now;
}

/** A class and its parsed settings. */
export interface ClassRecord {
  id: string;
  row: ClassRow;
  settings: ClassSettings;
}

/** Where StudentHistory finds a student's recordings (classroom-live sets it). */
export type RecordingSource = (classId: string, memberId: string) => RecordingView[];

const iso = (ms: number) => new Date(ms).toISOString();

/** The classroom. */
export class Classroom {
  readonly events: ClassroomEvents;
  readonly accounts: Accounts;
  readonly #o: ClassroomOptions;
  readonly #store: Store;
  readonly #now: Now;
  readonly #joining: Joining;
  #recordings: RecordingSource = () => [];
  #presence: ((owner: string) => boolean) | null = null;

  constructor(options: ClassroomOptions) {
    this.#o = options;
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.events = options.events;
    this.accounts = new Accounts({ store: options.store, now: this.#now });
    this.#joining = new Joining({ store: options.store, caps: options.caps, secret: options.secret, now: this.#now, joined: (classId, memberId) => this.studentChanged(classId, memberId) });
    // A step's activity becomes a cell change in every class of that student holding the lesson.
    this.events.onStep((e) => this.#stepChanged(e.owner, e.lessonId, e.step));
  }

  /** Whether anonymous visitors may start a free playground. */
  get openPlayground(): boolean {
    return this.#o.openPlayground;
  }

  /**
   * Sets exact presence (server/classroom/live: a browser holding a pier socket). Once set,
   * `online` is that alone; before, it is activity within ONLINE_WINDOW_MS.
   */
  setPresenceSource(isOnline: (owner: string) => boolean): void {
    this.#presence = isOnline;
  }

  /** Sets where StudentHistory finds recordings (server/classroom/live). */
  setRecordingSource(source: RecordingSource): void {
    this.#recordings = source;
  }

  // ── who is asking ────────────────────────────────────────────────────────────────

  /** The signed-in staff member of a request (pier_staff cookie, checked against the store), or null. */
  staffOf(req: IncomingMessage): StaffUser | null {
    const id = staffSessionOf(req, this.#o.secret);
    return id === null ? null : this.accounts.staffOfSession(id);
  }

  /** The caller's `Me`. */
  me(staff: StaffUser | null, owner: string, setupCodeRequired: boolean): Me {
    const user = staff === null ? null : this.#store.getUser(staff.id);
    const setupNeeded = this.accounts.setupNeeded();
    return {
      staff: user === null ? null : toStaffView(user),
      setupNeeded,
      memberships: this.memberships(owner),
      openPlayground: this.#o.openPlayground,
      ...(setupNeeded ? { setupCodeRequired } : {}),
    };
  }

  /** The classes browser `owner` joined. */
  memberships(owner: string): MemberView[] {
    const out: MemberView[] = [];
    for (const m of this.#store.membershipsOf(owner)) {
      const row = this.#store.getClass(m.classId);
      if (row !== null) out.push(this.#joining.memberView(m, row));
    }
    return out;
  }

  // ── classes ──────────────────────────────────────────────────────────────────────

  /**
   * The class `classId` when `staff` may see it (its instructor, or any admin).
   * @throws CLASS_NOT_FOUND (404) otherwise: existence is not revealed
   */
  classAccess(staff: StaffUser, classId: string): ClassRecord {
    const row = this.#store.getClass(classId);
    if (row === null || (staff.role !== 'admin' && row.instructorId !== staff.id)) throw new ServerError('CLASS_NOT_FOUND', `no class ${classId} for ${staff.username}`);
    return { id: row.id, row, settings: settingsOf(row, this.#o.caps) };
  }

  /** A class by id for server-side use (no access check), or null. */
  classById(classId: string): ClassRecord | null {
    const row = this.#store.getClass(classId);
    return row === null ? null : { id: row.id, row, settings: settingsOf(row, this.#o.caps) };
  }

  /** Classes `staff` sees: an instructor's own, an admin's all. */
  listClasses(staff: StaffUser): ClassList {
    return {
      classes: this.#store.classesOf(staff.role === 'admin' ? null : staff.id).map((row) => {
        const settings = settingsOf(row, this.#o.caps);
        const members = this.#store.membersOf(row.id);
        const live = this.#o.sessions.sessionsOfClass(row.id);
        return {
          id: row.id,
          name: settings.name,
          joinCode: formatJoinCode(row.joinCode),
          open: isOpenNow(settings, this.#now()),
          students: members.length,
          online: members.filter((m) => this.#online(m, live)).length,
          hands: this.#store.openHands(row.id).length,
          instructor: row.instructor,
          createdAt: iso(row.createdAt),
        };
      }),
    };
  }

  /** Creates a class with `staff` as its instructor. @throws INVALID_REQUEST (unknown lesson, schedule) */
  createClass(staff: StaffUser, input: ClassSettings): ClassRecord {
    const settings = checkSettings(input, this.#o.caps, (id) => this.#o.lessons.get(id) !== null);
    const id = newId();
    const joinCode = uniqueJoinCode((c) => this.#store.joinCodeTaken(c));
    this.#store.insertClass({ id, instructorId: staff.id, joinCode, settings: JSON.stringify(settings), createdAt: this.#now() });
    this.#o.log.info({ class: id, by: staff.username, lessons: settings.lessons }, 'class created');
    return this.classAccess(staff, id);
  }

  /** Changes some settings of a class; tells the live layer. @throws CLASS_NOT_FOUND, INVALID_REQUEST */
  async updateClass(staff: StaffUser, classId: string, update: ClassUpdate, origin: string): Promise<ClassView> {
    const before = this.classAccess(staff, classId);
    const merged: ClassSettings = { ...before.settings, ...stripUndefined(update) };
    const settings = checkSettings(merged, this.#o.caps, (id) => this.#o.lessons.get(id) !== null || before.settings.lessons.includes(id));
    this.#store.setClassSettings(classId, JSON.stringify(settings));
    this.#o.log.info({ class: classId, by: staff.username, changed: Object.keys(stripUndefined(update)) }, 'class changed');
    const after = this.classAccess(staff, classId);
    const view = await this.classView(after, origin);
    const lessonsChanged = JSON.stringify(before.settings.lessons) !== JSON.stringify(after.settings.lessons);
    this.events.emitClass({ classId, view, lessonsChanged });
    return view;
  }

  /** The wire view of a class (join link and QR code for `origin`). */
  classView(record: ClassRecord, origin: string): Promise<ClassView> {
    return toClassView(record.row, record.settings, origin, this.#now());
  }

  // ── students ─────────────────────────────────────────────────────────────────────

  /** The student that browser `owner` is in a class, or null. */
  memberOf(owner: string, classId: string): MemberRow | null {
    return this.#store.memberOf(classId, owner);
  }

  /** A student of a class by id, or null (also when the id is of another class). */
  memberById(classId: string, studentId: string): MemberRow | null {
    const m = this.#store.getMember(studentId);
    return m !== null && m.classId === classId ? m : null;
  }

  /** The class and student of a live session, or null for a free playground (or no such session). */
  classOfSession(sessionId: string): { classId: string; memberId: string } | null {
    const row = this.#store.getSession(sessionId);
    return row === null || row.classId === null || row.memberId === null ? null : { classId: row.classId, memberId: row.memberId };
  }

  /** Records a student's presence (their page or sockets are active). */
  touchMember(memberId: string): void {
    this.#store.touchMember(memberId, this.#now());
  }

  /** The class of a join code (GET /api/join/:code). @throws RATE_LIMITED, CLASS_NOT_FOUND */
  preview(typedCode: string, address: string): JoinPreview {
    return this.#joining.preview(typedCode, address);
  }

  /** Makes browser `owner` a student of the code's class (joining.ts). @throws RATE_LIMITED, CLASS_NOT_FOUND, CLASS_CLOSED */
  join(owner: string, typedCode: string, displayName: string, address: string): MemberView {
    return this.#joining.join(owner, typedCode, displayName, address);
  }

  /** A personal rejoin link for a student. @throws CLASS_NOT_FOUND, STUDENT_NOT_FOUND */
  rejoinLink(staff: StaffUser, classId: string, studentId: string, origin: string): RejoinLink {
    this.classAccess(staff, classId);
    return this.#joining.rejoinLink(classId, studentId, origin);
  }

  /** The student a rejoin token names: this browser becomes its owner. @throws REJOIN_INVALID */
  rejoin(token: string): { owner: string; member: MemberView } {
    return this.#joining.rejoin(token);
  }

  /** Every live session of browser `owner` (the home page's list). */
  mySessions(owner: string): MySession[] {
    return this.#o.sessions.sessionsOf(owner).map(toMySession);
  }

  /**
   * What a student sees of their class: lessons with locks and passed counts, announcements,
   * their hand, their sessions of the class.
   * @throws CLASS_NOT_FOUND unless `owner` is a student of it
   */
  studentView(owner: string, classId: string, lang: LessonLang): StudentClassView {
    const member = this.memberOf(owner, classId);
    const record = member === null ? null : this.classById(classId);
    if (member === null || record === null) throw new ServerError('CLASS_NOT_FOUND', `owner is no student of ${classId}`);
    const progress = this.#store.progressOf(owner);
    const hand = this.#store.openHand(classId, member.id);
    return {
      classId,
      name: record.settings.name,
      studentId: member.id,
      displayName: member.displayName,
      openNow: isOpenNow(record.settings, this.#now()),
      lessons: this.#lessonInputs(record.settings, lang).map((l) => ({
        id: l.id,
        title: l.title,
        steps: l.stepTitles.length,
        passed: (progress.get(l.id) ?? []).filter((s) => s <= l.stepTitles.length).length,
        locked: record.settings.lockedLessons.includes(l.id),
      })),
      announcements: this.#store.announcementsOf(classId).map((a) => ({ id: a.id, text: a.text, at: iso(a.at), by: a.by })),
      hand: hand === null ? null : toHandView(hand),
      sessions: this.#o.sessions.sessionsOf(owner).filter((s) => s.classId === classId).map(toMySession),
    };
  }

  /**
   * The plan of a class session for a student: the lesson must be in the class and not
   * locked, and the class open now.
   * @throws CLASS_NOT_FOUND (not a student of it), CLASS_CLOSED, LESSON_NOT_IN_CLASS, LESSON_LOCKED, LESSON_NOT_FOUND
   */
  sessionPlan(owner: string, classId: string, lessonId: string): ClassSessionPlan {
    const member = this.memberOf(owner, classId);
    const record = member === null ? null : this.classById(classId);
    if (member === null || record === null) throw new ServerError('CLASS_NOT_FOUND', `owner is no student of ${classId}`);
    const s = record.settings;
    if (!s.lessons.includes(lessonId)) throw new ServerError('LESSON_NOT_IN_CLASS', `lesson ${lessonId} not in class ${classId}`);
    if (s.lockedLessons.includes(lessonId)) throw new ServerError('LESSON_LOCKED', `lesson ${lessonId} locked in class ${classId}`);
    if (!isOpenNow(s, this.#now())) throw new ServerError('CLASS_CLOSED', `class ${classId} is closed`);
    const lesson = this.#o.lessons.get(lessonId);
    if (lesson === null) throw new ServerError('LESSON_NOT_FOUND', `no lesson ${lessonId}`);
    const caps = this.#o.caps;
    const limits = lessonLimits(lesson.meta.limits, { memoryBytes: caps.memoryBytes, pids: caps.pids, cpus: caps.cpus, diskBytes: caps.diskBytes });
    return classSessionPlan({ classId, memberId: member.id }, s, { nodes: lesson.meta.nodes, limits }, caps);
  }

  // ── the grid, results, history ───────────────────────────────────────────────────

  /** The grid of a class (no access check: callers use classAccess first). @throws CLASS_NOT_FOUND */
  grid(classId: string, lang: LessonLang = 'en'): Grid {
    const record = this.#record(classId);
    const live = this.#o.sessions.sessionsOfClass(classId);
    return buildGrid({
      classId,
      settings: record.settings,
      lessons: this.#lessonInputs(record.settings, lang),
      members: this.#store.membersOf(classId),
      cells: this.#store.cellsOfClass(classId),
      hands: this.#store.openHands(classId),
      terminalsOf: (memberId) => terminalsOf(live, memberId),
      onlineOf: (m) => this.#online(m, live),
      now: this.#now(),
    });
  }

  /** One student's grid row, or null when there is no such student in the class. */
  gridStudent(classId: string, studentId: string, lang: LessonLang = 'en'): GridStudent | null {
    const record = this.classById(classId);
    const member = this.memberById(classId, studentId);
    if (record === null || member === null) return null;
    const live = this.#o.sessions.sessionsOfClass(classId);
    return toGridStudent(
      { member, cells: this.#store.cellsOfOwner(member.owner), hand: this.#store.openHand(classId, member.id), terminals: terminalsOf(live, member.id), online: this.#online(member, live) },
      this.#lessonInputs(record.settings, lang),
      record.settings,
      this.#now(),
    );
  }

  /** Tells the live layer that a student's row changed (joined, hand, presence, terminals). */
  studentChanged(classId: string, studentId: string): void {
    const student = this.gridStudent(classId, studentId);
    if (student !== null) this.events.emitStudent({ classId, student });
  }

  /** The results of a class. @throws CLASS_NOT_FOUND */
  results(classId: string): Results {
    const record = this.#record(classId);
    const now = this.#now();
    return {
      classId,
      className: record.settings.name,
      exportedAt: iso(now),
      rows: resultRows(this.#store.membersOf(classId), this.#store.cellsOfClass(classId), this.#lessonInputs(record.settings, 'en'), now),
    };
  }

  /** One student's history. @throws CLASS_NOT_FOUND, STUDENT_NOT_FOUND */
  studentHistory(classId: string, studentId: string, lang: LessonLang = 'en'): StudentHistory {
    const record = this.#record(classId);
    const member = this.memberById(classId, studentId);
    const student = this.gridStudent(classId, studentId, lang);
    if (member === null || student === null) throw new ServerError('STUDENT_NOT_FOUND', `no student ${studentId} in ${classId}`);
    return {
      student,
      rows: resultRows([member], this.#store.cellsOfOwner(member.owner), this.#lessonInputs(record.settings, lang), this.#now()),
      recordings: this.#recordings(classId, member.id),
      sessions: this.#o.sessions.sessionsOf(member.owner).filter((s) => s.classId === classId).map(toMySession),
    };
  }

  // ── internals ────────────────────────────────────────────────────────────────────

  #record(classId: string): ClassRecord {
    const r = this.classById(classId);
    if (r === null) throw new ServerError('CLASS_NOT_FOUND', `no class ${classId}`);
    return r;
  }

  /** The class's lessons the catalog has, titles in `lang`. */
  #lessonInputs(s: ClassSettings, lang: LessonLang): GridLessonInput[] {
    const out: GridLessonInput[] = [];
    for (const id of s.lessons) {
      const l = this.#o.lessons.get(id);
      if (l !== null) out.push({ id, title: localize(l.meta.title, lang), stepTitles: l.steps.map((st) => localize(st.title, lang)) });
    }
    return out;
  }

  /** Online: exact presence when the live layer gives it; else active in a class session, or seen, within ONLINE_WINDOW_MS. */
  #online(m: MemberRow, live: readonly LiveSessionSummary[]): boolean {
    if (this.#presence !== null) return this.#presence(m.owner);
    const since = this.#now() - ONLINE_WINDOW_MS;
    if ((m.lastSeenAt ?? 0) >= since) return true;
    return live.some((s) => s.memberId === m.id && s.lastActivity >= since);
  }

  #stepChanged(owner: string, lessonId: string, step: number): void {
    if (!this.events.hasCellListeners) return;
    const row = this.#store.cellOf(owner, lessonId, step);
    for (const m of this.#store.membershipsOf(owner)) {
      const record = this.classById(m.classId);
      if (record === null || !record.settings.lessons.includes(lessonId)) continue;
      this.events.emitCell({ classId: m.classId, studentId: m.id, owner, cell: toCell(row, record.settings, this.#now()) });
    }
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function terminalsOf(live: readonly LiveSessionSummary[], memberId: string): StudentTerminal[] {
  return live.filter((s) => s.memberId === memberId).flatMap((s) => s.terminals.map((t) => ({ id: t.id, sessionId: s.id, node: t.node, title: t.title })));
}

function toMySession(s: LiveSessionSummary): MySession {
  return { id: s.id, lessonId: s.lessonId, classId: s.classId, createdAt: iso(s.createdAt), expiresAt: iso(s.expiresAt), nodes: s.nodes };
}
