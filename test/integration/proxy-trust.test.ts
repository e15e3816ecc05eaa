// Proxy trust through a real nginx (Debian's, on loopback ports): pier trusts only the
// address nginx connects from (127.0.0.2, by proxy_bind). A client talking to pier directly
// with a forged X-Forwarded-For / -Proto is taken at its socket's word; the same headers
// through nginx name the real client, https at nginx gives Secure cookies, per-client rate
// buckets stay apart, and a terminal WebSocket with the https origin opens through it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import type { SessionView } from '../../protocol/http.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { rootSuite } from '../helpers/root.js';
import { waitFor } from '../helpers/host.js';
import { sandboxesOfSession, testConfig } from '../helpers/playground.js';
import { freePort } from '../helpers/server-process.js';

/** The address nginx connects to pier from: the only trusted proxy. */
const NGINX_UPSTREAM_FROM = '127.0.0.2';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request from `localAddress` (so each test client has its own loopback address). */
function request(url: string, o: { method?: string; headers?: Record<string, string>; body?: unknown; localAddress: string }): Promise<Answer> {
  const u = new URL(url);
  const body = o.body === undefined ? undefined : JSON.stringify(o.body);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: o.method ?? 'GET',
        localAddress: o.localAddress,
        rejectUnauthorized: false,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }), ...o.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const cookieOf = (a: Answer): string => (a.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');

function nginxConfig(dir: string, httpPort: number, httpsPort: number, pierPort: number): string {
  return `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream pier { server 127.0.0.1:${pierPort}; }
  server {
    listen 127.0.0.1:${httpPort};
    listen 127.0.0.1:${httpsPort} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    location / {
      proxy_pass http://pier;
      proxy_bind ${NGINX_UPSTREAM_FROM};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;
      proxy_read_timeout 1h;
    }
  }
}
`;
}

/** Resolves once something accepts connections on 127.0.0.1:`port`, or rejects when `child` exits. */
async function listening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const up = () => new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
  const ok = await waitFor(async () => {
    if (child.exitCode !== null) throw new Error(`nginx exited ${child.exitCode}: ${log()}`);
    return up();
  }, 10_000, 25);
  assert.ok(ok, `nginx listens on ${port}: ${log()}`);
}

describe('proxy trust through a real nginx', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let dir: string;
  let nginx: ChildProcess;
  let pier: string;
  let viaHttp: string;
  let viaHttps: string;
  const lines: Record<string, unknown>[] = [];
  const created: { id: string; cookie: string }[] = [];
  /** The access-log line of the request answered with X-Request-Id `id`. */
  const lineOf = async (a: Answer): Promise<Record<string, unknown>> => {
    const id = a.headers['x-request-id'];
    assert.equal(typeof id, 'string', 'a request id came back');
    const find = () => lines.find((l) => (l.req as { id?: string } | undefined)?.id === id);
    assert.ok(await waitFor(() => find() !== undefined, 5000), `access line of ${String(id)}`);
    return find()!;
  };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pier-nginx-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`], { stdio: 'ignore' });
    const c = testConfig({ trustProxy: [`${NGINX_UPSTREAM_FROM}/32`], createRate: { ownerPerMinute: 5, ownerBurst: 3, addressPerMinute: 0.001, addressBurst: 1 }, logLevel: 'info' });
    cleanup = c.cleanup;
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split('\n')) if (l !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1', logger: pino({ level: 'info' }, sink) });
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    writeFileSync(`${dir}/nginx.conf`, nginxConfig(dir, httpPort, httpsPort, server.port));
    let out = '';
    nginx = spawn('nginx', ['-p', dir, '-c', `${dir}/nginx.conf`], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    await listening(httpPort, nginx, () => out);
    await listening(httpsPort, nginx, () => out);
    pier = `http://127.0.0.1:${server.port}`;
    viaHttp = `http://127.0.0.1:${httpPort}`;
    viaHttps = `https://127.0.0.1:${httpsPort}`;
  });

  after(async () => {
    for (const { id, cookie } of created) await request(`${pier}/api/sessions/${id}`, { method: 'DELETE', headers: { cookie }, localAddress: '127.0.0.1' });
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGQUIT');
      await exited;
    }
    await server?.close();
    cleanup?.();
    rmSync(dir, { recursive: true, force: true });
    for (const { id } of created) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
  });

  test('a forged X-Forwarded-For and -Proto from an untrusted peer are ignored', async () => {
    const a = await request(`${pier}/api/lessons`, { localAddress: '127.0.0.9', headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' } });
    assert.equal(a.status, 200);
    assert.equal((await lineOf(a)).client, '127.0.0.9', 'the socket address counts, not the forged header');
    const cookie = (a.headers['set-cookie'] ?? []).join('\n');
    assert.match(cookie, /pier_owner=/);
    assert.doesNotMatch(cookie, /Secure/, 'no Secure cookie for a forged https');
  });

  test('through nginx the real client address is used, even when the client forges one', async () => {
    const a = await request(`${viaHttp}/api/lessons`, { localAddress: '127.0.0.10', headers: { 'x-forwarded-for': '203.0.113.9' } });
    assert.equal(a.status, 200);
    const line = await lineOf(a);
    assert.equal(line.client, '127.0.0.10', 'nginx appended the address it saw; pier took the right-most untrusted one');
    assert.doesNotMatch((a.headers['set-cookie'] ?? []).join('\n'), /Secure/, 'plain http at nginx: no Secure');
  });

  test('https at nginx gives Secure cookies; clients behind nginx get their own create buckets', async () => {
    const first = await request(`${viaHttps}/api/sessions`, { method: 'POST', body: {}, localAddress: '127.0.0.11' });
    assert.equal(first.status, 201, first.body);
    const cookie = cookieOf(first);
    created.push({ id: (JSON.parse(first.body) as SessionView).id, cookie });
    assert.match((first.headers['set-cookie'] ?? []).join('\n'), /pier_owner=[^;]+; Path=\/; HttpOnly; SameSite=Lax;.*; Secure$/m);
    // addressBurst 1: the same client again is limited; another client is not.
    const again = await request(`${viaHttps}/api/sessions`, { method: 'POST', body: {}, headers: { cookie }, localAddress: '127.0.0.11' });
    assert.equal(again.status, 429, again.body);
    const other = await request(`${viaHttps}/api/sessions`, { method: 'POST', body: {}, localAddress: '127.0.0.12' });
    assert.equal(other.status, 201, `another client behind the proxy has its own bucket: ${other.body}`);
    created.push({ id: (JSON.parse(other.body) as SessionView).id, cookie: cookieOf(other) });
  });

  test('a terminal WebSocket opens through nginx with the https origin; another origin is refused', async () => {
    const { id, cookie } = created[0]!;
    const view = JSON.parse((await request(`${viaHttps}/api/sessions/${id}`, { headers: { cookie }, localAddress: '127.0.0.11' })).body) as SessionView;
    const terminal = view.nodes[0]!.terminals[0]!.id;
    const wsUrl = `${viaHttps.replace('https:', 'wss:')}/ws/terminals/${terminal}`;
    const open = (origin: string) => new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { origin, cookie }, rejectUnauthorized: false, localAddress: '127.0.0.11' });
      ws.on('open', () => (ws.close(), resolve(101)));
      ws.on('unexpected-response', (_q, res) => (res.resume(), ws.terminate(), resolve(res.statusCode ?? 0)));
      ws.on('error', (err) => (/Unexpected server response/.test(err.message) ? undefined : reject(err)));
    });
    assert.equal(await open(viaHttps), 101);
    assert.equal(await open('https://evil.example'), 403);
  });
});
