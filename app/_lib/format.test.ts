import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatPercent, formatRemaining, msUntil, shouldWarn, usageLevel, usagePercent } from './format';

test('formatRemaining', () => {
  const table: [number, string][] = [
    [0, '0:00'],
    [-5000, '0:00'],
    [Number.NaN, '0:00'],
    [Number.POSITIVE_INFINITY, '0:00'],
    [1, '0:01'], // rounds up: 0:00 only once time is really over
    [999, '0:01'],
    [1000, '0:01'],
    [1001, '0:02'],
    [59_000, '0:59'],
    [60_000, '1:00'],
    [61_000, '1:01'],
    [45 * 60_000 + 7000, '45:07'],
    [3_600_000, '1:00:00'],
    [3_600_000 + 5 * 60_000 + 9000, '1:05:09'],
    [26 * 3_600_000, '26:00:00'],
  ];
  for (const [ms, want] of table) assert.equal(formatRemaining(ms), want, `formatRemaining(${ms})`);
});

test('msUntil applies the server clock skew', () => {
  const at = '2026-01-01T00:10:00.000Z';
  const now = Date.parse('2026-01-01T00:00:00.000Z');
  assert.equal(msUntil(at, now), 600_000);
  assert.equal(msUntil(at, now, 1000), 599_000); // server 1 s ahead: less time left
  assert.ok(Number.isNaN(msUntil('not a date', now)));
});

test('shouldWarn inside the warning window only', () => {
  assert.equal(shouldWarn(301_000, 300), false);
  assert.equal(shouldWarn(300_000, 300), true);
  assert.equal(shouldWarn(1, 300), true);
  assert.equal(shouldWarn(0, 300), false);
  assert.equal(shouldWarn(-1, 300), false);
  assert.equal(shouldWarn(Number.NaN, 300), false);
});

test('formatBytes', () => {
  const table: [number, string][] = [
    [0, '0 B'],
    [-1, '0 B'],
    [512, '512 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [512 * 1024 * 1024, '512 MiB'],
    [2 * 1024 ** 3, '2 GiB'],
    [1.25 * 1024 ** 3, '1.3 GiB'],
    [5 * 1024 ** 5, '5120 TiB'],
  ];
  for (const [bytes, want] of table) assert.equal(formatBytes(bytes), want, `formatBytes(${bytes})`);
});

test('usagePercent clamps and survives unknown limits', () => {
  assert.equal(usagePercent(50, 200), 25);
  assert.equal(usagePercent(300, 200), 100);
  assert.equal(usagePercent(-5, 200), 0);
  assert.equal(usagePercent(5, 0), 0);
  assert.equal(usagePercent(5, Number.NaN), 0);
  assert.equal(formatPercent(37.4), '37%');
  assert.equal(formatPercent(-3), '0%');
  assert.equal(usageLevel(10), 'ok');
  assert.equal(usageLevel(70), 'warn');
  assert.equal(usageLevel(95), 'critical');
});

test('durations read naturally in both languages', async () => {
  const { formatDuration, formatMoment } = await import('./format');
  assert.equal(formatDuration('en', 42), '42 s');
  assert.equal(formatDuration('en', 125), '2 min');
  assert.equal(formatDuration('en', 3600), '1 h');
  assert.equal(formatDuration('en', 3900), '1 h 5 min');
  assert.equal(formatDuration('ko', 42), '42초');
  assert.equal(formatDuration('ko', 3900), '1시간 5분');
  assert.equal(formatDuration('en', -5), '0 s');
  assert.equal(formatMoment('en', null), '');
  assert.equal(formatMoment('en', 'not a date'), '');
  assert.notEqual(formatMoment('ko', '2026-01-01T10:00:00.000Z'), '');
});
