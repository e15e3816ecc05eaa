// The classroom's in-process events: a small typed emitter that the classroom core fires
// (a cell changed, a student changed, an announcement, a class's settings) and the live
// layer (server/classroom/live/, the class sockets) listens to. No I/O, no sockets.
import type { Announcement, Cell, ClassView, GridStudent } from '../../protocol/classroom.js';

/**
 * A step's activity of one browser changed (opened, a failed check, a pass, a Solve), as
 * the lesson session reports it: before the class is known. The Classroom service turns
 * it into one `CellChange` per class the owner is a student of (whose lessons hold it).
 */
export interface StepChange {
  /** The student's browser (pier_owner id). */
  owner: string;
  lessonId: string;
  /** 1-based step index. */
  step: number;
}

/** A cell of a class's grid changed; `cell` is the protocol's Cell, stuck computed for that class. */
export interface CellChange {
  classId: string;
  studentId: string;
  owner: string;
  cell: Cell;
}

/** A student of a class changed (joined, display name, presence, hand, sessions, terminals). */
export interface StudentChange {
  classId: string;
  student: GridStudent;
}

/** An announcement was made in a class (already stored). */
export interface AnnouncementMade {
  classId: string;
  announcement: Announcement;
}

/** A class's settings changed (already stored). */
export interface ClassChange {
  classId: string;
  view: ClassView;
  /** Whether its lessons (or their order) changed: the dashboard needs a fresh grid. */
  lessonsChanged: boolean;
}

type Listener<E> = (event: E) => void;

/** One list of listeners; a throwing listener is reported and never stops the others. */
class Channel<E> {
  readonly #listeners = new Set<Listener<E>>();
  readonly #onError: (err: unknown) => void;

  constructor(onError: (err: unknown) => void) {
    this.#onError = onError;
  }

  add(listener: Listener<E>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: E): void {
    for (const l of [...this.#listeners]) {
      try {
        l(event);
      } catch (err) {
        this.#onError(err);
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}

/**
 * The classroom's typed events. Every `on…` returns its unsubscribe function; every
 * `emit…` calls the listeners synchronously, in the order they subscribed. Events are
 * emitted after the change they report is in the store.
 */
export class ClassroomEvents {
  readonly #step: Channel<StepChange>;
  readonly #cell: Channel<CellChange>;
  readonly #student: Channel<StudentChange>;
  readonly #announcement: Channel<AnnouncementMade>;
  readonly #class: Channel<ClassChange>;

  /** @param onError called with whatever a listener threw (the server logs it) */
  constructor(onError: (err: unknown) => void = () => {}) {
    this.#step = new Channel(onError);
    this.#cell = new Channel(onError);
    this.#student = new Channel(onError);
    this.#announcement = new Channel(onError);
    this.#class = new Channel(onError);
  }

  /** A browser's step activity changed (raw, from the lesson session). The Classroom service listens. */
  onStep(listener: Listener<StepChange>): () => void {
    return this.#step.add(listener);
  }
  emitStep(event: StepChange): void {
    this.#step.emit(event);
  }

  /** A grid cell of a class changed. */
  onCell(listener: Listener<CellChange>): () => void {
    return this.#cell.add(listener);
  }
  emitCell(event: CellChange): void {
    this.#cell.emit(event);
  }

  /** A student row of a class changed. */
  onStudent(listener: Listener<StudentChange>): () => void {
    return this.#student.add(listener);
  }
  emitStudent(event: StudentChange): void {
    this.#student.emit(event);
  }

  /** An announcement was made. */
  onAnnouncement(listener: Listener<AnnouncementMade>): () => void {
    return this.#announcement.add(listener);
  }
  emitAnnouncement(event: AnnouncementMade): void {
    this.#announcement.emit(event);
  }

  /** A class's settings changed. */
  onClass(listener: Listener<ClassChange>): () => void {
    return this.#class.add(listener);
  }
  emitClass(event: ClassChange): void {
    this.#class.emit(event);
  }

  /** Whether anyone listens for cells (lets the service skip computing cells nobody reads). */
  get hasCellListeners(): boolean {
    return this.#cell.size > 0;
  }

  /** Drops every listener (server close). */
  clear(): void {
    for (const c of [this.#step, this.#cell, this.#student, this.#announcement, this.#class]) c.clear();
  }
}
