// Unit tests of "one language at a time": FAIL/HINT lines and their FAIL[ko]/HINT[ko]
// translations parsed and chosen for the student's language (docs/LESSON-FORMAT.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCheckMessages, parseCheckOutput, selectMessages, untranslated } from './script.js';

const OUTPUT = [
  'checking…',
  'FAIL[ko]: 번역만 있는 줄',
  'FAIL: /root/work does not exist yet',
  'FAIL[ko]: /root/work 가 아직 없습니다',
  'HINT: mkdir /root/work',
  'FAIL: the second reason',
  'HINT: read the step again',
  'HINT[ko]: 단계를 다시 읽으세요',
  'FAIL[ja]: 日本語',
].join('\n');

test('a Korean reader sees each translation instead of its line, and untranslated lines as they are', () => {
  const ko = selectMessages(parseCheckMessages(OUTPUT), 'ko');
  assert.deepEqual(ko.failures, ['번역만 있는 줄', '/root/work 가 아직 없습니다', 'the second reason']);
  assert.deepEqual(ko.hints, ['mkdir /root/work', '단계를 다시 읽으세요']);
});

test('an English reader sees only the plain lines', () => {
  const en = selectMessages(parseCheckMessages(OUTPUT), 'en');
  assert.deepEqual(en.failures, ['/root/work does not exist yet', 'the second reason']);
  assert.deepEqual(en.hints, ['mkdir /root/work', 'read the step again']);
  assert.deepEqual(parseCheckOutput(OUTPUT), en);
});

test('a translation belongs to the plain line of its kind right before it, across stdout and stderr', () => {
  const m = parseCheckMessages('FAIL: a\nHINT: h\nFAIL[ko]: 가\nHINT[ko]: 하\n', 'FAIL: b\n');
  assert.deepEqual(selectMessages(m, 'ko'), { failures: ['가', 'b'], hints: ['하'] });
  // Two plain lines, one translation: only the second is replaced.
  assert.deepEqual(selectMessages(parseCheckMessages('FAIL: a\nFAIL: b\nFAIL[ko]: 나'), 'ko').failures, ['a', '나']);
});

test('the lines a Korean reader would see in English are found', () => {
  assert.deepEqual(
    untranslated(parseCheckMessages(OUTPUT), 'ko').map((m) => m.text),
    ['mkdir /root/work', 'the second reason'],
  );
  assert.deepEqual(untranslated(parseCheckMessages('FAIL: a\nFAIL[ko]: 가'), 'ko'), []);
});

test('FAIL[xx] is not mistaken for other text; empty translations are dropped', () => {
  const m = parseCheckMessages('FAILED[ko]: x\nFAIL[kor]: y\nFAIL[ko]:   \nFAIL: z');
  assert.deepEqual(m, [{ kind: 'fail', lang: null, text: 'z' }]);
});
