import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';
import { SessionTimers } from './timers.js';

const MIN = 60_000;

function setup(policy = { idleMs: 30 * MIN, warnBeforeMs: 5 * MIN }) {
  const clock = new FakeClock();
  const calls: string[] = [];
  const timers = new SessionTimers(clock, policy, {
    onExpire: () => calls.push(`expire@${(clock.now() - start) / MIN}`),
    onIdle: () => calls.push(`idle@${(clock.now() - start) / MIN}`),
    onWarn: (s, reason) => calls.push(`warn(${s}${reason === 'idle' ? ',idle' : ''})@${(clock.now() - start) / MIN}`),
    onIdleCleared: () => calls.push(`cleared@${(clock.now() - start) / MIN}`),
  });
  const start = clock.now();
  return { clock, calls, timers, start };
}

test('a busy session warns 5 minutes before its end of life, then expires', () => {
  const { clock, calls, timers, start } = setup();
  timers.schedule(start + 60 * MIN);
  for (let m = 0; m < 60; m += 10) {
    clock.advance(10 * MIN);
    timers.touch();
  }
  assert.deepEqual(calls, ['warn(300)@55', 'expire@60']);
});

test('extending moves the end of life and its warning', () => {
  const { clock, calls, timers, start } = setup({ idleMs: 1000 * MIN, warnBeforeMs: 5 * MIN });
  timers.schedule(start + 60 * MIN);
  clock.advance(56 * MIN);
  assert.deepEqual(calls, ['warn(300)@55']);
  timers.schedule(start + 90 * MIN);
  clock.advance(40 * MIN);
  assert.deepEqual(calls, ['warn(300)@55', 'warn(300)@85', 'expire@90']);
});

test('an idle session is warned, and ends unless it becomes active', () => {
  const { clock, calls, timers, start } = setup();
  timers.schedule(start + 120 * MIN);
  clock.advance(26 * MIN);
  assert.deepEqual(calls, ['warn(300,idle)@25']);
  assert.equal(timers.warning(), true);
  timers.touch(); // activity at 26: the idle end moves to 56
  assert.equal(timers.warning(), false);
  clock.advance(40 * MIN);
  assert.deepEqual(calls, ['warn(300,idle)@25', 'cleared@26', 'warn(300,idle)@51', 'idle@56']);
});

test('activity keeps a session alive past the idle timeout', () => {
  const { clock, calls, timers, start } = setup();
  timers.schedule(start + 120 * MIN);
  for (let m = 0; m < 100; m += 20) {
    clock.advance(20 * MIN);
    timers.touch();
  }
  assert.deepEqual(calls, []);
  assert.equal(timers.secondsLeft(), 20 * 60);
});

test('dispose clears every timer', () => {
  const { clock, calls, timers, start } = setup();
  timers.schedule(start + 60 * MIN);
  timers.dispose();
  assert.equal(clock.pending, 0);
  clock.advance(200 * MIN);
  timers.schedule(start + 300 * MIN);
  assert.equal(clock.pending, 0);
  assert.deepEqual(calls, []);
});

test('a session scheduled inside its warning window is warned at once', () => {
  const { clock, calls, timers, start } = setup();
  timers.schedule(start + 2 * MIN);
  clock.advance(0);
  assert.deepEqual(calls, ['warn(120)@0']);
  clock.advance(2 * MIN);
  assert.deepEqual(calls, ['warn(120)@0', 'expire@2']);
});

test('the idle deadline is in the view only while its warning is due; any input cancels it once', () => {
  const { clock, calls, timers, start } = setup();
  timers.schedule(start + 120 * MIN);
  clock.advance(24 * MIN);
  assert.equal(timers.idleWarningEndsAt(), null, 'not yet: no warning at 24 minutes idle');
  clock.advance(1 * MIN);
  assert.equal(timers.idleWarningEndsAt(), start + 30 * MIN, 'at 25 minutes idle the end is 5 minutes away');
  clock.advance(1 * MIN);
  timers.touch();
  timers.touch(); // a second key press clears nothing more
  assert.equal(timers.idleWarningEndsAt(), null);
  assert.deepEqual(calls, ['warn(300,idle)@25', 'cleared@26']);
  assert.equal(timers.now(), clock.now());
});

test('touching without a warning sent never reports a cleared warning', () => {
  const { clock, calls, timers, start } = setup();
  timers.schedule(start + 120 * MIN);
  for (let m = 0; m < 5; m++) {
    clock.advance(MIN);
    timers.touch();
  }
  assert.deepEqual(calls, []);
});

test('an idle end after the end of life is not an idle warning', () => {
  const { clock, timers, start } = setup();
  timers.schedule(start + 20 * MIN);
  clock.advance(16 * MIN);
  assert.equal(timers.idleWarningEndsAt(), null);
});
