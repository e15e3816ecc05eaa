// Issue 14.7 lint: in a lesson that offers Korean, a FAIL: line without its FAIL[ko]: line,
// a bilingual "FAIL: … / …" line, and Korean text with other {{exec}} commands are warnings;
// a lesson in English only gets none of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lintLesson } from './lint.js';

const work = mkdtempSync(path.join(tmpdir(), 'pier-lint-lang-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

function lesson(id: string, check: string, ko: string | null): string {
  const dir = path.join(work, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'lesson.md'), ['---', 'title: T', 'description: D', 'time: 1', 'steps:', '  - title: S', '---', 'Intro', ''].join('\n'));
  writeFileSync(path.join(dir, 'step1.md'), 'Run `touch /root/x`{{exec}}\n');
  if (ko !== null) writeFileSync(path.join(dir, 'step1.ko.md'), ko);
  for (const [name, text] of [['step1.check.sh', check], ['step1.solution.sh', '#!/bin/bash\ntouch /root/x\n']] as const) {
    writeFileSync(path.join(dir, name), text);
    chmodSync(path.join(dir, name), 0o755);
  }
  return dir;
}

const messages = (dir: string) => lintLesson(dir).problems.map((p) => `${p.severity} ${p.file}:${p.line ?? ''} ${p.message}`);

test('a translated lesson: untranslated and bilingual FAIL lines and differing commands are warnings', () => {
  const dir = lesson(
    'mixed',
    [
      '#!/bin/bash',
      '# FAIL: in a comment is not a message',
      '[ -f /root/x ] || { echo "FAIL: no /root/x"; exit 1; }',
      'echo "FAIL: x is empty / x 가 비었습니다"',
      'printf "%s\\n" "FAIL: fine" "FAIL[ko]: 좋습니다"',
      'echo "FAIL: also fine"',
      'echo "FAIL[ko]: 이것도 좋습니다"',
      'echo "HINT: touch /root/x"',
    ].join('\n'),
    '`touch /root/y`{{exec}} 를 실행하세요\n',
  );
  const got = messages(dir);
  assert.ok(got.includes('warning step1.check.sh:3 a FAIL: line has no Korean translation'), got.join('\n'));
  assert.ok(got.includes('warning step1.check.sh:4 a FAIL: line mixes English and Korean'), got.join('\n'));
  assert.ok(got.some((m) => /^warning step1\.ko\.md: the Korean text's \{\{exec\}\} commands differ/.test(m)), got.join('\n'));
  assert.equal(got.filter((m) => /step1\.check\.sh:(2|5|6|8) /.test(m)).length, 0, got.join('\n'));
  assert.equal(lintLesson(dir).errors, 0);
});

test('an English-only lesson is not asked for translations', () => {
  const dir = lesson('english', '#!/bin/bash\n[ -f /root/x ] || { echo "FAIL: no /root/x"; exit 1; }\n', null);
  assert.deepEqual(messages(dir), []);
});
