// The live feeds of a class: every open dashboard socket (ClassEvent) and every open
// student class socket (MemberEvent), fanned out from the classroom's in-process events.
// Nothing here polls the store: each change is pushed by whoever made it.
import type { ClassEvent, HandView, MemberEvent } from '../../../protocol/classroom.js';
import type { LessonLang } from '../../../protocol/lesson.js';
import type { ClassroomPort } from './port.js';

/** Receives one socket's events. */
export type Sink<E> = (event: E) => void;

interface MemberSocket {
  memberId: string;
  owner: string;
  lang: LessonLang;
  sink: Sink<MemberEvent>;
}

/** Dashboards and member feeds by class. */
export class ClassFeeds {
  readonly #port: Pick<ClassroomPort, 'events' | 'grid' | 'studentView'>;
  readonly #onError: (err: unknown) => void;
  readonly #dashboards = new Map<string, Set<Sink<ClassEvent>>>();
  readonly #members = new Map<string, Set<MemberSocket>>();
  readonly #offs: (() => void)[];

  constructor(port: Pick<ClassroomPort, 'events' | 'grid' | 'studentView'>, onError: (err: unknown) => void) {
    this.#port = port;
    this.#onError = onError;
    const ev = port.events;
    this.#offs = [
      ev.onCell((c) => this.#toDashboards(c.classId, { type: 'cell', studentId: c.studentId, cell: c.cell })),
      ev.onStudent((s) => this.#toDashboards(s.classId, { type: 'student', student: s.student })),
      ev.onAnnouncement((a) => {
        this.#toDashboards(a.classId, { type: 'announcement', announcement: a.announcement });
        this.#toMembers(a.classId, () => true, { type: 'announcement', announcement: a.announcement });
      }),
      ev.onClass((c) => {
        this.#toDashboards(c.classId, { type: 'class', view: c.view });
        if (c.lessonsChanged) for (const sink of this.#dashboards.get(c.classId) ?? []) void this.#sendGrid(c.classId, sink);
        for (const m of this.#members.get(c.classId) ?? []) void this.#sendStudentView(c.classId, m);
      }),
    ];
  }

  /** Adds a dashboard socket of `classId`: its `grid` goes out first. Returns its removal. */
  addDashboard(classId: string, sink: Sink<ClassEvent>): () => void {
    const set = this.#dashboards.get(classId) ?? new Set();
    this.#dashboards.set(classId, set);
    // Changes that arrive while the grid is read wait for it: the grid is always first.
    let queue: ClassEvent[] | null = [];
    const entry: Sink<ClassEvent> = (event) => {
      if (queue === null || event.type === 'grid') {
        sink(event);
        if (event.type === 'grid' && queue !== null) {
          const waiting = queue;
          queue = null;
          for (const e of waiting) sink(e);
        }
      } else queue.push(event);
    };
    set.add(entry);
    void this.#sendGrid(classId, entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#dashboards.get(classId) === set) this.#dashboards.delete(classId);
    };
  }

  /**
   * Adds a student's class socket: their `class` view goes out first (a reconnecting page
   * catches up on what it missed). Returns its removal.
   */
  addMember(classId: string, member: { memberId: string; owner: string; lang: LessonLang }, sink: Sink<MemberEvent>): () => void {
    const set = this.#members.get(classId) ?? new Set();
    this.#members.set(classId, set);
    const entry: MemberSocket = { ...member, sink };
    set.add(entry);
    void this.#sendStudentView(classId, entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.#members.get(classId) === set) this.#members.delete(classId);
    };
  }

  /** Tells a student's class sockets that their hand changed. */
  handChanged(classId: string, memberId: string, hand: HandView | null): void {
    this.#toMembers(classId, (m) => m.memberId === memberId, { type: 'hand', hand });
  }

  /** Dashboards open now (all classes). */
  get dashboardCount(): number {
    let n = 0;
    for (const s of this.#dashboards.values()) n += s.size;
    return n;
  }

  /** Stops listening. */
  close(): void {
    for (const off of this.#offs.splice(0)) off();
    this.#dashboards.clear();
    this.#members.clear();
  }

  async #sendGrid(classId: string, sink: Sink<ClassEvent>): Promise<void> {
    try {
      const grid = await this.#port.grid(classId);
      if (this.#dashboards.get(classId)?.has(sink)) sink({ type: 'grid', grid });
    } catch (err) {
      this.#onError(err);
    }
  }

  async #sendStudentView(classId: string, m: MemberSocket): Promise<void> {
    try {
      const view = await this.#port.studentView(m.owner, classId, m.lang);
      if (this.#members.get(classId)?.has(m)) m.sink({ type: 'class', view });
    } catch (err) {
      this.#onError(err);
    }
  }

  #toDashboards(classId: string, event: ClassEvent): void {
    for (const sink of [...(this.#dashboards.get(classId) ?? [])]) this.#safe(() => sink(event));
  }

  #toMembers(classId: string, which: (m: MemberSocket) => boolean, event: MemberEvent): void {
    for (const m of [...(this.#members.get(classId) ?? [])]) if (which(m)) this.#safe(() => m.sink(event));
  }

  #safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#onError(err);
    }
  }
}
