// Unit tests of join codes: alphabet, uniqueness with retries, formatting and normalising.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JOIN_CODE_ALPHABET } from '../../protocol/classroom.ts';
import { formatJoinCode, newJoinCode, normalizeJoinCode, uniqueJoinCode, JOIN_CODE_ATTEMPTS } from './join-code.ts';

test('codes are 6 letters of the alphabet, without look-alikes', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const c = newJoinCode();
    assert.match(c, /^[A-Z]{6}$/);
    for (const ch of c) assert.ok(JOIN_CODE_ALPHABET.includes(ch), ch);
    assert.doesNotMatch(c, /[ILO01]/);
    seen.add(c);
  }
  assert.ok(seen.size > 1990, `only ${seen.size} distinct codes of 2000`);
});

test('a collision is retried; too many give up', () => {
  const draws = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
  let i = 0;
  const random = () => draws[i++ % draws.length]!;
  assert.equal(uniqueJoinCode((c) => c === 'AAAAAA', random), 'BBBBBB');
  assert.throws(() => uniqueJoinCode(() => true), new RegExp(`after ${JOIN_CODE_ATTEMPTS} attempts`));
});

test('typed codes normalise in any case, with dashes or spaces; others are null', () => {
  assert.equal(formatJoinCode('ABCDEF'), 'ABC-DEF');
  for (const typed of ['abc-def', 'ABCDEF', ' abc def ', 'AbC-dEf']) assert.equal(normalizeJoinCode(typed), 'ABCDEF', typed);
  for (const bad of ['', 'ABCDE', 'ABCDEFG', 'ABCDE1', 'ABCDEI', 'ABCDEO', 'ABC_DEF', 'x'.repeat(50)]) assert.equal(normalizeJoinCode(bad), null, bad);
});
