import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call } from './api-client';

test('calls wait for the first answer, so a first visit gets one owner cookie', async () => {
  const started: string[] = [];
  const answers = new Map<string, () => void>();
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((url: string) => {
    started.push(url);
    return new Promise<Response>((resolve) => answers.set(url, () => resolve(new Response('{}', { status: 200 }))));
  }) as typeof fetch;
  try {
    const first = call('GET', '/api/auth/me', null);
    const second = call('GET', '/api/me/sessions', null);
    const third = call('POST', '/api/sessions', null, {});
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(started, ['/api/auth/me'], 'only the first call is on the wire');
    answers.get('/api/auth/me')!();
    assert.equal((await first).ok, true);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(started.sort(), ['/api/auth/me', '/api/me/sessions', '/api/sessions']);
    answers.get('/api/me/sessions')!();
    answers.get('/api/sessions')!();
    assert.equal((await second).ok, true);
    assert.equal((await third).ok, true);
    // Afterwards calls go out at once.
    const later = call('GET', '/api/lessons', null);
    await new Promise((r) => setTimeout(r, 5));
    assert.equal(started.at(-1), '/api/lessons');
    answers.get('/api/lessons')!();
    await later;
  } finally {
    globalThis.fetch = realFetch;
  }
});
