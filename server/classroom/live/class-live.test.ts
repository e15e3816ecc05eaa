// The classroom's live operations over a real SQLite store, with the core and the session
// manager as recording fakes: a hand is stored before it is shown (one open hand per
// student), resolve and lower; an announcement is stored, then goes to the class feeds and
// to every live session of the class only; a burst of one student's sockets makes one
// `student` event; staff checks run first; reset only a session of that student.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { MemberEvent } from '../../../protocol/classroom.js';
import type { SessionEvent } from '../../../protocol/http.js';
import { ServerError } from '../../errors.js';
import { openStore } from '../../store/store.js';
import { ClassroomEvents } from '../events.js';
import { ClassLive, STUDENT_COALESCE_MS, type LiveSessions } from './class-live.js';
import type { ClassroomPort, LiveMember, LiveStaff } from './port.js';

const C1 = '1'.repeat(32);
const C2 = '2'.repeat(32);
const M1 = 'a'.repeat(32);
const O1 = 'b'.repeat(32);
const S1 = 'c'.repeat(32);
const S2 = 'd'.repeat(32);
const KIM: LiveStaff = { id: 'e'.repeat(32), username: 'kim', role: 'instructor' };
const LEE: LiveStaff = { id: 'f'.repeat(32), username: 'lee', role: 'instructor' };

function fixture() {
  const store = openStore(':memory:');
  store.insertUser({ id: KIM.id, username: 'kim', role: 'instructor', passwordHash: 'x', createdAt: 0 });
  for (const id of [C1, C2]) store.insertClass({ id, instructorId: KIM.id, joinCode: id === C1 ? 'ABCDEF' : 'GHJKMN', settings: '{}', createdAt: 0 });
  const member: LiveMember = { id: M1, classId: C1, owner: O1, displayName: '민수' };
  store.insertMember({ id: M1, classId: C1, owner: O1, displayName: '민수', joinedAt: 0 });
  store.insertSession({ id: S1, owner: O1, createdAt: 0, expiresAt: 1, lessonId: null, networkId: null, classId: C1, memberId: M1 });
  store.insertSession({ id: S2, owner: 'other', createdAt: 0, expiresAt: 1, lessonId: null, networkId: null, classId: C2, memberId: null });
  const events = new ClassroomEvents();
  const changed: string[] = [];
  const port = {
    events,
    staffOf: () => null,
    classAccess: (staff: LiveStaff) => {
      if (staff.id !== KIM.id) throw new ServerError('CLASS_NOT_FOUND', 'not theirs');
      return { settings: {} as never };
    },
    memberOf: (owner: string, classId: string) => (owner === O1 && classId === C1 ? member : null),
    memberById: (classId: string, id: string) => (classId === C1 && id === M1 ? member : null),
    classOfSession: (id: string) => (id === S1 ? { classId: C1, memberId: M1 } : null),
    grid: () => ({}) as never,
    gridStudent: () => null,
    studentView: () => ({}) as never,
    studentChanged: (classId: string, id: string) => changed.push(`${classId}/${id}`),
    touchMember: () => {},
    setPresenceSource: () => {},
    setRecordingSource: () => {},
  } satisfies ClassroomPort;
  const published: [string, SessionEvent][] = [];
  const resets: string[] = [];
  const sessions: LiveSessions = {
    publishClassEvent: (id, e) => void published.push([id, e]),
    liveOwnerOf: () => null,
    terminalSession: () => ({ sessionId: S1, owner: O1, node: 'node1' }),
    extend: async () => ({}) as never,
    endByOwner: async () => {},
    resetNode: async (id, owner, node) => (resets.push(`${id}/${owner}/${node}`), {} as never),
  };
  const live = new ClassLive({ port, store, sessions, log: pino({ level: 'silent' }), now: () => 1_000 });
  return { store, events, live, changed, published, resets };
}

test('hands: stored first, one open per student, shown to the student and the grid; resolve by staff only', () => {
  const f = fixture();
  const seen: MemberEvent[] = [];
  f.live.feeds.addMember(C1, { memberId: M1, owner: O1, lang: 'en' }, (e) => seen.push(e));
  const hand = f.live.raiseHand(O1, C1, { message: 'help', lessonId: null, step: null });
  assert.equal(f.store.openHand(C1, M1)?.message, 'help');
  f.live.raiseHand(O1, C1, { message: 'still stuck', lessonId: 'intro', step: 2 });
  assert.equal(f.store.openHands(C1).length, 1, 'raising again re-words the open hand');
  assert.equal(f.store.openHand(C1, M1)?.message, 'still stuck');
  assert.deepEqual(seen[0], { type: 'hand', hand });
  assert.deepEqual(f.changed, [`${C1}/${M1}`, `${C1}/${M1}`]);
  assert.throws(() => f.live.raiseHand('stranger', C1, { message: '', lessonId: null, step: null }), /not a member/);
  assert.throws(() => f.live.resolveHand(LEE, C1, M1), /not theirs/);
  assert.equal(f.store.openHand(C1, M1)?.message, 'still stuck', 'a refused resolve changed nothing');
  f.live.resolveHand(KIM, C1, M1);
  assert.equal(f.store.openHand(C1, M1), null);
  assert.deepEqual(seen.at(-1), { type: 'hand', hand: null });
  f.live.close();
});

test('announcements: stored, then to the class feeds and every live session of that class only', () => {
  const f = fixture();
  const heard: string[] = [];
  f.events.onAnnouncement((a) => heard.push(`${a.classId}:${a.announcement.text}`));
  const a = f.live.announce(KIM, C1, 'break');
  assert.equal(f.store.announcementsOf(C1).at(-1)?.id, a.id);
  assert.deepEqual(heard, [`${C1}:break`]);
  assert.deepEqual(f.published, [[S1, { type: 'announcement', announcement: a }]]);
  assert.throws(() => f.live.announce(LEE, C1, 'x'), /not theirs/);
  assert.equal(f.store.announcementsOf(C1).length, 1);
  f.live.close();
});

test('a burst of one student socket opens makes one student event; reset only their session', async () => {
  const f = fixture();
  const closes = [f.live.socketOpened(O1, { sessionId: S1 }), f.live.socketOpened(O1, { terminalId: 'x' }), f.live.socketOpened(O1, { terminalId: 'y' })];
  assert.equal(f.live.presence.isOnline(O1), true);
  await new Promise((r) => setTimeout(r, STUDENT_COALESCE_MS * 3));
  assert.deepEqual(f.changed, [`${C1}/${M1}`]);
  for (const c of closes) c();
  assert.equal(f.live.presence.isOnline(O1), false);
  await new Promise((r) => setTimeout(r, STUDENT_COALESCE_MS * 3));
  assert.equal(f.changed.length, 2);
  await f.live.resetNode(KIM, C1, M1, { sessionId: S1, node: 'node1' });
  assert.deepEqual(f.resets, [`${S1}/${O1}/node1`]);
  await assert.rejects(f.live.resetNode(KIM, C1, M1, { sessionId: S2, node: 'node1' }), /no live session/);
  assert.equal(f.resets.length, 1);
  f.live.close();
});
