import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { builtinLessonsDir, LessonCatalog, lessonRoots } from './catalog.js';
import { loadConfig } from '../config.js';

const root = mkdtempSync(path.join(tmpdir(), 'pier-catalog-'));
test.after(() => rmSync(root, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}
const lessonMd = (title: string) => `---\ntitle: ${title}\ndescription: D\ntime: 5\nsteps:\n  - title: One\n---\nIntro of ${title}\n`;

test('lists every lesson of every root in id order; a broken lesson is reported and hides nothing', () => {
  const a = path.join(root, 'a');
  const b = path.join(root, 'b');
  write(a, {
    '02-second/lesson.md': lessonMd('Second'),
    '02-second/step1.md': 'x',
    '01-first/lesson.md': lessonMd('First'),
    '01-first/step1.md': 'x',
    '03-broken/lesson.md': '---\ntitle: [unclosed\n---\n',
    '_drafts/notes.md': 'not a lesson',
    'README.md': 'not a lesson',
  });
  write(b, { '00-extra/lesson.md': lessonMd('Extra'), '00-extra/step1.md': 'x', '01-first/lesson.md': lessonMd('Shadowed') });
  const reported: string[] = [];
  const catalog = new LessonCatalog({ dirs: [a, b], onProblems: (e, lines) => reported.push(e.id, ...lines) });
  const list = catalog.list();
  assert.deepEqual(list.map((e) => [e.id, e.ok]), [['00-extra', true], ['01-first', true], ['02-second', true], ['03-broken', false]]);
  assert.deepEqual(catalog.lessons().map((l) => l.id), ['00-extra', '01-first', '02-second']);
  assert.equal(catalog.get('01-first')?.meta.title, 'First', 'the first root wins for an id');
  assert.equal(catalog.get('03-broken'), undefined);
  assert.ok(catalog.entry('03-broken')!.problems.length > 0);
  assert.equal(reported[0], '03-broken');
  assert.match(reported[1]!, /03-broken\/lesson\.md:2:\d+: error: front matter is not valid YAML/);
  assert.equal(catalog.get('nope'), undefined);
});

test('edits, new lessons and removed lessons show up without a restart', () => {
  const dir = path.join(root, 'live');
  write(dir, { '01-one/lesson.md': lessonMd('One'), '01-one/step1.md': 'first text' });
  const catalog = new LessonCatalog({ dirs: [dir], recheckMs: 0 });
  const v1 = catalog.get('01-one')!.version;
  assert.equal(catalog.get('01-one')!.steps[0]!.markdown.en, 'first text');
  write(dir, { '01-one/step1.md': 'second text, longer' });
  const l2 = catalog.get('01-one')!;
  assert.equal(l2.steps[0]!.markdown.en, 'second text, longer');
  assert.notEqual(l2.version, v1);
  // Breaking the lesson makes it unservable; fixing it brings it back.
  write(dir, { '01-one/lesson.md': '---\ntitle: One\n---\n' });
  assert.equal(catalog.get('01-one'), undefined);
  assert.equal(catalog.entry('01-one')!.ok, false);
  write(dir, { '01-one/lesson.md': lessonMd('One again') });
  assert.equal(catalog.get('01-one')!.meta.title, 'One again');
  write(dir, { '02-two/lesson.md': lessonMd('Two'), '02-two/step1.md': 'x' });
  assert.equal(catalog.get('02-two')!.meta.title, 'Two');
  rmSync(path.join(dir, '01-one'), { recursive: true });
  assert.deepEqual(catalog.list().map((e) => e.id), ['02-two']);
});

test('a lesson is not re-read while nothing changed', () => {
  const dir = path.join(root, 'same');
  write(dir, { '01-one/lesson.md': lessonMd('One'), '01-one/step1.md': 'x' });
  const catalog = new LessonCatalog({ dirs: [dir], recheckMs: 0 });
  const first = catalog.get('01-one');
  assert.equal(catalog.get('01-one'), first, 'the same object: not reloaded');
});

test('extra lesson folders come from PIER_LESSON_DIRS after the built-in lessons/', () => {
  const config = loadConfig({ PIER_LESSON_DIRS: '/srv/lessons:/opt/course' } as NodeJS.ProcessEnv);
  assert.deepEqual(config.lessonDirs, ['/srv/lessons', '/opt/course']);
  assert.deepEqual(lessonRoots(config), [builtinLessonsDir(), '/srv/lessons', '/opt/course']);
  assert.ok(existsSync(path.join(path.dirname(builtinLessonsDir()), 'package.json')));
  assert.throws(() => loadConfig({ PIER_LESSON_DIRS: 'relative/dir' } as NodeJS.ProcessEnv), /lessonDirs/);
});
