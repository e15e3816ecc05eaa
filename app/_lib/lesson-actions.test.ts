import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CTRL_C, controlKeys, execChunks, initialPage, lessonFinished, readAction, stepUnlocked, typedText } from './lesson-actions.js';

function el(attrs: Record<string, string>, text: string) {
  return {
    getAttribute: (n: string) => attrs[n] ?? null,
    hasAttribute: (n: string) => n in attrs,
    textContent: text,
  };
}

test('readAction reads the renderer’s attributes', () => {
  assert.deepEqual(readAction(el({ 'data-pier-action': 'exec' }, 'ls -l\n')), {
    action: 'exec', node: 'node1', terminal: null, interrupt: false, noNewline: false, ctrlSeq: false, text: 'ls -l\n', file: null, mode: 'replace', block: null,
  });
  const spec = readAction(el({ 'data-pier-action': 'exec', 'data-pier-node': 'node2', 'data-pier-terminal': '2', 'data-pier-interrupt': '', 'data-pier-no-newline': '' }, 'top'));
  assert.equal(spec?.node, 'node2');
  assert.equal(spec?.terminal, 2);
  assert.equal(spec?.interrupt, true);
  assert.equal(spec?.noNewline, true);
  assert.equal(readAction(el({ 'data-pier-action': 'copy' }, 'x'))?.action, 'copy');
});

test('readAction ignores elements without a known action and odd node names', () => {
  assert.equal(readAction(el({}, 'ls')), null);
  assert.equal(readAction(el({ 'data-pier-action': 'eval' }, 'ls')), null);
  assert.equal(readAction(el({ 'data-pier-action': 'exec', 'data-pier-node': '../x' }, 'ls'))?.node, 'node1');
  assert.equal(readAction(el({ 'data-pier-action': 'exec', 'data-pier-terminal': 'x' }, 'ls'))?.terminal, null);
});

test('exec types the command and presses Return; blocks become several lines', () => {
  assert.deepEqual(execChunks({ interrupt: false, noNewline: false, ctrlSeq: false, text: 'uname -r\n' }), ['uname -r\r']);
  assert.deepEqual(execChunks({ interrupt: false, noNewline: false, ctrlSeq: false, text: 'mkdir -p /a\ncd /a\n' }), ['mkdir -p /a\rcd /a\r']);
  assert.equal(typedText('a\r\nb'), 'a\rb');
});

test('interrupt sends Ctrl-C first, no-newline leaves the line open, ctrl-seq sends control keys', () => {
  assert.deepEqual(execChunks({ interrupt: true, noNewline: false, ctrlSeq: false, text: 'ls' }), [CTRL_C, 'ls\r']);
  assert.deepEqual(execChunks({ interrupt: false, noNewline: true, ctrlSeq: false, text: 'echo ' }), ['echo ']);
  assert.deepEqual(execChunks({ interrupt: false, noNewline: false, ctrlSeq: true, text: '^C' }), ['\x03']);
  assert.equal(controlKeys('^d'), '\x04');
  assert.equal(controlKeys('^[:q'), '\x1b:q');
  assert.equal(controlKeys('^?'), '\x7f');
});

test('pages: intro first, then the current step, finish when all passed', () => {
  assert.deepEqual(initialPage({ passed: [], current: 1 }, 3), { kind: 'intro' });
  assert.deepEqual(initialPage({ passed: [1], current: 2 }, 3), { kind: 'step', step: 2 });
  assert.deepEqual(initialPage({ passed: [1, 2, 3], current: 4 }, 3), { kind: 'finish' });
  assert.equal(lessonFinished({ passed: [1, 2], current: 3 }, 3), false);
  assert.equal(stepUnlocked({ passed: [1], current: 2 }, 2), true);
  assert.equal(stepUnlocked({ passed: [1], current: 2 }, 3), false);
  assert.equal(stepUnlocked({ passed: [1, 3], current: 2 }, 3), true);
});

test('readAction reads a write block: its file, mode and number; a write without an absolute file is no action', () => {
  const spec = readAction(el({ 'data-pier-action': 'write', 'data-pier-file': '/root/app.py', 'data-pier-mode': 'append', 'data-pier-index': '2', 'data-pier-node': 'node2' }, 'print(1)\n'));
  assert.deepEqual([spec?.action, spec?.file, spec?.mode, spec?.block, spec?.node], ['write', '/root/app.py', 'append', 2, 'node2']);
  assert.equal(readAction(el({ 'data-pier-action': 'write', 'data-pier-file': 'app.py' }, 'x')), null);
  assert.equal(readAction(el({ 'data-pier-action': 'write' }, 'x')), null);
});

test('issue 15 bug 10: ^ESC is the Escape key, not Ctrl-E then "SC"', () => {
  assert.equal(controlKeys('^ESC'), '\x1b');
  assert.equal(controlKeys('^ESC:wq'), '\x1b:wq');
  assert.deepEqual(execChunks({ interrupt: false, noNewline: false, ctrlSeq: true, text: '^ESC' }), ['\x1b']);
  assert.equal(controlKeys('^E'), '\x05', 'a lone ^E is still Ctrl-E');
});
