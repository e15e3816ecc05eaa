// Watcher bookkeeping: every change is told with the session's whole list, duplicates of one
// staff's tabs show once, and the last leave tells an empty list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Watcher } from '../../../protocol/http.js';
import { WatcherRegistry } from './watchers.js';
import { Presence } from './presence.js';

const T1 = 'a'.repeat(32);
const T2 = 'b'.repeat(32);

test('watchers: each add and leave tells the full list; the last leave tells []', () => {
  const told: [string, Watcher[]][] = [];
  const reg = new WatcherRegistry((s, w) => told.push([s, w]));
  const offA = reg.add('s1', { name: 'kim', mode: 'watch', terminalId: T1 });
  const offB = reg.add('s1', { name: 'kim', mode: 'watch', terminalId: T1 });
  const offC = reg.add('s1', { name: 'lee', mode: 'join', terminalId: T2 });
  assert.deepEqual(told.at(-1), ['s1', [{ name: 'lee', mode: 'join', terminalId: T2 }, { name: 'kim', mode: 'watch', terminalId: T1 }]]);
  offA();
  offA();
  assert.equal(told.length, 4, 'a second removal tells nothing');
  assert.equal(reg.of('s1').length, 2, 'kim still has a tab open');
  offB();
  offC();
  assert.deepEqual(told.at(-1), ['s1', []]);
  assert.deepEqual(reg.of('s1'), []);
});

test('presence: online from the first socket, offline after the last, told once each', () => {
  const p = new Presence();
  const seen: string[] = [];
  p.onChange((o, on) => seen.push(`${o}:${on}`));
  const a = p.opened('o1');
  const b = p.opened('o1');
  assert.equal(p.isOnline('o1'), true);
  a();
  a();
  assert.equal(p.isOnline('o1'), true);
  b();
  assert.equal(p.isOnline('o1'), false);
  assert.deepEqual(seen, ['o1:true', 'o1:false']);
});
