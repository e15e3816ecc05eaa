import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionView } from '../../protocol/http';
import { INITIAL_STATE, playgroundReducer } from './session-state';
import { readSessionClock, skewFrom } from './session-clock';

const MIN = 60_000;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** A view as the server sends it at server time `at`. */
function view(at: number, expiresAt: number, idleEndsAt: number | null): SessionView {
  return {
    id: 'a'.repeat(32),
    createdAt: iso(T0),
    expiresAt: iso(expiresAt),
    warnBeforeSeconds: 300,
    serverTime: iso(at),
    idleEndsAt: idleEndsAt === null ? null : iso(idleEndsAt),
    idleTimeoutSeconds: 1800,
    internet: false,
    canExtend: true,
    lessonId: null,
    nodes: [],
    maxNodes: 5,
  };
}

test('the header counts down the lifetime and warns in its last 5 minutes', () => {
  const v = view(T0, T0 + 120 * MIN, null);
  assert.deepEqual(readSessionClock(v, T0 + 10 * MIN, 0), { msLeft: 110 * MIN, endsAt: T0 + 120 * MIN, reason: 'lifetime', warn: false, idleMinutes: 0 });
  const late = readSessionClock(v, T0 + 116 * MIN, 0);
  assert.equal(late.warn, true);
  assert.equal(late.reason, 'lifetime');
});

test('an idle warning says it is about inactivity, and for how long', () => {
  // 25 minutes without input: the server sends a view with the idle end 5 minutes away.
  const at = T0 + 25 * MIN;
  const reading = readSessionClock(view(at, T0 + 120 * MIN, at + 5 * MIN), at + 30_000, 0);
  assert.equal(reading.reason, 'idle');
  assert.equal(reading.warn, true);
  assert.equal(reading.msLeft, 4.5 * MIN);
  assert.equal(reading.idleMinutes, 25);
});

test('header and a reload agree after an idle warning and Extend (the 34:17 vs 2:04:03 bug)', () => {
  // The browser's clock runs 7 s behind the server's.
  const skew = 7000;
  const idleAt = T0 + 25 * MIN;
  let s = playgroundReducer(INITIAL_STATE, { type: 'loaded', session: view(T0, T0 + 120 * MIN, null), receivedAtMs: T0 - skew });
  s = playgroundReducer(s, { type: 'event', event: { type: 'expiring', secondsLeft: 300, reason: 'idle' }, receivedAtMs: idleAt - skew });
  s = playgroundReducer(s, { type: 'event', event: { type: 'session', session: view(idleAt, T0 + 120 * MIN, idleAt + 5 * MIN) }, receivedAtMs: idleAt - skew });
  assert.equal(readSessionClock(s.session!, idleAt - skew, s.skewMs).reason, 'idle');
  // Extend (an API call: activity) answers a fresh view; the idle warning is gone.
  const extendAt = idleAt + MIN;
  s = playgroundReducer(s, { type: 'loaded', session: view(extendAt, T0 + 150 * MIN, null), receivedAtMs: extendAt - skew });
  const header = readSessionClock(s.session!, extendAt - skew, s.skewMs);
  // A reload at the same moment, from a fresh page state.
  const reloaded = playgroundReducer(INITIAL_STATE, { type: 'loaded', session: view(extendAt, T0 + 150 * MIN, null), receivedAtMs: extendAt - skew });
  const fresh = readSessionClock(reloaded.session!, extendAt - skew, reloaded.skewMs);
  assert.equal(header.msLeft, fresh.msLeft);
  assert.equal(header.msLeft, 150 * MIN - 26 * MIN);
  assert.equal(header.reason, 'lifetime');
});

test('skewFrom reads serverTime against the arrival time', () => {
  assert.equal(skewFrom({ serverTime: iso(T0) }, T0 - 2500), 2500);
  assert.equal(skewFrom({ serverTime: 'garbage' }, T0), 0);
});
