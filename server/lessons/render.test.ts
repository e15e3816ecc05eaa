import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { renderMarkdown, renderLesson, type MarkdownContext } from './render.js';
import { moveFenceActions, parseAction } from './markdown/actions.js';
import type { LessonProblem } from './model.js';
import { loadLesson } from './load.js';
import { LessonView } from '../../protocol/lesson.js';

const ctx = (extra: Partial<MarkdownContext> = {}): MarkdownContext => ({ lessonId: 'demo', file: 'step1.md', nodes: 2, ...extra });

test('attack 36: script, event handlers and javascript: links do not survive rendering', () => {
  const md = [
    '<script>alert(1)</script>',
    '<img src="x.png" onerror="alert(2)">',
    '<a href="javascript:alert(3)">click</a> [md link](javascript:alert(4)) [spaced](  JaVaScRiPt:alert(5))',
    '<iframe src="https://example.org"></iframe><style>body{}</style>',
    '<div onclick="alert(6)" style="background:url(javascript:alert(7))">x</div>',
    '<svg><script>alert(8)</script></svg><object data="x"></object>',
    '<a href="data:text/html,<script>alert(9)</script>">d</a>',
    '<a href="jav&#x09;ascript:alert(10)">tab</a> <a href="&#106;avascript:alert(11)">entity</a> [ref][x]\n\n[x]: javascript:alert(12)',
    '<form action="javascript:alert(13)"><button formaction="javascript:alert(14)">b</button></form>',
  ].join('\n\n');
  const html = renderMarkdown(md, ctx());
  assert.doesNotMatch(html, /<script|<iframe|<style|<object|<svg/i);
  assert.doesNotMatch(html, /onerror|onclick|style=/i);
  assert.doesNotMatch(html, /javascript:|ascript:|alert\(1[0-4]\)"/i);
  assert.doesNotMatch(html, /<form|formaction/i);
  assert.doesNotMatch(html, /href="data:/i);
  assert.match(html, /click/, 'the link text stays');
});

test('attack 37: lesson-relative images and links go to the assets route, and .. is refused', () => {
  const problems: LessonProblem[] = [];
  const html = renderMarkdown(
    '![diagram](images/net%20map.png#top) [notes](files/notes.txt?x=1) ![up](../other/secret.png) [up2](images/../../x) <img src="..%2F..%2Fetc%2Fpasswd">',
    ctx({ problems }),
  );
  assert.match(html, /<img src="\/api\/lessons\/demo\/assets\/images\/net%20map\.png#top" alt="diagram">/);
  assert.match(html, /<a href="\/api\/lessons\/demo\/assets\/files\/notes\.txt\?x=1">notes<\/a>/);
  assert.doesNotMatch(html, /\.\.|passwd|secret/);
  assert.equal(problems.filter((p) => /outside the lesson folder/.test(p.message)).length, 3);
});

test('a step in the folder form resolves its images from its own folder', () => {
  const html = renderMarkdown('![x](pic.png)', ctx({ file: 'step2/text.md' }));
  assert.match(html, /src="\/api\/lessons\/demo\/assets\/step2\/pic\.png"/);
});

test('external links open in a new tab; anchors and absolute site paths stay', () => {
  const html = renderMarkdown('[docs](https://example.org/a) [top](#top) [home](/)', ctx());
  assert.match(html, /<a href="https:\/\/example\.org\/a" target="_blank" rel="noopener noreferrer">docs<\/a>/);
  assert.match(html, /<a href="#top">top<\/a>/);
  assert.match(html, /<a href="\/">home<\/a>/);
});

test('every action form becomes data-pier-* attributes on inline code and fenced blocks', () => {
  const cases: [string, RegExp][] = [
    ['`ls`{{exec}}', /<code data-pier-action="exec">ls<\/code>/],
    ['`top`{{exec interrupt}}', /<code data-pier-action="exec" data-pier-interrupt="">top<\/code>/],
    ['`secret`{{copy}}', /<code data-pier-action="copy">secret<\/code>/],
    ['`ls`{{execute}}', /<code data-pier-action="exec">ls<\/code>/],
    ['`ls`{{execute T2}}', /<code data-pier-action="exec" data-pier-terminal="2">ls<\/code>/],
    ['`ls`{{execute HOST2}}', /<code data-pier-action="exec" data-pier-node="node2">ls<\/code>/],
    ['`ls`{{execute interrupt}}', /<code data-pier-action="exec" data-pier-interrupt="">ls<\/code>/],
    ['`ls`{{execute no-newline}}', /<code data-pier-action="exec" data-pier-no-newline="">ls<\/code>/],
    ['`^C`{{execute ctrl-seq}}', /<code data-pier-action="exec" data-pier-ctrl-seq="">\^C<\/code>/],
    ['```\nping -c1 node2\n```{{execute HOST2 T3}}', /<pre data-pier-action="exec" data-pier-node="node2" data-pier-terminal="3"><code>ping -c1 node2\n<\/code><\/pre>/],
    ['```bash\necho hi\n```{{exec}}', /<pre data-pier-action="exec"><code class="hljs language-bash"><span class="hljs-built_in">echo<\/span> hi\n<\/code><\/pre>/],
    ['```bash {{copy}}\nx=1\n```', /<pre data-pier-action="copy"><code class="hljs language-bash">/],
    ['```plain\nuname -a\n```{{exec interrupt}}', /<pre data-pier-action="exec" data-pier-interrupt=""><code>uname -a\n<\/code><\/pre>/],
  ];
  for (const [md, want] of cases) {
    const problems: LessonProblem[] = [];
    assert.match(renderMarkdown(md, ctx({ problems })), want, md);
    assert.deepEqual(problems, [], md);
  }
});

test('an action text is removed from the prose, the rest of the sentence stays', () => {
  assert.match(renderMarkdown('Run `ls -l`{{exec}} to list.', ctx()), /<p>Run <code data-pier-action="exec">ls -l<\/code> to list\.<\/p>/);
});

test('port markers in links and bare text become port links without href', () => {
  const html = renderMarkdown('[open the app]({{TRAFFIC_HOST1_80}}) and https://{{TRAFFIC_HOST2_8080}}/api/v1 too', ctx());
  assert.match(html, /<a data-pier-port="80" data-pier-node="node1">open the app<\/a>/);
  assert.match(html, /<a data-pier-port="8080" data-pier-node="node2" data-pier-path="\/api\/v1">node2:8080\/api\/v1<\/a> too/);
});

test('<details> hints are kept, with Markdown and actions inside', () => {
  const html = renderMarkdown('<details>\n<summary>Hint</summary>\n\n```\nls /\n```{{exec}}\n\n</details>', ctx());
  assert.match(html, /<details>\s*<summary>Hint<\/summary>\s*<pre data-pier-action="exec"><code>ls \/\n<\/code><\/pre>\s*<\/details>/);
});

test('braces inside code are left alone; unknown or stray markers are reported with their line', () => {
  const problems: LessonProblem[] = [];
  const html = renderMarkdown("intro\n\n```\ndocker inspect -f '{{.State.Pid}}' web\n```\n\nthen `ls`{{run}} and {{exec}} and `x`{{execute HOST4}}", ctx({ problems, lineOffset: 5 }));
  assert.match(html, /\{\{\.State\.Pid\}\}/);
  assert.deepEqual(
    problems.map((p) => [p.line, p.message]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    [
      [12, 'action "{{exec}}" is not attached to a command'],
      [12, 'the action targets node4 but the lesson has 2 node(s)'],
      [12, 'unknown {{…}} action "{{run}}"'],
    ],
  );
});

test('markers in raw HTML blocks are reported too, and port links in raw HTML work', () => {
  const problems: LessonProblem[] = [];
  const html = renderMarkdown('<div>\nsee {{bogus}} here\n</div>\n\n<p><a href="{{TRAFFIC_HOST1_3000}}">app</a></p>', ctx({ problems }));
  assert.deepEqual(problems.map((p) => [p.line, p.column, p.message]), [[2, 5, 'unknown {{…}} action "{{bogus}}"']]);
  assert.match(html, /<a data-pier-port="3000" data-pier-node="node1">app<\/a>/);
});

test('parseAction refuses unknown verbs and options, and copy with options', () => {
  assert.equal(parseAction('exec').ok, true);
  assert.equal(parseAction('run').ok, false);
  assert.equal(parseAction('execute T2 sideways').ok, false);
  assert.equal(parseAction('copy interrupt').ok, false);
});

test('moveFenceActions keeps line numbers and only touches closing fences', () => {
  const md = 'a\n```sh\nx\n```{{exec}}\nb\n~~~\n```{{copy}}\n~~~';
  const out = moveFenceActions(md);
  assert.equal(out.split('\n').length, md.split('\n').length);
  assert.equal(out, 'a\n```sh {{exec}}\nx\n```\nb\n~~~\n```{{copy}}\n~~~');
});

test('renderLesson builds the LessonView in both languages, Korean falling back to English', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-render-'));
  const lessonDir = path.join(dir, 'demo');
  try {
    mkdirSync(lessonDir);
    writeFileSync(
      path.join(lessonDir, 'lesson.md'),
      '---\ntitle: { en: Demo, ko: 데모 }\ndescription: A demo\ntime: 5\nsolve: true\nsteps:\n  - title: First\n  - title: Second\n---\nWelcome `ls`{{exec}}\n',
    );
    writeFileSync(path.join(lessonDir, 'step1.md'), 'Step one `ls /`{{exec}}\n');
    writeFileSync(path.join(lessonDir, 'step1.ko.md'), '---\ntitle: 첫째\n---\n첫 단계 `ls /`{{exec}}\n');
    writeFileSync(path.join(lessonDir, 'step1.check.sh'), '#!/bin/bash\ntest -e /tmp/x || { echo "FAIL: no /tmp/x"; exit 1; }\n', { mode: 0o755 });
    writeFileSync(path.join(lessonDir, 'step1.solution.sh'), '#!/bin/bash\ntouch /tmp/x\n', { mode: 0o755 });
    writeFileSync(path.join(lessonDir, 'step1.solution.md'), 'Run `touch /tmp/x`{{exec}}\n');
    writeFileSync(path.join(lessonDir, 'step2.md'), 'Step two\n');
    writeFileSync(path.join(lessonDir, 'finish.md'), 'Done!\n');
    const { lesson, problems } = loadLesson(lessonDir);
    assert.deepEqual(problems, []);
    assert.ok(lesson);
    const en = LessonView.parse(renderLesson(lesson, 'en'));
    const ko = LessonView.parse(renderLesson(lesson, 'ko'));
    assert.equal(en.title, 'Demo');
    assert.equal(ko.title, '데모');
    assert.equal(en.steps[0]!.title, 'First');
    assert.equal(ko.steps[0]!.title, '첫째');
    assert.equal(ko.steps[1]!.title, 'Second');
    assert.match(ko.steps[0]!.html, /첫 단계/);
    assert.match(ko.steps[1]!.html, /Step two/, 'no Korean file: English');
    assert.equal(en.steps[0]!.hasCheck, true);
    assert.equal(en.steps[1]!.hasCheck, false);
    assert.match(en.steps[0]!.solutionHtml ?? '', /data-pier-action="exec"/);
    assert.equal(en.steps[1]!.solutionHtml, null);
    assert.match(en.introHtml, /Welcome <code data-pier-action="exec">ls<\/code>/);
    assert.match(en.finishHtml, /Done!/);
    assert.equal(en.version, lesson.version);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
