import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { SandboxError } from '../../sandbox/index.js';
import type { SessionView } from '../../protocol/http.js';
import { ServerError } from '../errors.js';
import { createApi, type ApiSessions } from './api.js';
import { OWNER_COOKIE, signOwner } from './owner-cookie.js';
import { PORT_TOKEN_PARAM, PORT_TOKEN_TTL_S, verifyPortGrant } from './port-token.js';
import { CreateLimiter } from './rate-limit.js';
import { createRequestHandler } from './request-handler.js';

const secret = Buffer.alloc(32, 1);
const ID = 'a'.repeat(32);
const VIEW: SessionView = {
  id: ID,
  createdAt: '2026-01-01T00:00:00.000Z',
  expiresAt: '2026-01-01T02:00:00.000Z',
  warnBeforeSeconds: 300,
  serverTime: '2026-01-01T00:00:00.000Z',
  idleEndsAt: null,
  idleTimeoutSeconds: 1800,
  canExtend: true,
  lessonId: null,
  nodes: [],
  maxNodes: 5,
  internet: false,
};

/** Calls the fake received, as `method(args…)`. */
const calls: string[] = [];
let failWith: unknown = null;
const fake: ApiSessions = {
  async create(owner, request) {
    calls.push(`create(${owner.length},${JSON.stringify(request)})`);
    if (failWith) throw failWith;
    return VIEW;
  },
  async view(id, owner) {
    calls.push(`view(${id})`);
    if (owner !== 'f'.repeat(32)) throw new ServerError('SESSION_NOT_FOUND', 'not theirs');
    return VIEW;
  },
  endByOwner: async (id) => void calls.push(`end(${id})`),
  extend: async (id) => (calls.push(`extend(${id})`), VIEW),
  addNode: async () => {
    throw new ServerError('NODE_LIMIT', 'full');
  },
  resetNode: async (id, _o, node) => {
    calls.push(`reset(${id},${node})`);
    throw new SandboxError('RUNC_FAILED', 'runc said: secret detail /var/lib/pier/…');
  },
  newTerminal: async (id, _o, node) => ({ id: 'b'.repeat(32), node, title: node, createdAt: VIEW.createdAt }),
  closeTerminal: async () => undefined,
  requireNode(id, owner, node) {
    calls.push(`requireNode(${id},${node})`);
    if (owner !== 'f'.repeat(32)) throw new ServerError('SESSION_NOT_FOUND', 'not theirs');
    if (node !== 'node1') throw new ServerError('NODE_NOT_FOUND', 'no such node');
  },
};

let server: http.Server;
let base: string;
const owner = `${OWNER_COOKIE}=${signOwner('f'.repeat(32), secret)}`;

before(async () => {
  const log = pino({ level: 'silent' });
  const api = createApi({ sessions: fake, limiter: new CreateLimiter({ ownerPerMinute: 1, ownerBurst: 2, addressPerMinute: 1000, addressBurst: 1000 }), secret, log });
  server = http.createServer(createRequestHandler({ api, log }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

async function call(method: string, path: string, init: { body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(base + path, { method, headers: { cookie: owner, ...init.headers }, body: init.body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as { error?: { code: string; message: string } }) : undefined };
}

test('requests are validated before the session core is called', async () => {
  calls.length = 0;
  const json = { 'content-type': 'application/json' };
  const cases: [string, string, { body?: string; headers?: Record<string, string> }, number, string][] = [
    ['POST', '/api/sessions', { body: '{', headers: json }, 400, 'INVALID_JSON'],
    ['POST', '/api/sessions', { body: '{"lessonId":"x","extra":1}', headers: json }, 400, 'INVALID_REQUEST'],
    ['POST', '/api/sessions', { body: '[]', headers: json }, 400, 'INVALID_REQUEST'],
    ['POST', '/api/sessions', { body: JSON.stringify({ lessonId: 'x'.repeat(101) }), headers: json }, 400, 'INVALID_REQUEST'],
    ['POST', '/api/sessions', { body: 'x'.repeat(17 * 1024), headers: json }, 413, 'PAYLOAD_TOO_LARGE'],
    ['POST', '/api/sessions', { body: '{}', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['POST', `/api/sessions/${ID}/extend`, { body: '{"minutes":600}', headers: json }, 400, 'INVALID_REQUEST'],
    ['GET', '/api/sessions/NOT-AN-ID', {}, 404, 'SESSION_NOT_FOUND'],
    ['POST', `/api/sessions/${ID}/nodes/node0/reset`, {}, 404, 'NODE_NOT_FOUND'],
    ['POST', `/api/sessions/${ID}/nodes/..%2f..%2fetc/reset`, {}, 404, 'NODE_NOT_FOUND'],
    ['DELETE', `/api/sessions/${ID}/terminals/xyz`, {}, 404, 'TERMINAL_NOT_FOUND'],
    ['POST', `/api/sessions/${ID}/nodes/node1/ports/0/link`, {}, 404, 'NOT_FOUND'],
    ['POST', `/api/sessions/${ID}/nodes/node1/ports/080/link`, {}, 404, 'NOT_FOUND'],
    ['POST', `/api/sessions/${ID}/nodes/node1/ports/65536/link`, {}, 404, 'NOT_FOUND'],
    ['POST', `/api/sessions/${ID}/nodes/nodeX/ports/80/link`, {}, 404, 'NODE_NOT_FOUND'],
    ['POST', `/api/sessions/${ID}/nodes/node1/ports/80/link`, { body: '{"ttl":3600}', headers: json }, 400, 'INVALID_REQUEST'],
    ['GET', `/api/sessions/${ID}/nodes/node1/ports/80/link`, {}, 405, 'METHOD_NOT_ALLOWED'],
    ['GET', '/api/unknown', {}, 404, 'NOT_FOUND'],
    ['PATCH', '/api/sessions', {}, 405, 'METHOD_NOT_ALLOWED'],
  ];
  for (const [method, path, init, status, code] of cases) {
    const r = await call(method, path, init);
    assert.equal(r.status, status, `${method} ${path}`);
    assert.equal(r.json?.error?.code, code, `${method} ${path}`);
  }
  assert.deepEqual(calls, [], 'nothing reached the session core');
});

test('valid requests reach one session method and answer its result', async () => {
  calls.length = 0;
  const created = await call('POST', '/api/sessions', { body: '{"lessonId":"namespaces-uts"}', headers: { 'content-type': 'application/json' } });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get('cache-control'), 'no-store');
  assert.equal((await call('GET', `/api/sessions/${ID}`)).status, 200);
  assert.equal((await call('HEAD', `/api/sessions/${ID}`)).status, 200);
  assert.equal((await call('DELETE', `/api/sessions/${ID}`)).status, 204);
  assert.equal((await call('POST', `/api/sessions/${ID}/extend`)).status, 200, 'no body is fine');
  assert.equal((await call('POST', `/api/sessions/${ID}/nodes/node2/terminals`, { body: '{}', headers: { 'content-type': 'application/json' } })).status, 201);
  assert.deepEqual(calls, ['create(32,{"lessonId":"namespaces-uts","address":"127.0.0.1"})', `view(${ID})`, `view(${ID})`, `end(${ID})`, `extend(${ID})`]);
});

test('errors answer their status and user message, never a stack or a detail', async () => {
  const limit = await call('POST', `/api/sessions/${ID}/nodes`);
  assert.equal(limit.status, 409);
  assert.equal(limit.json?.error?.code, 'NODE_LIMIT');
  const failed = await call('POST', `/api/sessions/${ID}/nodes/node1/reset`);
  assert.equal(failed.status, 500);
  assert.equal(failed.json?.error?.code, 'RUNC_FAILED');
  assert.ok(!JSON.stringify(failed.json).includes('secret detail'));
  failWith = new Error('unexpected: at Object.<anonymous> (/work/main/server/x.ts:1:1)');
  const bug = await call('POST', '/api/sessions', { body: '{}', headers: { 'content-type': 'application/json' } });
  failWith = null;
  assert.equal(bug.status, 500);
  assert.deepEqual(bug.json, { error: { code: 'INTERNAL', message: 'Something went wrong on the server.' } });
});

test('a browser without a valid cookie gets a new owner, and 404 for sessions of others', async () => {
  const res = await fetch(`${base}/api/sessions/${ID}`, { headers: { cookie: `${OWNER_COOKIE}=${'f'.repeat(32)}.forged` } });
  assert.equal(res.status, 404);
  const set = res.headers.getSetCookie()[0] ?? '';
  assert.match(set, new RegExp(`^${OWNER_COOKIE}=[0-9a-f]{32}\\.`));
  assert.ok(!set.startsWith(`${OWNER_COOKIE}=${'f'.repeat(32)}`), 'a forged id is not adopted');
  const withValid = await fetch(`${base}/api/sessions/${ID}`, { headers: { cookie: owner } });
  assert.equal(withValid.headers.getSetCookie().length, 0, 'a valid cookie is not replaced');
});

test('state-changing requests from another site are refused', async () => {
  const r = await call('DELETE', `/api/sessions/${ID}`, { headers: { origin: 'https://evil.example' } });
  assert.equal(r.status, 403);
  assert.equal(r.json?.error?.code, 'FORBIDDEN_ORIGIN');
  assert.equal((await call('GET', `/api/sessions/${ID}`, { headers: { origin: 'https://evil.example' } })).status, 200, 'reads are not state changes');
});

test('session creation is rate limited with Retry-After', async () => {
  const cookie = `${OWNER_COOKIE}=${signOwner('e'.repeat(32), secret)}`;
  const post = () => call('POST', '/api/sessions', { headers: { cookie } });
  assert.deepEqual([(await post()).status, (await post()).status], [201, 201]);
  const limited = await post();
  assert.equal(limited.status, 429);
  assert.equal(limited.json?.error?.code, 'RATE_LIMITED');
  assert.equal(limited.headers.get('retry-after'), '60');
  assert.equal((await call('GET', '/healthz')).status, 200);
});

test('paths outside the API answer 404 when no pages are mounted', async () => {
  const r = await call('GET', '/some/page');
  assert.equal(r.status, 404);
  assert.equal(r.json?.error?.code, 'NOT_FOUND');
});

/** A POST with an explicit Host header (fetch does not let one set it). */
function postWithHost(path: string, host: string, cookie = owner): Promise<{ status: number; body: { url?: string; error?: { code: string } } }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: 'POST', headers: { host, cookie }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { url?: string; error?: { code: string } } }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the owner gets a port link on its own host; its token is for exactly that port, for a minute', async () => {
  calls.length = 0;
  const before = Date.now();
  const r = await postWithHost(`/api/sessions/${ID}/nodes/node1/ports/8080/link`, 'Localhost:3000');
  assert.equal(r.status, 200);
  const url = new URL(r.body.url ?? '');
  assert.equal(url.protocol, 'http:');
  assert.equal(url.host, `${ID}-node1-8080.localhost:3000`);
  assert.equal(url.pathname, '/');
  assert.deepEqual([...url.searchParams.keys()], [PORT_TOKEN_PARAM]);
  const token = url.searchParams.get(PORT_TOKEN_PARAM) ?? '';
  const check = verifyPortGrant('token', token, secret, { session: ID, node: 'node1', port: 8080 }, Date.now());
  assert.ok(check.ok, JSON.stringify(check));
  assert.equal(check.grant.owner, 'f'.repeat(32));
  assert.ok(check.grant.exp * 1000 <= Date.now() + PORT_TOKEN_TTL_S * 1000 && check.grant.exp * 1000 >= before + (PORT_TOKEN_TTL_S - 1) * 1000);
  assert.equal(verifyPortGrant('cookie', token, secret, { session: ID, node: 'node1', port: 8080 }, Date.now()).ok, false, 'a token is not a cookie');
  assert.deepEqual(calls, [`requireNode(${ID},node1)`]);

  const other = `${OWNER_COOKIE}=${signOwner('e'.repeat(32), secret)}`;
  const refused = await postWithHost(`/api/sessions/${ID}/nodes/node1/ports/8080/link`, 'localhost:3000', other);
  assert.equal(refused.status, 404, 'not the owner');
  assert.equal(refused.body.error?.code, 'SESSION_NOT_FOUND');
  assert.equal((await postWithHost(`/api/sessions/${ID}/nodes/node1/ports/8080/link`, 'localhost:3000', '')).status, 404, 'no cookie');
  for (const host of ['127.0.0.1:3000', '[::1]:3000', 'bad_host:1', 'a..b']) {
    const ip = await postWithHost(`/api/sessions/${ID}/nodes/node1/ports/8080/link`, host);
    assert.equal(ip.status, 409, host);
    assert.equal(ip.body.error?.code, 'SUBDOMAIN_UNAVAILABLE', host);
  }
});
