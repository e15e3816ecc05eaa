import { test } from 'node:test';
import assert from 'node:assert/strict';
import { originMatchesHost } from './origin.js';

test('an Origin matches only its own host and port', () => {
  const cases: [string, string | undefined, boolean][] = [
    ['http://localhost:3000', 'localhost:3000', true],
    ['http://LOCALHOST:3000', 'localhost:3000', true],
    ['https://pier.example.org', 'pier.example.org', true],
    ['https://pier.example.org:443', 'pier.example.org', true],
    ['http://pier.example.org', 'pier.example.org:80', true],
    ['http://127.0.0.1:3000', '127.0.0.1:3000', true],
    ['http://[::1]:3000', '[::1]:3000', true],
    ['http://evil.example', 'localhost:3000', false],
    ['http://localhost:3001', 'localhost:3000', false],
    ['http://localhost.evil.example:3000', 'localhost:3000', false],
    ['https://pier.example.org', 'pier.example.org:8443', false],
    ['null', 'localhost:3000', false],
    ['file://', 'localhost:3000', false],
    ['http://localhost:3000', undefined, false],
    ['http://localhost:3000', '', false],
    ['http://localhost:3000', 'localhost:3000/evil', false],
  ];
  for (const [origin, host, want] of cases) assert.equal(originMatchesHost(origin, host), want, `${origin} vs ${host}`);
});
