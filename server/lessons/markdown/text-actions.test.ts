// Unit tests of the clickable commands of a step's text (what `pier lesson test --text` types).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionKeystrokes, textActions } from './text-actions.js';

const STEP = [
  'Run `uname -r`{{exec}} and copy `not this`{{copy}}.',
  '',
  '```bash',
  'cd /root',
  'ls -l',
  '```{{exec}}',
  '',
  'On node2: `hostname`{{execute HOST2 T2}}; then `top`{{exec}} and `ls`{{exec interrupt}}; `^C`{{execute ctrl-seq}}',
  '',
  '<details>',
  '<summary>Hint</summary>',
  '',
  '`echo hint`{{exec}}',
  '',
  '</details>',
  '',
  'Plain `code` and `docker inspect -f \'{{.State.Pid}}\' web` are not actions.',
].join('\n');

test('every exec action in reading order, hints included, with node, tab and flags', () => {
  const a = textActions(STEP);
  assert.deepEqual(
    a.map((x) => x.text),
    ['uname -r', 'cd /root\nls -l', 'hostname', 'top', 'ls', '^C', 'echo hint'],
  );
  assert.equal(a[2]!.node, 'node2');
  assert.equal(a[2]!.terminal, 2);
  assert.equal(a[0]!.node, null);
  assert.equal(a[4]!.interrupt, true);
  assert.equal(a[5]!.ctrlSeq, true);
  assert.equal(a[1]!.line, 3);
});

test('keystrokes as the lesson pane sends them', () => {
  assert.deepEqual(actionKeystrokes({ text: 'cd /root\nls -l\n', interrupt: false, noNewline: false, ctrlSeq: false }), ['cd /root\rls -l\r']);
  assert.deepEqual(actionKeystrokes({ text: 'ls', interrupt: true, noNewline: false, ctrlSeq: false }), ['\x03', 'ls\r']);
  assert.deepEqual(actionKeystrokes({ text: 'echo ', interrupt: false, noNewline: true, ctrlSeq: false }), ['echo ']);
  assert.deepEqual(actionKeystrokes({ text: '^C', interrupt: false, noNewline: false, ctrlSeq: true }), ['\x03']);
});
