import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import type { ProxyAddress } from '../proxy/index.js';
import { OWNER_COOKIE, signOwner } from './owner-cookie.js';
import { createPortAccess, type PortAccessSessions } from './port-access.js';
import { PORT_COOKIE, PORT_TOKEN_PARAM, newPortGrant, signPortGrant, verifyPortGrant, type PortAddress } from './port-token.js';

const secret = Buffer.alloc(32, 3);
const S = 'a'.repeat(32);
const S_ENDED = 'b'.repeat(32);
const OWNER = 'f'.repeat(32);
const OTHER = 'e'.repeat(32);
let now = Date.UTC(2026, 2, 1);

/** alice (OWNER) owns S (node1 running at 10.87.0.34) and S_ENDED. */
const sessions: PortAccessSessions = {
  ownership: (id, owner) => (owner !== OWNER ? null : id === S ? 'live' : id === S_ENDED ? 'ended' : null),
  proxyTarget: (id, owner, node) => (id === S && owner === OWNER && node === 'node1' ? { host: '10.87.0.34' } : null),
};
const refusals: string[] = [];
const access = createPortAccess({ sessions, secret, now: () => now, onRefused: (f) => refusals.push(f.reason) });

const sub = (port = 8080, session = S, node = 'node1'): ProxyAddress => ({ form: 'subdomain', session, node, port, prefix: '', upstreamPath: '/' });
const req = (headers: Record<string, string>): IncomingMessage => ({ headers, socket: {} }) as unknown as IncomingMessage;
const grant = (kind: 'token' | 'cookie', address: PortAddress, owner = OWNER) => signPortGrant(kind, newPortGrant(kind, address, owner, now), secret);
const cookieFor = (address: PortAddress, owner = OWNER) => `${PORT_COOKIE}=${grant('cookie', address, owner)}`;

test('path form: the owner cookie, 404 for anyone else', async () => {
  const path: ProxyAddress = { ...sub(), form: 'path', prefix: `/p/${S}/node1/8080` };
  const owner = `${OWNER_COOKIE}=${signOwner(OWNER, secret)}`;
  assert.deepEqual(await access.resolve(req({ cookie: owner }), path), { host: '10.87.0.34', port: 8080 });
  const other = `${OWNER_COOKIE}=${signOwner(OTHER, secret)}`;
  assert.equal(((await access.resolve(req({ cookie: other }), path)) as { status?: number }).status, 404);
  assert.deepEqual(await access.resolve(req({}), path), { status: 404, message: 'No such playground node, or it is not yours.' });
  // A port cookie is no use on the path form.
  assert.equal('status' in (await access.resolve(req({ cookie: cookieFor(sub()) }), path)), true);
});

test('subdomain form: the port cookie of exactly that port; the owner cookie is not enough', async () => {
  refusals.length = 0;
  assert.deepEqual(await access.resolve(req({ cookie: cookieFor(sub()) }), sub()), { host: '10.87.0.34', port: 8080 });
  const refusedWith = async (headers: Record<string, string>, address = sub()) => {
    const r = await access.resolve(req(headers), address);
    return 'status' in r ? `${r.status} ${r.code ?? ''}`.trim() : 'target';
  };
  assert.equal(await refusedWith({}), '403 PROXY_LINK_INVALID');
  assert.equal(await refusedWith({ cookie: `${OWNER_COOKIE}=${signOwner(OWNER, secret)}` }), '403 PROXY_LINK_INVALID');
  assert.equal(await refusedWith({ cookie: cookieFor(sub(8081)) }), '403 PROXY_LINK_INVALID', 'another port');
  assert.equal(await refusedWith({ cookie: cookieFor(sub(8080, S, 'node2')) }), '403 PROXY_LINK_INVALID', 'another node');
  assert.equal(await refusedWith({ cookie: `${PORT_COOKIE}=${grant('token', sub())}` }), '403 PROXY_LINK_INVALID', 'a token as a cookie');
  assert.equal(await refusedWith({ cookie: `${PORT_COOKIE}=garbage` }), '403 PROXY_LINK_INVALID');
  assert.deepEqual(refusals, ['missing', 'missing', 'address', 'address', 'signature', 'malformed']);
  // A look-alike cookie set by a page does not hide the real one.
  assert.equal(await refusedWith({ cookie: `${PORT_COOKIE}=junk; ${cookieFor(sub())}` }), 'target');
});

test('subdomain form: the cookie expires, and ownership is re-checked on every request', async () => {
  const cookie = cookieFor(sub());
  const saved = now;
  now += 12 * 3600 * 1000;
  assert.equal(((await access.resolve(req({ cookie }), sub())) as { code?: string }).code, 'PROXY_LINK_INVALID', 'expired after 12 h');
  now = saved;
  // A cookie made for another owner (e.g. before the session changed hands) is refused.
  assert.equal(((await access.resolve(req({ cookie: cookieFor(sub(), OTHER) }), sub())) as { status: number }).status, 403);
  // The session ended: 404 "it has ended".
  assert.deepEqual(await access.resolve(req({ cookie: cookieFor(sub(8080, S_ENDED)) }), sub(8080, S_ENDED)), { status: 404, message: 'This playground has ended.' });
  // A node that does not run: 404.
  assert.equal(((await access.resolve(req({ cookie: cookieFor(sub(8080, S, 'node3')) }), sub(8080, S, 'node3'))) as { status: number }).status, 404);
});

test('subdomain upgrades: only from the subdomain itself, another port of the same session, or no Origin', async () => {
  const cookie = cookieFor(sub());
  const host = `${S}-node1-8080.localhost:3000`;
  const upgrade = (origin?: string) => access.resolve(req({ cookie, host, upgrade: 'websocket', ...(origin === undefined ? {} : { origin }) }), sub());
  for (const origin of [undefined, `http://${host}`, `http://${S}-node2-5173.localhost:3000`]) {
    assert.deepEqual(await upgrade(origin), { host: '10.87.0.34', port: 8080 }, String(origin));
  }
  for (const origin of [`http://${'c'.repeat(32)}-node1-80.localhost:3000`, 'http://localhost:3000', 'https://evil.example', 'null']) {
    assert.equal(((await upgrade(origin)) as { status?: number }).status, 403, origin);
  }
});

test('sign-in: a valid token gives the subdomain cookie; bad, expired or foreign tokens a 403', async () => {
  assert.equal(access.signIn.param, PORT_TOKEN_PARAM);
  const ok = await access.signIn.exchange(grant('token', sub()), sub(), req({}));
  assert.ok('setCookie' in ok, JSON.stringify(ok));
  const m = /^pier_port=([^;]+); Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/.exec(ok.setCookie);
  assert.ok(m, ok.setCookie);
  const check = verifyPortGrant('cookie', m[1] ?? '', secret, sub(), now);
  assert.ok(check.ok && check.grant.owner === OWNER && check.grant.exp === now / 1000 + 12 * 3600);
  const secure = await access.signIn.exchange(grant('token', sub()), sub(), { headers: {}, socket: { encrypted: true } } as unknown as IncomingMessage);
  assert.match((secure as { setCookie: string }).setCookie, /; Secure$/);

  const refusedCode = async (token: string, address = sub()) => {
    const r = await access.signIn.exchange(token, address, req({}));
    return 'status' in r ? `${r.status} ${r.code ?? ''}`.trim() : 'cookie';
  };
  assert.equal(await refusedCode(grant('token', sub(8081))), '403 PROXY_LINK_INVALID', 'another port');
  assert.equal(await refusedCode(grant('token', sub(8080, 'c'.repeat(32)))), '403 PROXY_LINK_INVALID', 'another session');
  assert.equal(await refusedCode(grant('cookie', sub())), '403 PROXY_LINK_INVALID', 'a cookie as a token');
  assert.equal(await refusedCode(grant('token', sub(), OTHER)), '403 PROXY_LINK_INVALID', 'not the owner (any more)');
  assert.equal(await refusedCode(grant('token', sub(8080, S_ENDED)), sub(8080, S_ENDED)), '404', 'the session ended');
  assert.equal(await refusedCode(grant('token', sub(8080, S, 'node3')), sub(8080, S, 'node3')), 'cookie', 'a stopped node: its page explains');
  const old = grant('token', sub());
  now += 60_000;
  assert.equal(await refusedCode(old), '403 PROXY_LINK_INVALID', 'expired after 60 s');
  now -= 60_000;
});
