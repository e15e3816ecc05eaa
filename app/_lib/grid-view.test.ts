import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Cell, Grid, GridLesson, GridStudent } from '../../protocol/classroom';
import { EMPTY_DASHBOARD, applyClassEvent, cellAt, minutesSince, progressOf, visibleStudents, NO_FILTER } from './grid-view';

const id = (n: number) => n.toString(16).padStart(32, '0');
const lessons: GridLesson[] = [
  { id: 'first', title: 'First', steps: [{ index: 1, title: 'a' }, { index: 2, title: 'b' }], locked: false },
  { id: 'second', title: 'Second', steps: [{ index: 1, title: 'c' }], locked: false },
];
const cell = (lessonId: string, step: number, status: Cell['status'], extra: Partial<Cell> = {}): Cell => ({
  lessonId, step, status, attempts: 0, startedAt: null, passedAt: null, stuck: false, ...extra,
});
const student = (n: number, name: string, cells: Cell[] = [], hand = false): GridStudent => ({
  id: id(n),
  displayName: name,
  joinedAt: '2026-01-01T00:00:00.000Z',
  online: true,
  lastSeenAt: null,
  hand: hand ? { studentId: id(n), message: 'help', lessonId: null, step: null, raisedAt: '2026-01-01T00:00:00.000Z' } : null,
  terminals: [],
  cells,
});
const grid = (students: GridStudent[]): Grid => ({ classId: id(99), lessons, students, stuckMinutes: 10, stuckAttempts: 3, at: '2026-01-01T00:00:00.000Z' });

test('a grid event, then cell and student events, update the right rows', () => {
  let state = applyClassEvent(EMPTY_DASHBOARD, { type: 'cell', studentId: id(1), cell: cell('first', 1, 'passed') });
  assert.equal(state.grid, null, 'a cell before the grid is ignored');
  state = applyClassEvent(state, { type: 'grid', grid: grid([student(1, 'Ann'), student(2, '김민수')]) });
  state = applyClassEvent(state, { type: 'cell', studentId: id(1), cell: cell('first', 1, 'in-progress', { attempts: 2 }) });
  state = applyClassEvent(state, { type: 'cell', studentId: id(1), cell: cell('first', 1, 'passed', { attempts: 2 }) });
  const ann = state.grid!.students[0]!;
  assert.equal(ann.cells.length, 1);
  assert.equal(cellAt(ann, 'first', 1).status, 'passed');
  assert.equal(cellAt(ann, 'first', 1).attempts, 2);
  assert.equal(cellAt(ann, 'second', 1).status, 'not-started');
  state = applyClassEvent(state, { type: 'student', student: student(3, 'Bo') });
  assert.equal(state.grid!.students.length, 3);
  state = applyClassEvent(state, { type: 'student', student: { ...student(3, 'Bo'), online: false } });
  assert.equal(state.grid!.students.length, 3);
  assert.equal(state.grid!.students[2]!.online, false);
});

test('announcements are kept newest first, once each', () => {
  const a = { id: id(5), text: 'hi', at: '2026-01-01T00:00:00.000Z', by: 'kim' };
  const b = { ...a, id: id(6), text: 'again' };
  let state = applyClassEvent(EMPTY_DASHBOARD, { type: 'announcement', announcement: a });
  state = applyClassEvent(state, { type: 'announcement', announcement: b });
  state = applyClassEvent(state, { type: 'announcement', announcement: a });
  assert.deepEqual(state.announcements.map((x) => x.text), ['again', 'hi']);
});

test('progress counts passed and solved steps of the class lessons only, a solved step not as a pass', () => {
  const s = student(1, 'Ann', [cell('first', 1, 'passed'), cell('first', 2, 'solved'), cell('gone', 1, 'passed'), cell('second', 1, 'in-progress')]);
  assert.deepEqual(progressOf(s, lessons), { passed: 1, solved: 1, total: 3 });
});

test('sorting by name, progress and stuck first; filters combine', () => {
  const students = [
    student(1, 'Zed', [cell('first', 1, 'passed'), cell('first', 2, 'passed')]),
    student(2, 'ann', [cell('first', 1, 'in-progress', { stuck: true, attempts: 4 })]),
    student(3, '김민수', [], true),
    student(4, 'Bob', [cell('first', 1, 'passed')]),
  ];
  const names = (sort: 'name' | 'progress' | 'stuck', filter = NO_FILTER) => visibleStudents(students, lessons, sort, filter).map((s) => s.displayName);
  assert.deepEqual(names('name'), ['ann', 'Bob', 'Zed', '김민수']);
  assert.deepEqual(visibleStudents(students, lessons, 'name', NO_FILTER, 'ko').map((s) => s.displayName), ['김민수', 'ann', 'Bob', 'Zed']);
  assert.deepEqual(names('progress'), ['Zed', 'Bob', 'ann', '김민수']);
  assert.deepEqual(names('stuck').slice(0, 2), ['김민수', 'ann']);
  assert.deepEqual(names('name', { ...NO_FILTER, onlyHands: true }), ['김민수']);
  assert.deepEqual(names('name', { ...NO_FILTER, onlyStuck: true }), ['ann']);
  assert.deepEqual(names('name', { ...NO_FILTER, search: '  BO ' }), ['Bob']);
  assert.deepEqual(names('name', { ...NO_FILTER, search: '민수' }), ['김민수']);
  assert.deepEqual(names('name', { search: 'zzz', onlyHands: true, onlyStuck: true }), []);
  assert.equal(students[0]!.displayName, 'Zed', 'the input is not reordered');
});

test('a class event carries the lesson locks into the grid', () => {
  let state = applyClassEvent(EMPTY_DASHBOARD, { type: 'grid', grid: grid([]) });
  const settings = { name: 'c', lessons: ['first', 'second'], lockedLessons: ['second'], nodes: 1, limits: {}, sessionMinutes: 60, internet: false, open: true, opensAt: null, closesAt: null, watchNeedsHelp: false, stuckMinutes: 10, stuckAttempts: 3, maxSessionsPerStudent: 2 };
  state = applyClassEvent(state, { type: 'class', view: { id: id(99), joinCode: 'ABCDEF', joinUrl: 'http://x/join/ABCDEF', joinQrSvg: '<svg/>', instructor: 'kim', createdAt: '', settings, openNow: true } });
  assert.deepEqual(state.grid!.lessons.map((l) => l.locked), [false, true]);
  assert.equal(state.view!.joinCode, 'ABCDEF');
});

test('minutesSince rounds down and refuses junk', () => {
  const now = Date.parse('2026-01-01T00:10:30.000Z');
  assert.equal(minutesSince('2026-01-01T00:00:00.000Z', now), 10);
  assert.equal(minutesSince(null, now), null);
  assert.equal(minutesSince('yesterday', now), null);
  assert.equal(minutesSince('2026-01-01T00:20:00.000Z', now), 0);
});
