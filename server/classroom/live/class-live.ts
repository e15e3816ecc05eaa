// The classroom's live operations: presence, staff watching students' terminals, raised
// hands, announcements, bulk class actions and resetting a student's node. Each change is
// stored first, then pushed (the class feeds, the session events of the class's sessions).
import type { Logger } from 'pino';
import type { Announcement, ClassActionRequest, ClassActionResult, HandView, ResetNodeRequest } from '../../../protocol/classroom.js';
import type { Watcher } from '../../../protocol/http.js';
import { ServerError } from '../../errors.js';
import { newId, type SessionManager } from '../../sessions/manager.js';
import type { Store } from '../../store/store.js';
import { toHandView } from '../grid.js';
import { ClassFeeds } from './class-feed.js';
import type { ClassroomPort, LiveMember, LiveStaff } from './port.js';
import { Presence } from './presence.js';
import { WatcherRegistry } from './watchers.js';

/** Socket opens and closes of one student within this long make one `student` event (ms). */
export const STUDENT_COALESCE_MS = 50;

/** The session operations the live layer calls for staff. */
export type LiveSessions = Pick<SessionManager<unknown>, 'publishClassEvent' | 'liveOwnerOf' | 'terminalSession' | 'extend' | 'endByOwner' | 'resetNode'>;

/** What the live layer needs. */
export interface ClassLiveOptions {
  port: ClassroomPort;
  store: Store;
  sessions: LiveSessions;
  log: Logger;
  now?: () => number;
}

/** The live side of the classroom (one per server). */
export class ClassLive {
  readonly presence: Presence;
  readonly watchers: WatcherRegistry;
  readonly feeds: ClassFeeds;
  readonly #o: ClassLiveOptions;
  readonly #now: () => number;
  readonly #offPresence: () => void;
  /** Student rows waiting to be sent again, by `class/member`. */
  readonly #pending = new Map<string, NodeJS.Timeout>();

  constructor(options: ClassLiveOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
    const onError = (err: unknown) => options.log.error({ err }, 'classroom live listener failed');
    this.presence = new Presence(onError);
    this.watchers = new WatcherRegistry((sessionId, watchers) => options.sessions.publishClassEvent(sessionId, { type: 'watchers', watchers }));
    this.feeds = new ClassFeeds(options.port, onError);
    this.#offPresence = this.presence.onChange((owner) => {
      for (const m of options.store.membershipsOf(owner)) {
        options.port.touchMember(m.id);
        this.#studentChangedSoon(m.classId, m.id);
      }
    });
  }

  /**
   * Counts a student's socket on a session (its events feed or a terminal) for presence.
   * For a class session, the student's grid row is sent again, now and when it closes: its
   * terminals may have changed (the session just started, a tab opened, the session ended).
   * @returns the socket's close (idempotent)
   */
  socketOpened(owner: string, on: { sessionId: string } | { terminalId: string }): () => void {
    const sessionId = 'sessionId' in on ? on.sessionId : (this.#o.sessions.terminalSession(on.terminalId)?.sessionId ?? null);
    const member = sessionId === null ? null : this.#o.port.classOfSession(sessionId);
    const offline = this.presence.opened(owner);
    if (member !== null) this.#studentChangedSoon(member.classId, member.memberId);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      offline();
      if (member !== null) this.#studentChangedSoon(member.classId, member.memberId);
    };
  }

  /** The staff on a session's terminals now (sent when a student's events socket opens). */
  watchersOf(sessionId: string): Watcher[] {
    return this.watchers.of(sessionId);
  }

  // ── hands ────────────────────────────────────────────────────────────────────────

  /** A student raises (or re-words) their hand. @throws CLASS_NOT_FOUND when not a member */
  raiseHand(owner: string, classId: string, request: { message: string; lessonId: string | null; step: number | null }): HandView {
    const member = this.#member(owner, classId);
    const row = this.#o.store.raiseHand({ id: newId(), classId, memberId: member.id, ...request, at: this.#now() });
    const hand = toHandView(row);
    this.#handChanged(classId, member.id, hand);
    return hand;
  }

  /** A student lowers their hand. @throws CLASS_NOT_FOUND when not a member */
  lowerHand(owner: string, classId: string): void {
    const member = this.#member(owner, classId);
    if (this.#o.store.resolveHand(classId, member.id, this.#now(), member.id)) this.#handChanged(classId, member.id, null);
  }

  /** The class's instructor resolves a student's hand. @throws CLASS_NOT_FOUND, STUDENT_NOT_FOUND */
  resolveHand(staff: LiveStaff, classId: string, studentId: string): void {
    this.#o.port.classAccess(staff, classId);
    const member = this.#studentOf(classId, studentId);
    if (this.#o.store.resolveHand(classId, member.id, this.#now(), staff.id)) this.#handChanged(classId, member.id, null);
  }

  // ── announcements and class actions ──────────────────────────────────────────────

  /**
   * Stores an announcement, then delivers it: the dashboards and student class feeds (via
   * the classroom's events) and the events socket of every live session of the class.
   */
  announce(staff: LiveStaff, classId: string, text: string): Announcement {
    this.#o.port.classAccess(staff, classId);
    const at = this.#now();
    const row = { id: newId(), classId, text, by: staff.username, at };
    this.#o.store.insertAnnouncement(row);
    const announcement: Announcement = { id: row.id, text, at: new Date(at).toISOString(), by: staff.username };
    this.#o.port.events.emitAnnouncement({ classId, announcement });
    for (const s of this.#o.store.liveSessionsOfClass(classId)) this.#o.sessions.publishClassEvent(s.id, { type: 'announcement', announcement });
    return announcement;
  }

  /** Extends or ends every live session of the class; answers how many it touched. */
  async action(staff: LiveStaff, classId: string, request: ClassActionRequest): Promise<ClassActionResult> {
    this.#o.port.classAccess(staff, classId);
    const sessions = this.#o.store.liveSessionsOfClass(classId);
    const results = await Promise.allSettled(
      sessions.map(async (s) => {
        if (request.action === 'end-all') return this.#o.sessions.endByOwner(s.id, s.owner);
        await (request.minutes === undefined ? this.#o.sessions.extend(s.id, s.owner) : this.#o.sessions.extend(s.id, s.owner, request.minutes * 60_000));
      }),
    );
    const done = results.filter((r) => r.status === 'fulfilled').length;
    for (const r of results) if (r.status === 'rejected') this.#o.log.info({ err: r.reason, classId, action: request.action }, 'class action skipped a session');
    this.#o.log.info({ classId, action: request.action, sessions: sessions.length, done, by: staff.username }, 'class action');
    return { sessions: done };
  }

  /** Resets a student's node (the session must be a live session of that student in the class). */
  async resetNode(staff: LiveStaff, classId: string, studentId: string, request: ResetNodeRequest): Promise<void> {
    this.#o.port.classAccess(staff, classId);
    const member = this.#studentOf(classId, studentId);
    const session = this.#o.store.liveSessionsOfClass(classId, member.id).find((s) => s.id === request.sessionId);
    if (!session) throw new ServerError('SESSION_NOT_FOUND', `no live session ${request.sessionId} of student ${studentId} in class ${classId}`);
    await this.#o.sessions.resetNode(session.id, session.owner, request.node);
    this.#o.log.info({ classId, studentId, session: session.id, node: request.node, by: staff.username }, 'student node reset by staff');
  }

  /** Stops listening. */
  close(): void {
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
    this.#offPresence();
    this.feeds.close();
  }

  #member(owner: string, classId: string): LiveMember {
    const m = this.#o.port.memberOf(owner, classId);
    if (m === null) throw new ServerError('CLASS_NOT_FOUND', `owner is not a member of class ${classId}`);
    return m;
  }

  #studentOf(classId: string, studentId: string): LiveMember {
    const m = this.#o.port.memberById(classId, studentId);
    if (m === null) throw new ServerError('STUDENT_NOT_FOUND', `no student ${studentId} in class ${classId}`);
    return m;
  }

  /** A `student` event within STUDENT_COALESCE_MS: a burst of sockets (a page's events and terminals) sends one. */
  #studentChangedSoon(classId: string, memberId: string): void {
    const key = `${classId}/${memberId}`;
    if (this.#pending.has(key)) return;
    this.#pending.set(
      key,
      setTimeout(() => {
        this.#pending.delete(key);
        this.#o.port.studentChanged(classId, memberId);
      }, STUDENT_COALESCE_MS),
    );
  }

  #handChanged(classId: string, memberId: string, hand: HandView | null): void {
    this.feeds.handChanged(classId, memberId, hand);
    this.#o.port.studentChanged(classId, memberId);
  }
}
