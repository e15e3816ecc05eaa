// The students × steps grid of a class, computed from rows (members, step activity and
// progress, open hands, live terminals, presence): pure functions, no I/O.
import type { Cell, ClassSettings, Grid, GridLesson, GridStudent, HandView, StudentTerminal } from '../../protocol/classroom.js';
import type { CellActivityRow, HandRow, MemberRow } from '../store/store.js';

/** A lesson of the class as the grid shows it (title already in the page's language). */
export interface GridLessonInput {
  id: string;
  title: string;
  stepTitles: string[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * One cell from its row. `stuck`: not passed, at least `stuckAttempts` failed checks, and
 * at least `stuckMinutes` since the step was first opened (the store keeps the first open
 * and the last failure, not each failure's time).
 */
export function toCell(row: CellActivityRow, stuck: Pick<ClassSettings, 'stuckMinutes' | 'stuckAttempts'>, now: number): Cell {
  const startedAt = row.startedAt ?? row.passedAt;
  const passed = row.passedAt !== null;
  return {
    lessonId: row.lessonId,
    step: row.step,
    status: passed ? (row.solved ? 'solved' : 'passed') : 'in-progress',
    attempts: row.attempts,
    startedAt: iso(startedAt),
    passedAt: iso(row.passedAt),
    stuck: !passed && row.attempts >= stuck.stuckAttempts && startedAt !== null && now - startedAt >= stuck.stuckMinutes * 60_000,
  };
}

/** The wire view of an open hand. */
export function toHandView(h: HandRow): HandView {
  return { studentId: h.memberId, message: h.message, lessonId: h.lessonId, step: h.step, raisedAt: new Date(h.raisedAt).toISOString() };
}

/** Whether a row is a step of one of the class's lessons. */
function inClass(lessons: readonly GridLessonInput[]): (row: CellActivityRow) => boolean {
  const steps = new Map(lessons.map((l) => [l.id, l.stepTitles.length]));
  return (row) => row.step <= (steps.get(row.lessonId) ?? 0);
}

/** What one student row is made of. */
export interface GridStudentInput {
  member: MemberRow;
  /** The student's rows (any lesson; those outside the class are dropped). */
  cells: readonly CellActivityRow[];
  hand: HandRow | null;
  terminals: StudentTerminal[];
  online: boolean;
}

/** One student's row. */
export function toGridStudent(input: GridStudentInput, lessons: readonly GridLessonInput[], settings: ClassSettings, now: number): GridStudent {
  const keep = inClass(lessons);
  return {
    id: input.member.id,
    displayName: input.member.displayName,
    joinedAt: new Date(input.member.joinedAt).toISOString(),
    online: input.online,
    lastSeenAt: iso(input.member.lastSeenAt),
    hand: input.hand === null ? null : toHandView(input.hand),
    terminals: input.terminals,
    cells: input.cells.filter(keep).map((r) => toCell(r, settings, now)),
  };
}

/** The whole grid. `cells` are every row of the class's students, matched to them by owner. */
export function buildGrid(options: {
  classId: string;
  settings: ClassSettings;
  lessons: readonly GridLessonInput[];
  members: readonly MemberRow[];
  cells: readonly CellActivityRow[];
  hands: readonly HandRow[];
  terminalsOf: (memberId: string) => StudentTerminal[];
  onlineOf: (member: MemberRow) => boolean;
  now: number;
}): Grid {
  const byOwner = new Map<string, CellActivityRow[]>();
  for (const c of options.cells) {
    const list = byOwner.get(c.owner) ?? [];
    list.push(c);
    byOwner.set(c.owner, list);
  }
  const hands = new Map(options.hands.map((h) => [h.memberId, h]));
  const lessons: GridLesson[] = options.lessons.map((l) => ({
    id: l.id,
    title: l.title,
    steps: l.stepTitles.map((title, i) => ({ index: i + 1, title })),
    locked: options.settings.lockedLessons.includes(l.id),
  }));
  return {
    classId: options.classId,
    lessons,
    students: options.members.map((m) =>
      toGridStudent(
        { member: m, cells: byOwner.get(m.owner) ?? [], hand: hands.get(m.id) ?? null, terminals: options.terminalsOf(m.id), online: options.onlineOf(m) },
        options.lessons,
        options.settings,
        options.now,
      ),
    ),
    stuckMinutes: options.settings.stuckMinutes,
    stuckAttempts: options.settings.stuckAttempts,
    at: new Date(options.now).toISOString(),
  };
}
