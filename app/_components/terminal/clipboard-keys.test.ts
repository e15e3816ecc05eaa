import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipboardShortcut } from './clipboard-keys';

const key = (over: Partial<Parameters<typeof clipboardShortcut>[0]>) => ({
  type: 'keydown',
  key: 'c',
  code: 'KeyC',
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  isComposing: false,
  ...over,
});

test('Ctrl/Cmd-Shift-C copies, Ctrl/Cmd-Shift-V pastes', () => {
  assert.equal(clipboardShortcut(key({ ctrlKey: true, shiftKey: true, key: 'C' })), 'copy');
  assert.equal(clipboardShortcut(key({ metaKey: true, shiftKey: true, key: 'C' })), 'copy');
  assert.equal(clipboardShortcut(key({ ctrlKey: true, shiftKey: true, key: 'V', code: 'KeyV' })), 'paste');
  // Korean layout: the key is a jamo, the physical code still says C / V.
  assert.equal(clipboardShortcut(key({ ctrlKey: true, shiftKey: true, key: 'ㅊ', code: 'KeyC' })), 'copy');
  assert.equal(clipboardShortcut(key({ ctrlKey: true, shiftKey: true, key: 'ㅍ', code: 'KeyV' })), 'paste');
});

test('everything else reaches the terminal: Ctrl-C, typing, IME composition, keyup', () => {
  assert.equal(clipboardShortcut(key({ ctrlKey: true })), null); // Ctrl-C = SIGINT
  assert.equal(clipboardShortcut(key({ ctrlKey: true, key: 'v', code: 'KeyV' })), null);
  assert.equal(clipboardShortcut(key({})), null);
  assert.equal(clipboardShortcut(key({ ctrlKey: true, shiftKey: true, isComposing: true })), null);
  assert.equal(clipboardShortcut(key({ ctrlKey: true, shiftKey: true, type: 'keyup' })), null);
  assert.equal(clipboardShortcut(key({ ctrlKey: true, shiftKey: true, altKey: true })), null);
  assert.equal(clipboardShortcut(key({ key: 'Process', code: 'KeyG', ctrlKey: false })), null);
});
