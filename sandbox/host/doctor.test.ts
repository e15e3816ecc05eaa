import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runcHasProcRaceFixes } from './doctor.js';

test('runc versions with and without the 2025 /proc race fixes', () => {
  const cases: [number[], boolean][] = [
    [[1, 1, 5], false],
    [[1, 1, 15], false],
    [[1, 2, 7], false],
    [[1, 2, 8], true],
    [[1, 3, 2], false],
    [[1, 3, 3], true],
    [[1, 4, 0], true],
    [[1, 5, 1], true],
  ];
  for (const [v, want] of cases) assert.equal(runcHasProcRaceFixes(v), want, v.join('.'));
});
