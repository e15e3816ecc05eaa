import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkHost, runcHasProcRaceFixes } from './doctor.js';

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

test('doctor names the static bash lesson scripts run under', async () => {
  const c = (await checkHost('/var/lib/pier')).find((x) => x.name === 'bash-static');
  assert.ok(c, 'a bash-static check is listed');
  assert.deepEqual([c.status, c.detail], ['ok', '/usr/bin/bash-static']);
});
