// Unit tests of the runner's pure parts: FAIL/HINT parsing, the tar writer (read back by
// the system's GNU tar), lesson limits clamped to the server's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseCheckOutput, MAX_REASON_LINES } from './script.js';
import { isSafeTarName, writeTar } from './tar.js';
import { lessonLimits } from './limits.js';

test('FAIL and HINT lines are found on stdout and stderr; other output is not shown', () => {
  const r = parseCheckOutput('checking…\nFAIL: no file /root/x\n  HINT: run touch /root/x\nFAILED to parse\n', 'FAIL: second reason\nnoise\nHINT:   \n');
  assert.deepEqual(r.failures, ['no file /root/x', 'second reason']);
  assert.deepEqual(r.hints, ['run touch /root/x']);
});

test('FAIL lines are capped in number and length, and repeated lines shown once', () => {
  const many = Array.from({ length: 50 }, (_, i) => `FAIL: reason ${i}`).join('\n');
  assert.equal(parseCheckOutput(many).failures.length, MAX_REASON_LINES);
  assert.deepEqual(parseCheckOutput('FAIL: same\nFAIL: same\r\n').failures, ['same']);
  assert.equal(parseCheckOutput(`FAIL: ${'x'.repeat(2000)}`).failures[0]!.length, 500);
});

test('the tar stream unpacks with GNU tar: names, modes, long paths, folders', () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}.txt`;
  const tar = writeTar([
    { name: 'root/app', type: 'dir', mode: 0o750 },
    { name: 'root/app/run.sh', type: 'file', mode: 0o755, data: Buffer.from('#!/bin/sh\necho hi\n') },
    { name: `root/${long}`, type: 'file', mode: 0o600, data: Buffer.alloc(1000, 0x61) },
  ]);
  assert.equal(tar.length % 512, 0);
  const listing = execFileSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' });
  assert.match(listing, /^drwxr-x--- root\/root +0 .* root\/app\/$/m);
  assert.match(listing, /^-rwxr-xr-x root\/root +18 .* root\/app\/run\.sh$/m);
  assert.match(listing, new RegExp(`^-rw------- root/root +1000 .* root/${long.replace(/\./g, '\\.')}$`, 'm'));
  assert.equal(execFileSync('tar', ['-xOf', '-', 'root/app/run.sh'], { input: tar, encoding: 'utf8' }), '#!/bin/sh\necho hi\n');
});

test('unsafe archive names are refused before anything is written', () => {
  for (const bad of ['/etc/passwd', '../x', 'a/../../b', 'a//b', './a', '', 'a/./b', 'a\\b']) {
    assert.equal(isSafeTarName(bad), false, bad);
    assert.throws(() => writeTar([{ name: bad, type: 'file', mode: 0o644 }]), /unsafe/);
  }
});

test('a lesson asks for less than the server gives, never more', () => {
  const max = { memoryBytes: 512 * 1024 ** 2, pids: 512, cpus: 1, diskBytes: 2 * 1024 ** 3 };
  assert.deepEqual(lessonLimits({ memory: '256M', pids: 100 }, max), { memoryBytes: 256 * 1024 ** 2, pids: 100 });
  assert.deepEqual(lessonLimits({ memory: '8G', pids: 4096, cpus: 4, disk: '100G' }, max), max);
  assert.deepEqual(lessonLimits(undefined, max), {});
});
