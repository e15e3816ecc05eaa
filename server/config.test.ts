import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, parseSize, parseDuration, ConfigError } from './config.js';

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

test('durations read as admins write them, into milliseconds', () => {
  const cases: [string, number | null][] = [
    ['90s', 90_000],
    ['30m', 30 * 60_000],
    ['2h', 2 * 3_600_000],
    ['1.5h', 1.5 * 3_600_000],
    ['1d', 86_400_000],
    ['500ms', 500],
    ['45', 45_000],
    ['soon', null],
    ['-5m', null],
    ['', null],
  ];
  for (const [input, want] of cases) assert.equal(parseDuration(input), want, input);
});

test('session settings have defaults and read PIER_* variables', () => {
  const d = loadConfig({} as NodeJS.ProcessEnv);
  assert.equal(d.sessionLifetime, 2 * 3_600_000);
  assert.equal(d.sessionExtension, 30 * 60_000);
  assert.equal(d.sessionMaxLifetime, 4 * 3_600_000);
  assert.equal(d.sessionIdle, 30 * 60_000);
  assert.equal(d.sessionWarnBefore, 5 * 60_000);
  assert.equal(d.maxSessions, 200);
  assert.equal(d.maxSessionsPerOwner, 3);
  assert.deepEqual(d.createRate, { ownerPerMinute: 5, ownerBurst: 3, addressPerMinute: 60, addressBurst: 30 });
  assert.equal(d.database, '');
  const c = loadConfig({ PIER_SESSION_LIFETIME: '45m', PIER_SESSION_IDLE: '600', PIER_MAX_SESSIONS: '50', PIER_DATABASE: '/tmp/x.db', PIER_LOG_LEVEL: 'debug' } as NodeJS.ProcessEnv);
  assert.equal(c.sessionLifetime, 45 * 60_000);
  assert.equal(c.sessionIdle, 600_000);
  assert.equal(c.maxSessions, 50);
  assert.equal(c.database, '/tmp/x.db');
  assert.equal(c.logLevel, 'debug');
  assert.throws(() => loadConfig({ PIER_SESSION_IDLE: 'later' } as NodeJS.ProcessEnv), (err: unknown) => err instanceof ConfigError && /sessionIdle/.test(err.message));
});

test('openPlayground is on by default and PIER_OPEN_PLAYGROUND turns it off', () => {
  assert.equal(loadConfig({ PIER_CONFIG: undefined } as NodeJS.ProcessEnv).openPlayground, true);
  for (const off of ['false', '0', 'no', 'off']) assert.equal(loadConfig({ PIER_OPEN_PLAYGROUND: off } as NodeJS.ProcessEnv).openPlayground, false, off);
  assert.throws(() => loadConfig({ PIER_OPEN_PLAYGROUND: 'maybe' } as NodeJS.ProcessEnv), /openPlayground/);
});
