import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatProblem, loadLesson, splitFrontMatter } from './load.js';

const root = mkdtempSync(path.join(tmpdir(), 'pier-load-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** Writes a lesson folder from a map of files; `*.sh` files are executable unless named in `plain`. */
function lesson(files: Record<string, string>, plain: string[] = []): string {
  const dir = path.join(root, `l${++n}`);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
    if (rel.endsWith('.sh') && !plain.includes(rel)) chmodSync(path.join(dir, rel), 0o755);
  }
  return dir;
}

const FRONT = (steps: string, extra = '') => `---\ntitle: Demo\ndescription: A demo lesson\ntime: 5\n${extra}steps:\n${steps}---\nIntro\n`;
const CHECK = '#!/bin/bash\ntest -e /tmp/x || { echo "FAIL: no /tmp/x"; exit 1; }\n';
const SOLUTION = '#!/bin/bash\ntouch /tmp/x\n';

test('splitFrontMatter separates YAML and body and counts the lines before the body', () => {
  const s = splitFrontMatter('---\na: 1\nb: 2\n---\nbody\n');
  assert.equal(s.yaml, 'a: 1\nb: 2');
  assert.equal(s.body, 'body\n');
  assert.equal(s.bodyLineOffset, 4);
  assert.equal(splitFrontMatter('no front matter').yaml, null);
});

test('a flat lesson loads with its scripts, defaults and a version', () => {
  const dir = lesson({
    'lesson.md': FRONT('  - title: One\n    watch: true\n  - title: Two\n    node: node2\n', 'nodes: 2\n'),
    'step1.md': 'one',
    'step1.check.sh': CHECK,
    'step1.solution.sh': SOLUTION,
    'step2.md': 'two',
    'setup.sh': '#!/bin/bash\necho ready\n',
    'finish.md': 'bye',
  });
  const { lesson: l, problems } = loadLesson(dir);
  assert.deepEqual(problems, []);
  assert.ok(l);
  assert.equal(l.id, path.basename(dir));
  assert.equal(l.meta.difficulty, 'beginner');
  assert.equal(l.steps[0]!.checkPath, path.join(dir, 'step1.check.sh'));
  assert.equal(l.steps[0]!.solutionPath, path.join(dir, 'step1.solution.sh'));
  assert.equal(l.steps[0]!.watch, true);
  assert.equal(l.steps[0]!.timeout, 10);
  assert.equal(l.steps[1]!.checkPath, undefined);
  assert.equal(l.steps[1]!.node, 'node2');
  assert.equal(l.setupPath, path.join(dir, 'setup.sh'));
  assert.equal(l.intro.en, 'Intro\n');
  assert.equal(l.intro.ko, 'Intro\n');
  assert.equal(l.finish.en, 'bye');
  assert.match(l.version, /^[0-9a-f]{16}$/);
});

test('the folder form (step1/text.md, step1/check.sh …) and Korean files load', () => {
  const dir = lesson({
    'lesson.md': FRONT('  - title: One\n'),
    'lesson.ko.md': '---\ntitle: 데모\n---\n소개\n',
    'step1/text.md': 'one',
    'step1/text.ko.md': '하나',
    'step1/check.sh': CHECK,
    'step1/solution.sh': SOLUTION,
    'step1/solution.md': 'explained',
    'step1/background.sh': '#!/bin/bash\nsleep 1\n',
  });
  const { lesson: l, problems } = loadLesson(dir);
  assert.deepEqual(problems, []);
  assert.ok(l);
  assert.deepEqual(l.meta.title, { en: 'Demo', ko: '데모' });
  assert.equal(l.intro.ko, '소개\n');
  assert.deepEqual(l.steps[0]!.markdown, { en: 'one', ko: '하나' });
  assert.equal(l.steps[0]!.text, 'step1/text.md');
  assert.equal(l.steps[0]!.checkPath, path.join(dir, 'step1/check.sh'));
  assert.deepEqual(l.steps[0]!.solutionMarkdown, { en: 'explained', ko: 'explained' });
  assert.equal(l.steps[0]!.backgroundPath, path.join(dir, 'step1/background.sh'));
});

test('YAML syntax errors are located at their line in lesson.md', () => {
  const dir = lesson({ 'lesson.md': '---\ntitle: Demo\ndescription: "unclosed\ntime: 5\n---\n' });
  const { lesson: l, problems } = loadLesson(dir);
  assert.equal(l, null);
  assert.ok(problems.length >= 1);
  assert.equal(problems[0]!.file, 'lesson.md');
  assert.ok(problems[0]!.line! >= 3, `line ${problems[0]!.line}`);
  assert.match(problems[0]!.message, /not valid YAML/);
});

test('schema errors point at the field, with a fix', () => {
  const dir = lesson({
    'lesson.md': '---\ntitle: Demo\ndescription: D\ntime: 5\ndifficulty: expert\nstpes: []\nsteps:\n  - title: One\n    timout: 5\n',
  });
  // No closing ---: the whole file is not front matter.
  assert.match(loadLesson(dir).problems[0]!.message, /no front matter/);
  writeFileSync(path.join(dir, 'lesson.md'), '---\ntitle: Demo\ndescription: D\ntime: 5\ndifficulty: expert\nstpes: []\nsteps:\n  - title: One\n    timout: 5\n---\n');
  const { lesson: l, problems } = loadLesson(dir);
  assert.equal(l, null);
  const lines = problems.map((p) => formatProblem(p));
  assert.ok(lines.some((s) => /^lesson\.md:5:13: error: difficulty: .*\(fix: use one of: beginner, intermediate, advanced\)$/.test(s)), lines.join('\n'));
  assert.ok(lines.some((s) => /^lesson\.md:6:1: error: unknown field "stpes" \(fix: did you mean "steps"\?/.test(s)), lines.join('\n'));
  assert.ok(lines.some((s) => /^lesson\.md:9:5: error: steps\[0\]: unknown field "timout" \(fix: did you mean "timeout"\?/.test(s)), lines.join('\n'));
});

test('a missing required field is reported with the field to add', () => {
  const dir = lesson({ 'lesson.md': '---\ntitle: Demo\ntime: 5\nsteps:\n  - title: One\n---\n', 'step1.md': 'x' });
  const { problems } = loadLesson(dir);
  assert.equal(problems.length, 1);
  assert.match(formatProblem(problems[0]!), /^lesson\.md:2:1: error: description: the required field "description" is missing \(fix: add "description:" here/);
});

test('missing step file, missing check, check not executable, missing asset are located', () => {
  const dir = lesson(
    {
      'lesson.md': FRONT(
        '  - title: One\n  - title: Two\n  - title: Three\n  - title: Four\n    check: checks/four.sh\n',
        'assets:\n  - from: assets/app.py\n    to: /root/app.py\n',
      ),
      // step1.md missing
      'step2.md': 'two',
      'step2.solution.sh': SOLUTION, // a solution without a check
      'step3.md': 'three',
      'step3.check.sh': CHECK,
      'step3.solution.sh': SOLUTION,
      'step4.md': 'four',
    },
    ['step3.check.sh'],
  );
  const { lesson: l, problems } = loadLesson(dir);
  assert.ok(l, 'file problems do not stop the lesson from loading');
  const lines = problems.map((p) => formatProblem(p));
  const expect = [
    /^lesson\.md:9:5: error: step 1 has no text file: step1\.md does not exist \(fix: create step1\.md/,
    /^lesson\.md:10:5: error: step 2 has a solution but no check script/,
    /^step3\.check\.sh:1:1: error: step 3's check is not executable \(fix: chmod \+x step3\.check\.sh\)$/,
    /^lesson\.md:13:12: error: step 4's check "checks\/four\.sh" does not exist/,
    /^lesson\.md:6:11: error: asset "assets\/app\.py" does not exist/,
  ];
  for (const re of expect) assert.ok(lines.some((s) => re.test(s)), `${re}\n${lines.join('\n')}`);
  assert.equal(problems.length, expect.length, lines.join('\n'));
});

test('a step with a check but no solution is an error; a step node beyond the lesson nodes too', () => {
  const dir = lesson({ 'lesson.md': FRONT('  - title: One\n    node: node3\n'), 'step1.md': 'x', 'step1.check.sh': CHECK });
  const lines = loadLesson(dir).problems.map((p) => formatProblem(p));
  assert.ok(lines.some((s) => /step 1 has a check but no solution/.test(s)), lines.join('\n'));
  assert.ok(lines.some((s) => /^lesson\.md:7:11: error: step 1 runs in node3 but the lesson has 1 node\(s\)/.test(s)), lines.join('\n'));
});

test('the version changes when any file changes, and only then', () => {
  const dir = lesson({ 'lesson.md': FRONT('  - title: One\n'), 'step1.md': 'one' });
  const v1 = loadLesson(dir).lesson!.version;
  assert.equal(loadLesson(dir).lesson!.version, v1);
  writeFileSync(path.join(dir, 'step1.md'), 'one, edited');
  const v2 = loadLesson(dir).lesson!.version;
  assert.notEqual(v2, v1);
  chmodSync(path.join(dir, 'step1.md'), 0o755);
  assert.notEqual(loadLesson(dir).lesson!.version, v2, 'a mode change counts');
});

test('a folder without lesson.md is reported, not thrown', () => {
  const dir = lesson({ 'README.md': 'x' });
  const { lesson: l, problems } = loadLesson(dir);
  assert.equal(l, null);
  assert.match(problems[0]!.message, /lesson\.md is missing/);
});

test('lesson files behind symbolic links are refused, also through a linked step folder', () => {
  const outside = lesson({ 'text.md': 'secret text', 'check.sh': CHECK, 'solution.sh': SOLUTION });
  const dir = lesson({ 'lesson.md': FRONT('  - title: One\n  - title: Two\n'), 'step2.md': 'two' });
  symlinkSync(outside, path.join(dir, 'step1'));
  symlinkSync(path.join(outside, 'text.md'), path.join(dir, 'step2.ko.md'));
  const { lesson: l, problems } = loadLesson(dir);
  assert.ok(l);
  assert.equal(l.steps[0]!.markdown.en, '', 'nothing read through the link');
  assert.equal(l.steps[0]!.checkPath, undefined);
  assert.equal(l.steps[1]!.markdown.ko, 'two', 'a linked translation is not read');
  const lines = problems.map((p) => formatProblem(p)).join('\n');
  assert.match(lines, /step 1 has no text file/, 'a linked step folder is not a step folder');
  assert.match(lines, /step1\/check\.sh: error: step 1's check must be a regular file inside the lesson folder/);
  assert.match(lines, /step2\.ko\.md: error: is a symbolic link/);
});

test('a file inside a real folder that is itself reached through a link out is refused', () => {
  const outside = lesson({ 'inner/text.md': 'secret' });
  const dir = lesson({ 'lesson.md': FRONT('  - title: One\n    text: docs/inner/text.md\n') });
  symlinkSync(outside, path.join(dir, 'docs'));
  const { lesson: l, problems } = loadLesson(dir);
  assert.equal(l!.steps[0]!.markdown.en, '');
  assert.match(problems.map((p) => formatProblem(p)).join('\n'), /docs\/inner\/text\.md: error: is reached through a symbolic link that leaves the lesson folder/);
});
