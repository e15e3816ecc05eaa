import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, parseSize, ConfigError } from './config.js';

test('parseSize reads the sizes admins write', () => {
  const cases: [string, number | null][] = [
    ['512m', 512 * 1024 ** 2],
    ['2G', 2 * 1024 ** 3],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['64k', 64 * 1024],
    ['100', 100],
    ['100b', 100],
    ['lots', null],
    ['-1m', null],
    ['', null],
  ];
  for (const [input, want] of cases) assert.equal(parseSize(input), want, input);
});

test('defaults apply when nothing is configured', () => {
  const c = loadConfig({ PIER_CONFIG: undefined } as NodeJS.ProcessEnv);
  assert.equal(c.port, 3000);
  assert.equal(c.outbound, false);
  assert.equal(c.limits.memory, 512 * 1024 ** 2);
  assert.equal(c.subnetPool, '10.87.0.0/16');
});

test('environment variables override, with types coerced', () => {
  const c = loadConfig({ PIER_PORT: '8080', PIER_OUTBOUND: 'yes', PIER_STATE_DIR: '/srv/pier' } as NodeJS.ProcessEnv);
  assert.equal(c.port, 8080);
  assert.equal(c.outbound, true);
  assert.equal(c.stateDir, '/srv/pier');
});

test('invalid values are refused with every bad field named', () => {
  assert.throws(
    () => loadConfig({ PIER_PORT: 'http', PIER_STATE_DIR: 'relative/dir' } as NodeJS.ProcessEnv),
    (err: unknown) => err instanceof ConfigError && /port/.test(err.message) && /stateDir/.test(err.message),
  );
});

test('a named config file that does not exist is an error', () => {
  assert.throws(() => loadConfig({ PIER_CONFIG: '/nonexistent/pier.json' } as NodeJS.ProcessEnv), /no such file/);
});
