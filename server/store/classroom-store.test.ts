// Unit tests of the store's classroom core section over an in-memory database: step
// activity (open, failures, Solve, pass), the cells of an owner and of a class, members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from './store.ts';

function withClass() {
  const store = Store.open(':memory:');
  store.insertUser({ id: 'u1', username: 'teacher', role: 'instructor', passwordHash: 'x', createdAt: 0 });
  store.insertClass({ id: 'c1', instructorId: 'u1', joinCode: 'ABCDEF', settings: '{}', createdAt: 0 });
  store.insertClass({ id: 'c2', instructorId: 'u1', joinCode: 'GHJKMN', settings: '{}', createdAt: 0 });
  store.insertMember({ id: 'm1', classId: 'c1', owner: 'o1', displayName: '김', joinedAt: 5 });
  store.insertMember({ id: 'm2', classId: 'c2', owner: 'o2', displayName: 'Bo', joinedAt: 6 });
  return store;
}

test('a step: opened keeps its first time, failures count, a pass is stored on both sides', () => {
  const store = withClass();
  assert.deepEqual(store.cellOf('o1', 'l', 1), { owner: 'o1', lessonId: 'l', step: 1, startedAt: null, attempts: 0, lastFailedAt: null, solved: false, passedAt: null });
  store.stepOpened('o1', 'l', 1, 100);
  store.stepOpened('o1', 'l', 1, 200);
  store.stepFailed('o1', 'l', 1, 300);
  store.stepFailed('o1', 'l', 1, 400);
  store.stepPassed('o1', 'l', 1, 500);
  store.stepPassed('o1', 'l', 1, 600);
  assert.deepEqual(store.cellOf('o1', 'l', 1), { owner: 'o1', lessonId: 'l', step: 1, startedAt: 100, attempts: 2, lastFailedAt: 400, solved: false, passedAt: 500 });
  assert.deepEqual(store.passedSteps('o1', 'l'), [1]);
  // A failure before any opening starts the step; Solve marks it.
  store.stepFailed('o1', 'l', 2, 700);
  store.stepSolved('o1', 'l', 2, 800);
  assert.deepEqual(store.cellOf('o1', 'l', 2), { owner: 'o1', lessonId: 'l', step: 2, startedAt: 700, attempts: 1, lastFailedAt: 700, solved: true, passedAt: null });
});

test('cells of an owner and of a class: both sides, only the class’s students', () => {
  const store = withClass();
  store.stepOpened('o1', 'l', 1, 1);
  store.markStepPassed('o1', 'l', 2, 2); // a pass from before step activity existed
  store.stepOpened('o2', 'l', 1, 3);
  store.stepOpened('stranger', 'l', 1, 4);
  const key = (c: { owner: string; step: number }) => `${c.owner}/${c.step}`;
  assert.deepEqual(store.cellsOfOwner('o1').map(key).sort(), ['o1/1', 'o1/2']);
  assert.deepEqual(store.cellsOfClass('c1').map(key).sort(), ['o1/1', 'o1/2']);
  assert.deepEqual(store.cellsOfClass('c2').map(key), ['o2/1']);
  assert.equal(store.cellsOfClass('c1').find((c) => c.step === 2)?.passedAt, 2);
});

test('members: one per class and browser; memberships of a browser; classes by code', () => {
  const store = withClass();
  assert.throws(() => store.insertMember({ id: 'm3', classId: 'c1', owner: 'o1', displayName: 'again', joinedAt: 9 }), /UNIQUE/);
  store.insertMember({ id: 'm4', classId: 'c2', owner: 'o1', displayName: '김', joinedAt: 9 });
  assert.deepEqual(store.membershipsOf('o1').map((m) => m.classId), ['c1', 'c2']);
  assert.equal(store.memberOf('c1', 'o1')?.id, 'm1');
  assert.equal(store.classByCode('ABCDEF')?.instructor, 'teacher');
  assert.equal(store.joinCodeTaken('GHJKMN'), true);
  assert.equal(store.joinCodeTaken('ZZZZZZ'), false);
  assert.deepEqual(store.classesOf('u1').map((c) => c.id).sort(), ['c1', 'c2']);
  store.touchMember('m1', 50);
  assert.equal(store.getMember('m1')?.lastSeenAt, 50);
});

test('staff sessions: expired, disabled and deleted ones sign nobody in', () => {
  const store = withClass();
  store.insertStaffSession({ id: 's1', userId: 'u1', createdAt: 0, expiresAt: 100 });
  store.insertStaffSession({ id: 's2', userId: 'u1', createdAt: 0, expiresAt: 100 });
  assert.equal(store.staffSessionUser('s1', 99)?.username, 'teacher');
  assert.equal(store.staffSessionUser('s1', 100), null);
  store.deleteStaffSessionsOf('u1', 's1');
  assert.equal(store.staffSessionUser('s2', 0), null);
  assert.notEqual(store.staffSessionUser('s1', 0), null);
  store.disableUser('u1', 10);
  assert.equal(store.staffSessionUser('s1', 0), null);
  assert.equal(store.getUser('u1')?.disabledAt, 10);
});
