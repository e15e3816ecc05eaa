import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LESSON_SESSIONS_KEY, rememberSession, rememberedSession } from './lesson-sessions.js';

function memory(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

test('a session remembered for a lesson is found again; forgetting removes it', () => {
  const s = memory();
  assert.equal(rememberedSession(s, '01-intro'), null);
  rememberSession(s, '01-intro', 'a'.repeat(32));
  rememberSession(s, '02-ns', 'b'.repeat(32));
  assert.equal(rememberedSession(s, '01-intro'), 'a'.repeat(32));
  rememberSession(s, '01-intro', null);
  assert.equal(rememberedSession(s, '01-intro'), null);
  assert.equal(rememberedSession(s, '02-ns'), 'b'.repeat(32));
});

test('garbage in storage is ignored, never trusted as a session id', () => {
  assert.equal(rememberedSession(memory({ [LESSON_SESSIONS_KEY]: 'not json' }), 'x'), null);
  assert.equal(rememberedSession(memory({ [LESSON_SESSIONS_KEY]: '{"x":"../../api"}' }), 'x'), null);
  assert.equal(rememberedSession(memory({ [LESSON_SESSIONS_KEY]: '[1,2]' }), 'x'), null);
});
