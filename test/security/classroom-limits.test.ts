// Guessing is rate-limited, against a real server: a burst of wrong passwords ends in 429 and
// then even the right password waits; a burst of made-up join codes (preview and join) ends
// in 429 and then even the real code waits, so neither can be guessed at network speed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, type ClassView } from '../../protocol/classroom.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { testConfig } from '../helpers/playground.js';
import { ADMIN_PASSWORD, ClassroomClient, LESSON_A, createClass, setupAdmin } from '../../e2e/helpers/classroom.js';

/** Attempts a burst may take before the server must have said 429. */
const MAX_TRIES = 100;

/** A join code of the right shape that is (almost surely) nobody's. */
function madeUpCode(): string {
  return Array.from({ length: JOIN_CODE_LENGTH }, () => JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)]).join('');
}

/** Calls `attempt` until it answers 429; returns how many calls that took (MAX_TRIES + 1: never). */
async function triesUntil429(attempt: () => Promise<number>, allowed: number[]): Promise<{ tries: number; statuses: Set<number> }> {
  const statuses = new Set<number>();
  for (let i = 1; i <= MAX_TRIES; i++) {
    const status = await attempt();
    statuses.add(status);
    if (status === 429) return { tries: i, statuses };
    assert.ok(allowed.includes(status), `attempt ${i} answered ${status}`);
  }
  return { tries: MAX_TRIES + 1, statuses };
}

describe('classroom rate limits (acceptance 2)', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let cleanup: () => void;
  let base = '';
  let klass: ClassView;

  before(async () => {
    const c = testConfig({});
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    base = `http://127.0.0.1:${server.port}`;
    // Set-up changes state too: another site's page cannot make the first account.
    const cross = await new ClassroomClient(base).call('POST', '/api/auth/setup', { username: 'evil-admin', password: 'evil-password-1' }, { origin: 'http://evil.example' });
    assert.equal(cross.status, 403, `a cross-site set-up answered ${cross.status}`);
    const admin = await setupAdmin(base);
    klass = await createClass(admin.client, 'Rate limits', [LESSON_A]);
  });
  after(async () => {
    await server?.close();
    cleanup?.();
  });

  test('sign-in: wrong passwords end in 429, and then the right one is refused too', async () => {
    const guesser = new ClassroomClient(base);
    const r = await triesUntil429(async () => (await guesser.call('POST', '/api/auth/sign-in', { username: 'admin', password: `guess-${randomInt(1e9)}` })).status, [401]);
    assert.ok(r.tries <= MAX_TRIES, `${MAX_TRIES} wrong passwords in a row, never a 429 (answers: ${[...r.statuses].join(', ')})`);
    assert.ok(r.statuses.has(401), 'the first guesses were really checked (401)');
    const right = await new ClassroomClient(base).call('POST', '/api/auth/sign-in', { username: 'admin', password: ADMIN_PASSWORD });
    assert.equal(right.status, 429, 'while blocked, the right password signs in: the guessing could go on');
  });

  test('join preview: made-up codes end in 429, and then the real code waits too', async () => {
    const guesser = new ClassroomClient(base);
    const r = await triesUntil429(async () => (await guesser.call('GET', `/api/join/${madeUpCode()}`)).status, [404]);
    assert.ok(r.tries <= MAX_TRIES, `${MAX_TRIES} made-up codes, never a 429 (answers: ${[...r.statuses].join(', ')})`);
    assert.ok(r.statuses.has(404), 'the first guesses were really looked up (404)');
    const real = await new ClassroomClient(base).call('GET', `/api/join/${klass.joinCode}`);
    assert.equal(real.status, 429, 'while blocked, the real code answers: guessing could tell hits from misses');
  });

  test('joining: made-up codes end in 429', async () => {
    const guesser = new ClassroomClient(base);
    const r = await triesUntil429(async () => (await guesser.call('POST', '/api/join', { code: madeUpCode(), displayName: 'Guesser' })).status, [404]);
    assert.ok(r.tries <= MAX_TRIES, `${MAX_TRIES} joins with made-up codes, never a 429 (answers: ${[...r.statuses].join(', ')})`);
  });
});
