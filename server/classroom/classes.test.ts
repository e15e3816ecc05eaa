// Unit tests of class settings: clamping to the server's caps, checks on write, the DB row edge, schedules, plans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassSettings } from '../../protocol/classroom.ts';
import type { ClassRow } from '../store/store.ts';
import { checkSettings, clampSettings, classSessionPlan, isOpenNow, settingsOf, type ClassCaps } from './classes.ts';

const MIB = 1024 * 1024;
const caps: ClassCaps = { memoryBytes: 512 * MIB, cpus: 1, pids: 512, diskBytes: 2048 * MIB, maxLifetimeMs: 4 * 3600_000 };
const base = (over: object = {}) => ClassSettings.parse({ name: 'c', lessons: ['a', 'b'], ...over });

test('limits and session length are clamped to the server caps; lower values stay', () => {
  const s = clampSettings(base({ limits: { memoryMiB: 4096, cpus: 8, pids: 100, diskMiB: 100_000 }, sessionMinutes: 600 }), caps);
  assert.deepEqual(s.limits, { memoryMiB: 512, cpus: 1, pids: 100, diskMiB: 2048 });
  assert.equal(s.sessionMinutes, 240);
  assert.deepEqual(clampSettings(base({ limits: {} }), caps).limits, {});
});

test('lessons are deduplicated and locks only name lessons of the class', () => {
  const s = clampSettings(base({ lessons: ['a', 'b', 'a'], lockedLessons: ['b', 'z'] }), caps);
  assert.deepEqual(s.lessons, ['a', 'b']);
  assert.deepEqual(s.lockedLessons, ['b']);
});

test('on write: unknown lessons and a schedule that ends first are refused', () => {
  assert.throws(() => checkSettings(base(), caps, (id) => id === 'a'), { code: 'INVALID_REQUEST' });
  assert.throws(() => checkSettings(base({ opensAt: '2026-01-02T00:00:00Z', closesAt: '2026-01-01T00:00:00Z' }), caps, () => true), { code: 'INVALID_REQUEST' });
  assert.equal(checkSettings(base(), caps, () => true).name, 'c');
});

test('on read: the stored JSON is parsed again (corrupt rows are STATE_CORRUPT) and clamped to today’s caps', () => {
  const row = (settings: string): ClassRow => ({ id: 'x', instructorId: 'u', instructor: 'u', joinCode: 'ABCDEF', settings, createdAt: 0 });
  assert.equal(settingsOf(row(JSON.stringify(base({ limits: { memoryMiB: 4096 } }))), caps).limits.memoryMiB, 512);
  assert.throws(() => settingsOf(row('{not json'), caps), { code: 'STATE_CORRUPT' });
  assert.throws(() => settingsOf(row(JSON.stringify({ name: 'c', lessons: [] })), caps), { code: 'STATE_CORRUPT' });
  assert.throws(() => settingsOf(row(JSON.stringify({ ...base(), extra: 1 })), caps), { code: 'STATE_CORRUPT' });
});

test('open now: the switch, then the schedule', () => {
  const t = Date.parse('2026-03-01T10:00:00Z');
  assert.equal(isOpenNow(base(), t), true);
  assert.equal(isOpenNow(base({ open: false }), t), false);
  assert.equal(isOpenNow(base({ opensAt: '2026-03-01T10:00:01Z' }), t), false);
  assert.equal(isOpenNow(base({ opensAt: '2026-03-01T10:00:00Z', closesAt: '2026-03-01T11:00:00Z' }), t), true);
  assert.equal(isOpenNow(base({ closesAt: '2026-03-01T10:00:00Z' }), t), false);
});

test('a class session plan: the class limits over the lesson’s, the larger node count, the class length', () => {
  const s = clampSettings(base({ nodes: 2, limits: { memoryMiB: 256 }, sessionMinutes: 90, maxSessionsPerStudent: 1, internet: true }), caps);
  const plan = classSessionPlan({ classId: 'c', memberId: 'm' }, s, { nodes: 3, limits: { memoryBytes: 400 * MIB, pids: 64 } }, caps);
  assert.deepEqual(plan, { classId: 'c', memberId: 'm', limits: { memoryBytes: 256 * MIB, pids: 64 }, nodes: 3, lifetimeMs: 90 * 60_000, maxSessions: 1, internet: true });
  assert.equal(classSessionPlan({ classId: 'c', memberId: 'm' }, s, { nodes: 1, limits: {} }, caps).nodes, 2);
});
