import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { NOT_FOUND_PAGE, gateUnknownPage, playSessionId } from './page-gate.js';

const id = 'a'.repeat(32);

test('only well-formed /play/<id> addresses are gated', () => {
  assert.equal(playSessionId(`/play/${id}`), id);
  assert.equal(playSessionId(`/play/${id}/`), id);
  assert.equal(playSessionId('/play/not-an-id'), null, 'Next already 404s a malformed id');
  assert.equal(playSessionId(`/play/${id}/more`), null);
  assert.equal(playSessionId('/lessons/intro'), null);
});

test('an unknown session id goes to the not-found page; a known one (any owner, ended too) is left alone', () => {
  const known = new Set([id]);
  const unknownReq = { url: `/play/${'b'.repeat(32)}?_rsc=1` } as IncomingMessage;
  assert.equal(gateUnknownPage(unknownReq, `/play/${'b'.repeat(32)}`, (s) => known.has(s)), true);
  assert.equal(unknownReq.url, NOT_FOUND_PAGE);
  const knownReq = { url: `/play/${id}` } as IncomingMessage;
  assert.equal(gateUnknownPage(knownReq, `/play/${id}`, (s) => known.has(s)), false);
  assert.equal(knownReq.url, `/play/${id}`);
});
