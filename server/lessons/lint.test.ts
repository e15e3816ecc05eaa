// Acceptance 3: `pier lesson lint` gives located errors (file:line:col: … (fix: …)) for bad
// front matter, a missing step file, a missing check script, a check that is not
// executable, an unknown {{…}} action and a broken asset path; exit 1 on errors, 0 otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintLesson } from './lint.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), 'pier-lint-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** Runs `pier lesson …` from the TypeScript sources, in `cwd`. */
function pier(args: string[], cwd = work): { code: number; stdout: string; stderr: string } {
  const script = `const { main } = await import(${JSON.stringify(path.join(ROOT, 'cli/main.ts'))}); process.exitCode = await main(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ['--import', path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'), '--input-type=module', '-e', script, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function write(dir: string, files: Record<string, string>, executable: string[] = []): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
    if (executable.includes(rel)) chmodSync(path.join(dir, rel), 0o755);
  }
}

test('pier lesson new scaffolds a lesson that passes lint (exit 0)', () => {
  const made = pier(['lesson', 'new', '07-my-topic']);
  assert.equal(made.code, 0, made.stderr);
  const lint = pier(['lesson', 'lint', '07-my-topic']);
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  assert.match(lint.stdout, /1 lesson\(s\): 0 error\(s\), 0 warning\(s\)/);
  assert.equal(pier(['lesson', 'new', '07-my-topic']).code, 2, 'refuses to overwrite');
  assert.equal(pier(['lesson', 'new', 'Bad Name']).code, 2, 'refuses a name that is not an id');
});

test('every kind of error is located with a fix, and lint exits 1', () => {
  const front = (body: string) => `---\n${body}---\nIntro\n`;
  write(path.join(work, 'broken-yaml'), { 'lesson.md': front('title: Demo\ndescription: [unclosed\ntime: 5\nsteps:\n  - title: One\n') });
  write(path.join(work, 'broken-schema'), { 'lesson.md': front('title: Demo\ndescription: D\ntime: many\nsteps:\n  - title: One\n'), 'step1.md': 'x' });
  write(
    path.join(work, 'broken-files'),
    {
      'lesson.md': front(
        'title: Demo\ndescription: D\ntime: 5\nassets:\n  - from: assets/missing.txt\n    to: /root/missing.txt\nsteps:\n  - title: One\n  - title: Two\n  - title: Three\n  - title: Four\n    check: checks/four.sh\n',
      ),
      'step2.md': 'Run `ls`{{exce}} now.\n\n![diagram](images/diagram.png)\n',
      'step2.solution.sh': '#!/bin/bash\ntrue\n',
      'step3.md': 'x',
      'step3.check.sh': '#!/bin/bash\nexit 1\n',
      'step3.solution.sh': '#!/bin/bash\ntrue\n',
      'step4.md': 'x',
      'step4.solution.sh': '#!/bin/bash\ntrue\n',
    },
    ['step2.solution.sh', 'step3.solution.sh', 'step4.solution.sh'],
  );
  const r = pier(['lesson', 'lint', 'broken-yaml', 'broken-schema', 'broken-files']);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const want: [string, RegExp][] = [
    ['bad front matter (YAML)', /^broken-yaml\/lesson\.md:[34]:\d+: error: front matter is not valid YAML: .* \(fix: .+\)$/m],
    ['bad front matter (schema)', /^broken-schema\/lesson\.md:4:7: error: time: .* \(fix: write a number here\)$/m],
    ['missing step file', /^broken-files\/lesson\.md:9:5: error: step 1 has no text file: step1\.md does not exist \(fix: create step1\.md/m],
    ['missing check script (solution without check)', /^broken-files\/lesson\.md:10:5: error: step 2 has a solution but no check script \(fix: write step2\.check\.sh/m],
    ['missing check script (named)', /^broken-files\/lesson\.md:13:12: error: step 4's check "checks\/four\.sh" does not exist \(fix: create checks\/four\.sh/m],
    ['check not executable', /^broken-files\/step3\.check\.sh:1:1: error: step 3's check is not executable \(fix: chmod \+x step3\.check\.sh\)$/m],
    ['unknown action', /^broken-files\/step2\.md:1:\d+: error: unknown \{\{…\}\} action "\{\{exce\}\}" \(fix: use \{\{exec\}\}/m],
    ['broken asset path (assets[].from)', /^broken-files\/lesson\.md:6:11: error: asset "assets\/missing\.txt" does not exist \(fix: create assets\/missing\.txt/m],
    ['broken asset path (image)', /^broken-files\/step2\.md:3:1: error: link target "images\/diagram\.png" does not exist in the lesson folder \(fix: add images\/diagram\.png/m],
  ];
  for (const [what, re] of want) assert.match(r.stdout, re, `${what}\n${r.stdout}`);
  assert.match(r.stderr, /3 lesson\(s\): 9 error\(s\)/);
});

test('shell syntax errors in scripts and unused step files are reported', () => {
  const dir = path.join(work, 'syntax');
  write(
    dir,
    {
      'lesson.md': '---\ntitle: T\ndescription: D\ntime: 5\nsteps:\n  - title: One\n---\n',
      'step1.md': 'x',
      'step1.check.sh': '#!/bin/bash\nif true; then\n  echo hi\n',
      'step1.solution.sh': '#!/bin/bash\ntrue\n',
      'step2.md': 'forgotten',
    },
    ['step1.check.sh', 'step1.solution.sh'],
  );
  const report = lintLesson(dir);
  assert.equal(report.errors, 1);
  assert.equal(report.problems[0]!.file, 'step1.check.sh');
  assert.match(report.problems[0]!.message, /shell syntax/);
  assert.equal(report.warnings, 1);
  assert.match(report.problems[1]!.message, /step2\.md|is not used/);
});

test('a folder of lessons lints each lesson in it', () => {
  const dir = path.join(work, 'course');
  write(dir, {
    '01-a/lesson.md': '---\ntitle: A\ndescription: D\ntime: 5\nsteps:\n  - title: One\n---\n',
    '01-a/step1.md': 'x',
    '02-b/lesson.md': '---\ntitle: B\ndescription: D\ntime: 5\nsteps:\n  - title: One\n---\n',
    '02-b/step1.md': 'x',
  });
  const r = pier(['lesson', 'lint', 'course']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /2 lesson\(s\): 0 error\(s\)/);
});
