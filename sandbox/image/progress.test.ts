import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressParser, stepProgress, PROGRESS_SPAN, type BuildProgress } from './progress.js';

/** Lines of a real `mmdebstrap --verbose` run (trimmed), with what each should report. */
const RUN: Array<[line: string, want: Partial<BuildProgress> | null]> = [
  ['I: automatically chosen mode: root', null],
  ['I: running apt-get update...', { phase: 'resolving', percent: 2, message: 'reading package lists' }],
  ['Get:1 http://deb.debian.org/debian bookworm InRelease [151 kB]', null], // an index, not a package
  ['Fetched 9415 kB in 1s (11.8 MB/s)', null],
  ['I: downloading packages with apt...', { phase: 'resolving', percent: 5 }],
  ['0 upgraded, 4 newly installed, 0 to remove and 0 not upgraded.', { phase: 'downloading', percent: 6, message: '4 packages' }],
  ['Get:1 http://deb.debian.org/debian bookworm/main amd64 gcc-12-base amd64 12.2.0-14 [37.6 kB]', { phase: 'downloading', percent: 7, message: 'package 1/4' }],
  ['Get:4 http://deb.debian.org/debian bookworm/main amd64 mawk amd64 1.3.4 [119 kB]', { phase: 'downloading', percent: 10 }],
  ['I: extracting archives...', { phase: 'extracting', percent: 10, message: 'extracting archives' }],
  ['I: installing essential packages...', { phase: 'installing', percent: 18 }],
  ['Selecting previously unselected package libc6:amd64.', null],
  ['Unpacking libc6:amd64 (2.36-9+deb12u14) ...', { phase: 'installing', percent: 21, message: 'unpacking libc6' }],
  ['Setting up libc6:amd64 (2.36-9+deb12u14) ...', { phase: 'installing', percent: 24, message: 'setting up libc6' }],
  ['dpkg: warning: ignoring pre-dependency problem!', null],
  ['I: installing remaining packages inside the chroot...', { phase: 'installing', percent: 42 }],
  ['0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.', { phase: 'downloading', percent: 44 }],
  ['Get:1 http://deb.debian.org/debian bookworm/main amd64 podman amd64 4.3.1 [10.7 MB]', { phase: 'downloading', percent: 47 }],
  ['Get:2 http://deb.debian.org/debian bookworm/main amd64 catatonit amd64 0.1.7-1 [312 kB]', { phase: 'downloading', percent: 50 }],
  ['Unpacking podman (4.3.1+ds1-8+deb12u1+b3) ...', { phase: 'installing', percent: 61, message: 'unpacking podman' }],
  ['Setting up podman (4.3.1+ds1-8+deb12u1+b3) ...', { phase: 'installing', percent: 71 }],
  ['Processing triggers for libc-bin (2.36-9+deb12u14) ...', null],
  ['I: cleaning package lists and apt cache...', { phase: 'customizing', percent: 92 }],
  ['I: success in 26.2397 seconds', null],
];

/** The fields of `got` that `want` names. */
const pick = (got: BuildProgress, want: Partial<BuildProgress>) =>
  Object.fromEntries(Object.keys(want).map((k) => [k, got[k as keyof BuildProgress]]));

test('the parser turns each mmdebstrap line into the expected report', () => {
  const parse = createProgressParser();
  for (const [line, want] of RUN) {
    const got = parse(line);
    if (want === null) assert.equal(got, null, line);
    else assert.deepEqual(got && pick(got, want), want, line);
  }
});

test('percent never goes back, even when apt counts restart', () => {
  const parse = createProgressParser();
  let last = 0;
  for (const [line] of [...RUN, ['Get:1 http://x/debian bookworm/main amd64 a amd64 1 [1 kB]', null] as const]) {
    const got = parse(line);
    if (got === null) continue;
    assert.ok(got.percent >= last, `${line}: ${got.percent} < ${last}`);
    last = got.percent;
  }
});

test('lines before any stage and unknown lines report nothing', () => {
  const parse = createProgressParser();
  for (const line of ['', 'Reading package lists...', 'Unpacking x (1) ...', 'Get:3 http://x/debian y [1 kB]', '0 upgraded, 5 newly installed']) {
    assert.equal(parse(line), null, line);
  }
});

test('stepProgress places pier\'s own steps after mmdebstrap', () => {
  assert.deepEqual(stepProgress('customizing', 0, 'x'), { phase: 'customizing', percent: PROGRESS_SPAN.customizing[0], message: 'x' });
  assert.equal(stepProgress('shifting', 1, 'x').percent, PROGRESS_SPAN.shifting[1]);
  assert.equal(stepProgress('done', 0, 'x').percent, 100);
});
