// The {{write}} action in the format: what the parser accepts, how lint reports a bad one,
// and that the renderer and markdownActions number write blocks alike (the write route
// finds a block by the number the page shows).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAction } from './actions.js';
import { writeActions } from './blocks.js';
import { renderMarkdown } from '../render.js';
import type { LessonProblem } from '../model.js';

test('{{write PATH [append|replace] [HOSTn]}} parses; relative paths, .. and unknown options do not', () => {
  assert.deepEqual(parseAction('write /root/a.txt'), { ok: true, props: { dataPierAction: 'write', dataPierFile: '/root/a.txt', dataPierMode: 'replace' } });
  assert.deepEqual(parseAction('write /etc/x.conf append HOST2'), { ok: true, props: { dataPierAction: 'write', dataPierFile: '/etc/x.conf', dataPierMode: 'append', dataPierNode: 'node2' }, node: 2 });
  for (const bad of ['write', 'write a.txt', 'write /root/../etc/passwd', 'write /root/', 'write /root/a sideways']) assert.equal(parseAction(bad).ok, false, bad);
});

test('lint reports a write marker on inline code and a bad path at their line; blocks are numbered as the page numbers them', () => {
  const problems: LessonProblem[] = [];
  const md = '```\na\n```{{write /root/a}}\n\n`x`{{write /root/b}}\n\n```\nb\n```{{write b}}\n\n```\nc\n```{{write /root/c append}}\n';
  const html = renderMarkdown(md, { lessonId: 'l', file: 'step1.md', problems });
  assert.deepEqual(problems.map((p) => `${p.line}: ${p.message}`).sort(), ['5: {{write …}} belongs after a code block, not inline code', '7: {{write b}}: "b" is not an absolute file path without ..']);
  assert.match(html, /data-pier-file="\/root\/a" data-pier-mode="replace" data-pier-index="0"/);
  assert.match(html, /data-pier-file="\/root\/c" data-pier-mode="append" data-pier-index="1"/);
  assert.deepEqual(writeActions(md).map((a) => [a.props.dataPierFile, a.text]), [['/root/a', 'a'], ['/root/c', 'c']]);
});
