import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputTail, TAIL_BYTES, carriesEcho, endsWithPrompt, keyFor, stripEscapes } from './terminal-output.js';

/** The prompt the sandbox image's bash prints (PS1 of sandbox/image/recipe.ts), bracketed paste on. */
const IMAGE_PROMPT = '\x1b[?2004h\x1b[1;31mroot@node1\x1b[0m:\x1b[1;34m~\x1b[0m# ';
const bytes = (s: string) => Buffer.from(s, 'latin1');

test('stripEscapes removes CSI, OSC, charset and two-byte escapes, nothing else', () => {
  const cases: Array<[string, string]> = [
    [IMAGE_PROMPT, 'root@node1:~# '],
    ['\x1b]0;root@node1: ~\x07user@h:/tmp$ ', 'user@h:/tmp$ '],
    ['\x1b]2;title\x1b\\x', 'x'],
    ['\x1b(B\x1b[mplain\x1b[K', 'plain'],
    ['\x1b=\x1b>\x1b7a\x1b8', 'a'],
    ['no escapes # here', 'no escapes # here'],
  ];
  for (const [raw, want] of cases) assert.equal(stripEscapes(raw), want, JSON.stringify(raw));
});

test('endsWithPrompt: a prompt at the very end, not base64 or typed keys', () => {
  const cases: Array<[string, boolean]> = [
    [IMAGE_PROMPT, true],
    [`abc\r\n${IMAGE_PROMPT}`, true],
    ['user@host:~/dir$ ', true],
    [`${IMAGE_PROMPT}abcdef`, false], // keys typed after the prompt
    ['QUJDREVGR0g=\r\nSUpLTE1OT1A=\r\n', false], // cat of base64
    [`${IMAGE_PROMPT}cat /tmp/x`, false],
    ['', false],
  ];
  for (const [text, want] of cases) assert.equal(endsWithPrompt(text), want, JSON.stringify(text));
});

test('keys cycle through letters, consecutive keys differ; an echo is found by its byte', () => {
  assert.deepEqual([0, 1, 25, 26].map(keyFor), ['a', 'b', 'z', 'a']);
  for (let k = 0; k < 100; k++) assert.notEqual(keyFor(k), keyFor(k + 1));
  assert.equal(carriesEcho(bytes('a'), 'a'), true);
  assert.equal(carriesEcho(bytes('\x1b[Ka'), 'a'), true);
  assert.equal(carriesEcho(bytes('b'), 'a'), false);
  assert.equal(carriesEcho(new Uint8Array(0), 'a'), false);
});

test('OutputTail sees a prompt split across frames and keeps only the last bytes', () => {
  const tail = new OutputTail();
  const prompt = bytes(`done\r\n${IMAGE_PROMPT}`);
  tail.push(prompt.subarray(0, 9));
  assert.equal(tail.endsWithPrompt(), false);
  tail.push(prompt.subarray(9, 20));
  tail.push(prompt.subarray(20));
  assert.equal(tail.endsWithPrompt(), true);
  tail.push(bytes('x'));
  assert.equal(tail.endsWithPrompt(), false);

  const flood = Buffer.alloc(3 * TAIL_BYTES, 'A');
  tail.push(flood.subarray(TAIL_BYTES)); // a view into a larger buffer
  tail.push(bytes(IMAGE_PROMPT));
  assert.equal(tail.text.length, TAIL_BYTES);
  assert.ok(tail.text.endsWith(IMAGE_PROMPT));
  assert.equal(tail.endsWithPrompt(), true);
});
