// Unit tests of pier bench class's pure parts: the dashboard's cells as the students wait for
// them, and the report's verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClassEvent } from '../../protocol/classroom.js';
import { cellBoard, renderClassBench, type ClassBench } from './class.js';
import { summarize } from './stats.js';

const STUDENT = 'a'.repeat(32);
const cell = (step: number, status: 'in-progress' | 'passed', attempts: number): ClassEvent => ({
  type: 'cell',
  studentId: STUDENT,
  cell: { lessonId: '01-containers-vs-vms', step, status, attempts, startedAt: null, passedAt: null, stuck: false },
});

test('a wait sees only cells after it was registered, of its student and step, that match', async () => {
  const feed: { onEvent: ((e: ClassEvent, at: number) => void) | null } = { onEvent: null };
  const board = cellBoard(feed);
  feed.onEvent!(cell(1, 'passed', 0), 1); // before the wait: not seen
  const waiting = board.waitCell(STUDENT, 1, (status) => status === 'passed', 1000);
  feed.onEvent!(cell(2, 'passed', 0), 2); // another step
  feed.onEvent!({ ...cell(1, 'passed', 0), studentId: 'b'.repeat(32) } as ClassEvent, 3); // another student
  feed.onEvent!(cell(1, 'in-progress', 1), 4); // not a pass
  feed.onEvent!(cell(1, 'passed', 1), 5);
  assert.equal(await waiting, 5);
});

test('a wait with no matching cell resolves null after its timeout (its timer does not hold the process)', async () => {
  const board = cellBoard({ onEvent: null });
  const alive = setTimeout(() => {}, 1000); // the bench's own timers keep the loop alive; the wait's is unref'd
  assert.equal(await board.waitCell(STUDENT, 1, () => true, 20), null);
  clearTimeout(alive);
});

test('the report says NOT met on any error, and met within the target', () => {
  const s = summarize([0, 0, 0]);
  const base: ClassBench = {
    at: '', students: 1, lesson: 'l', server: 's', passToCell: s, failToCell: s, clickToAnswer: s, clickToCell: s, joinToReady: s,
    checks: { passed: 2, failed: 0 }, cellsBeforeAnswer: 2, cellLead: s, studentsFinished: 1, errors: 0, errorSamples: [], badFrames: 0, durationS: 1,
    target: { p95Ms: 1000, met: true },
  };
  assert.match(renderClassBench(base), /: met$/m);
  assert.match(renderClassBench({ ...base, errors: 1, errorSamples: ['student 1: boom'], target: { p95Ms: 1000, met: false } }), /student 1: boom[\s\S]*NOT met/);
});
