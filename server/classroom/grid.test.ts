// Unit tests of the grid computed from rows: statuses, stuck, hands, lessons, presence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassSettings } from '../../protocol/classroom.ts';
import type { CellActivityRow, HandRow, MemberRow } from '../store/store.ts';
import { buildGrid, toCell } from './grid.ts';

const MIN = 60_000;
const settings = ClassSettings.parse({ name: 'c', lessons: ['l1', 'l2'], lockedLessons: ['l2'], stuckMinutes: 10, stuckAttempts: 3 });
const row = (over: Partial<CellActivityRow>): CellActivityRow => ({ owner: 'o1', lessonId: 'l1', step: 1, startedAt: 0, attempts: 0, lastFailedAt: null, solved: false, passedAt: null, ...over });

test('status: in progress, passed, solved (a pass with Solve)', () => {
  assert.equal(toCell(row({}), settings, 0).status, 'in-progress');
  assert.equal(toCell(row({ passedAt: 5 }), settings, 0).status, 'passed');
  assert.equal(toCell(row({ passedAt: 5, solved: true }), settings, 0).status, 'solved');
  // Solve whose check did not pass yet: still in progress.
  assert.equal(toCell(row({ solved: true }), settings, 0).status, 'in-progress');
  // A pass recorded before step activity existed: its start is the pass.
  assert.equal(toCell(row({ startedAt: null, passedAt: 7 }), settings, 0).startedAt, new Date(7).toISOString());
});

test('stuck: K failed checks and N minutes since opening, without a pass', () => {
  const table: [Partial<CellActivityRow>, number, boolean][] = [
    [{ attempts: 3 }, 10 * MIN, true],
    [{ attempts: 2 }, 60 * MIN, false],
    [{ attempts: 3 }, 10 * MIN - 1, false],
    [{ attempts: 5, passedAt: 1 }, 60 * MIN, false],
    [{ attempts: 9, startedAt: null }, 60 * MIN, false],
  ];
  for (const [over, now, want] of table) assert.equal(toCell(row(over), settings, now).stuck, want, JSON.stringify({ over, now }));
});

test('the grid: lessons with locks, students in order with their cells, hands, terminals, presence', () => {
  const members: MemberRow[] = [
    { id: 'm1', classId: 'c', owner: 'o1', displayName: '김', joinedAt: 1, lastSeenAt: null },
    { id: 'm2', classId: 'c', owner: 'o2', displayName: 'Bo', joinedAt: 2, lastSeenAt: 3 },
  ];
  const hands: HandRow[] = [{ id: 'h', classId: 'c', memberId: 'm2', message: 'help', lessonId: 'l1', step: 2, raisedAt: 9, resolvedAt: null, resolvedBy: null }];
  const grid = buildGrid({
    classId: 'c',
    settings,
    lessons: [
      { id: 'l1', title: 'One', stepTitles: ['a', 'b'] },
      { id: 'l2', title: 'Two', stepTitles: ['c'] },
    ],
    members,
    cells: [row({ attempts: 1 }), row({ step: 3 }), row({ lessonId: 'elsewhere' }), row({ owner: 'o2', step: 2, passedAt: 4 })],
    hands,
    terminalsOf: (id) => (id === 'm1' ? [{ id: 't'.padEnd(32, '0'), sessionId: 's'.padEnd(32, '0'), node: 'node1', title: 'node1' }] : []),
    onlineOf: (m) => m.id === 'm1',
    now: 1000,
  });
  assert.deepEqual(grid.lessons.map((l) => [l.id, l.steps.map((s) => `${s.index}:${s.title}`), l.locked]), [['l1', ['1:a', '2:b'], false], ['l2', ['1:c'], true]]);
  assert.deepEqual(grid.students.map((s) => [s.displayName, s.online, s.terminals.length, s.hand?.message ?? null]), [['김', true, 1, null], ['Bo', false, 0, 'help']]);
  // Cells outside the class's lessons or past a lesson's steps are dropped.
  assert.deepEqual(grid.students[0]!.cells.map((c) => `${c.lessonId}/${c.step}/${c.attempts}`), ['l1/1/1']);
  assert.deepEqual(grid.students[1]!.cells.map((c) => `${c.lessonId}/${c.step}/${c.status}`), ['l1/2/passed']);
  assert.equal(grid.at, new Date(1000).toISOString());
  assert.equal(grid.stuckAttempts, 3);
});
