// The class feeds' fan-out: the grid first (changes made while it is read wait for it), each
// change to the dashboards of its class only, announcements also to the class's students,
// hands to that student only, a fresh grid when the lessons changed; a student's feed starts
// with their class view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Announcement, Cell, ClassEvent, ClassView, Grid, MemberEvent, StudentClassView } from '../../../protocol/classroom.js';
import { ClassroomEvents } from '../events.js';
import { ClassFeeds } from './class-feed.js';

const C1 = '1'.repeat(32);
const C2 = '2'.repeat(32);
const S1 = 'a'.repeat(32);
const grid = (classId: string): Grid => ({ classId, lessons: [], students: [], stuckMinutes: 10, stuckAttempts: 3, at: new Date(0).toISOString() });
const cell: Cell = { lessonId: 'intro', step: 1, status: 'passed', attempts: 1, startedAt: null, passedAt: null, stuck: false };
const announcement: Announcement = { id: 'f'.repeat(32), text: 'break <b>5</b>', at: new Date(0).toISOString(), by: 'kim' };

test('fan-out by class, grid first, hands to their student only', async () => {
  const events = new ClassroomEvents();
  let releaseGrid: () => void = () => {};
  const gridGate = new Promise<void>((r) => (releaseGrid = r));
  const feeds = new ClassFeeds(
    {
      events,
      grid: async (id) => (await gridGate, grid(id)),
      studentView: (owner, classId) => ({ classId, name: 'c', studentId: S1, displayName: owner, openNow: true, lessons: [], announcements: [], hand: null, sessions: [] }) as StudentClassView,
    },
    (err) => assert.fail(String(err)),
  );
  const d1: ClassEvent[] = [];
  const d2: ClassEvent[] = [];
  const m1: MemberEvent[] = [];
  const m2: MemberEvent[] = [];
  feeds.addDashboard(C1, (e) => d1.push(e));
  feeds.addDashboard(C2, (e) => d2.push(e));
  const offM1 = feeds.addMember(C1, { memberId: S1, owner: 'o1', lang: 'en' }, (e) => m1.push(e));
  feeds.addMember(C1, { memberId: 'b'.repeat(32), owner: 'o2', lang: 'ko' }, (e) => m2.push(e));
  events.emitCell({ classId: C1, studentId: S1, owner: 'o1', cell });
  assert.equal(d1.length, 0, 'the cell waits for the grid');
  releaseGrid();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual([m1.shift()?.type, m2.shift()?.type], ['class', 'class'], "a student's feed starts with their class view");
  assert.deepEqual(d1.map((e) => e.type), ['grid', 'cell']);
  assert.deepEqual(d2.map((e) => e.type), ['grid'], 'another class hears nothing of class 1');
  events.emitAnnouncement({ classId: C1, announcement });
  assert.deepEqual(d1.at(-1), { type: 'announcement', announcement });
  assert.deepEqual(m1, [{ type: 'announcement', announcement }]);
  assert.deepEqual(m2, [{ type: 'announcement', announcement }]);
  feeds.handChanged(C1, S1, null);
  assert.deepEqual(m1.at(-1), { type: 'hand', hand: null });
  assert.equal(m2.length, 1, 'the other student does not get the hand');
  events.emitClass({ classId: C1, view: {} as ClassView, lessonsChanged: true });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(d1.slice(-2).map((e) => e.type), ['class', 'grid']);
  assert.equal(m2.at(-1)?.type, 'class');
  offM1();
  events.emitAnnouncement({ classId: C1, announcement });
  assert.equal(m1.length, 3, 'a removed socket hears nothing more');
  feeds.close();
});
