import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forgetTerminalInput, registerTerminalInput, sendToTerminal } from './terminal-input.js';

test('text goes to the registered terminal as typed', () => {
  const got: string[] = [];
  const off = registerTerminalInput('a'.repeat(32), (d) => got.push(d));
  sendToTerminal('a'.repeat(32), 'ls\r');
  assert.deepEqual(got, ['ls\r']);
  off();
  sendToTerminal('a'.repeat(32), 'later');
  assert.deepEqual(got, ['ls\r'], 'an unmounted terminal gets nothing at once');
});

test('text sent before the terminal mounts waits for it, in order', () => {
  const id = 'b'.repeat(32);
  sendToTerminal(id, '\x03');
  sendToTerminal(id, 'echo hi\r');
  const got: string[] = [];
  registerTerminalInput(id, (d) => got.push(d));
  assert.deepEqual(got, ['\x03', 'echo hi\r']);
});

test('text waiting for a terminal that closed is dropped', () => {
  const id = 'c'.repeat(32);
  sendToTerminal(id, 'x');
  forgetTerminalInput([]);
  const got: string[] = [];
  registerTerminalInput(id, (d) => got.push(d));
  assert.deepEqual(got, []);
});

test('a remounted terminal replaces the old writer; the old unregister does not remove the new one', () => {
  const id = 'd'.repeat(32);
  const first: string[] = [];
  const second: string[] = [];
  const offFirst = registerTerminalInput(id, (d) => first.push(d));
  registerTerminalInput(id, (d) => second.push(d));
  offFirst();
  sendToTerminal(id, 'y');
  assert.deepEqual(first, []);
  assert.deepEqual(second, ['y']);
});
