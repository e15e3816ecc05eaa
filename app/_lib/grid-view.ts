// The live dashboard's model, pure: folding ClassEvents into the grid, each cell's shown
// status (implied "not started" included), per-student progress, and the sort and filters
// of the grid's rows. No React, no DOM.
import type { Announcement, Cell, ClassEvent, ClassView, Grid, GridLesson, GridStudent } from '../../protocol/classroom';

/** What the dashboard holds. */
export type DashboardState = {
  grid: Grid | null;
  view: ClassView | null;
  /** Newest first, at most MAX_ANNOUNCEMENTS. */
  announcements: Announcement[];
};

/** Announcements the dashboard keeps on screen. */
export const MAX_ANNOUNCEMENTS = 20;

/** The dashboard before anything arrived. */
export const EMPTY_DASHBOARD: DashboardState = { grid: null, view: null, announcements: [] };

/** The state after one event of /ws/classes/:class/events. */
export function applyClassEvent(state: DashboardState, event: ClassEvent): DashboardState {
  switch (event.type) {
    case 'grid':
      return { ...state, grid: event.grid };
    case 'cell':
      if (!state.grid) return state;
      return {
        ...state,
        grid: {
          ...state.grid,
          students: state.grid.students.map((s) => (s.id === event.studentId ? { ...s, cells: upsertCell(s.cells, event.cell) } : s)),
        },
      };
    case 'student': {
      if (!state.grid) return state;
      const known = state.grid.students.some((s) => s.id === event.student.id);
      const students = known
        ? state.grid.students.map((s) => (s.id === event.student.id ? event.student : s))
        : [...state.grid.students, event.student];
      return { ...state, grid: { ...state.grid, students } };
    }
    case 'announcement':
      if (state.announcements.some((a) => a.id === event.announcement.id)) return state;
      return { ...state, announcements: [event.announcement, ...state.announcements].slice(0, MAX_ANNOUNCEMENTS) };
    case 'class': {
      const lockedIds = new Set(event.view.settings.lockedLessons);
      const grid = state.grid ? { ...state.grid, lessons: state.grid.lessons.map((l) => ({ ...l, locked: lockedIds.has(l.id) })) } : null;
      return { ...state, view: event.view, grid };
    }
  }
}

function upsertCell(cells: readonly Cell[], cell: Cell): Cell[] {
  const same = (c: Cell) => c.lessonId === cell.lessonId && c.step === cell.step;
  return cells.some(same) ? cells.map((c) => (same(c) ? cell : c)) : [...cells, cell];
}

/** The cell of `student` at `lessonId` step `step`; an implied not-started cell when absent. */
export function cellAt(student: GridStudent, lessonId: string, step: number): Cell {
  return (
    student.cells.find((c) => c.lessonId === lessonId && c.step === step) ?? {
      lessonId,
      step,
      status: 'not-started',
      attempts: 0,
      startedAt: null,
      passedAt: null,
      stuck: false,
    }
  );
}

/**
 * Steps passed by the student's own check (`passed`) and steps passed only after Solve
 * (`solved`, not a pass), out of all steps of the class's lessons.
 */
export function progressOf(student: GridStudent, lessons: readonly GridLesson[]): { passed: number; solved: number; total: number } {
  const total = lessons.reduce((n, l) => n + l.steps.length, 0);
  const inClass = new Set(lessons.map((l) => l.id));
  const mine = student.cells.filter((c) => inClass.has(c.lessonId));
  return { passed: mine.filter((c) => c.status === 'passed').length, solved: mine.filter((c) => c.status === 'solved').length, total };
}

/** Whether any of the student's cells is stuck. */
export function isStuck(student: GridStudent): boolean {
  return student.cells.some((c) => c.stuck);
}

/** How the grid's rows are ordered. */
export type GridSort = 'name' | 'progress' | 'stuck';
/** Which rows the grid shows. */
export type GridFilter = { search: string; onlyHands: boolean; onlyStuck: boolean };

/** No filter. */
export const NO_FILTER: GridFilter = { search: '', onlyHands: false, onlyStuck: false };

const collators = new Map<string, Intl.Collator>();
/** Display names compared the way readers of `locale` expect (case-insensitive, numbers by value). */
function collatorFor(locale: string): Intl.Collator {
  let collator = collators.get(locale);
  if (!collator) collators.set(locale, (collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true })));
  return collator;
}

/** How urgent a student is for "stuck first": a raised hand, then stuck cells. */
function urgency(student: GridStudent): number {
  return (student.hand ? 2 : 0) + (isStuck(student) ? 1 : 0);
}

/**
 * The rows to show, filtered and sorted; ties fall back to the name (in `locale`'s order:
 * Hangul after Latin in English, before it in Korean), then the id.
 */
export function visibleStudents(
  students: readonly GridStudent[],
  lessons: readonly GridLesson[],
  sort: GridSort,
  filter: GridFilter,
  locale = 'en',
): GridStudent[] {
  const collator = collatorFor(locale);
  const needle = filter.search.trim().toLocaleLowerCase();
  const rows = students.filter(
    (s) =>
      (!needle || s.displayName.toLocaleLowerCase().includes(needle)) &&
      (!filter.onlyHands || s.hand !== null) &&
      (!filter.onlyStuck || isStuck(s)),
  );
  const byName = (a: GridStudent, b: GridStudent) => collator.compare(a.displayName, b.displayName) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const key: Record<GridSort, (a: GridStudent, b: GridStudent) => number> = {
    name: byName,
    progress: (a, b) => progressOf(b, lessons).passed - progressOf(a, lessons).passed || byName(a, b),
    stuck: (a, b) => urgency(b) - urgency(a) || byName(a, b),
  };
  return rows.sort(key[sort]);
}

/** Whole minutes from `since` (ISO) to `nowMs`; null when `since` is null or unreadable. */
export function minutesSince(since: string | null, nowMs: number): number | null {
  if (!since) return null;
  const at = Date.parse(since);
  if (!Number.isFinite(at)) return null;
  return Math.max(0, Math.floor((nowMs - at) / 60_000));
}
