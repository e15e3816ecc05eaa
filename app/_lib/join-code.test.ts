import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinCode } from '../../protocol/classroom';
import { formatJoinCode, isJoinCode, normalizeJoinCode } from './join-code';

test('typed codes normalise like the server does', () => {
  for (const typed of ['abc-def', 'ABCDEF', ' abc def ', 'aBc-DeF', 'abc--def']) {
    assert.equal(normalizeJoinCode(typed), 'ABCDEF', typed);
    assert.equal(isJoinCode(typed), true, typed);
    assert.equal(JoinCode.parse(typed), 'ABCDEF', typed);
  }
});

test('incomplete codes and look-alike letters are not codes', () => {
  for (const typed of ['abc', 'abcdefg', 'ABCDE0', 'ABCDEI', 'ABCDEL', 'ABCDEO', '']) {
    assert.equal(isJoinCode(typed), false, typed);
    assert.equal(JoinCode.safeParse(typed).success, false, typed);
  }
});

test('codes are shown as ABC-DEF', () => {
  assert.equal(formatJoinCode('abcdef'), 'ABC-DEF');
  assert.equal(formatJoinCode('ABC-DEF'), 'ABC-DEF');
  assert.equal(formatJoinCode('abc'), 'ABC');
});
