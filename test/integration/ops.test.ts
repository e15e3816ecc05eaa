// Operations endpoints against a real server and real sandboxes: config errors of the ops
// keys, /healthz, /readyz turning 503 at capacity and when the image is missing, /metrics
// holding each metric with real values after real sessions, its access rule, and one
// access-log line per request with a request id.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { SessionView } from '../../protocol/http.js';
import type { CheckResult, LessonState } from '../../protocol/lesson.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { openRuntime } from '../../server/runtime.js';
import { createReadiness } from '../../server/ops/readiness.js';
import { createOpsRoutes } from '../../server/ops/routes.js';
import { readHeadroom } from '../../server/ops/host.js';
import { rootSuite } from '../helpers/root.js';
import { waitFor } from '../helpers/host.js';
import { writeLesson } from '../helpers/lesson-fixture.js';
import { Browser, TerminalClient, sandboxesOfSession, testConfig } from '../helpers/playground.js';

type Ready = { status: string; reasons: string[]; checks: Record<string, { ok: boolean; detail: string }> };

describe('ops config', () => {
  const bad = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      return err;
    }
    return null;
  };
  test('trustProxy takes addresses and CIDRs and names a bad entry; metricsToken must be long', () => {
    const ok = loadConfig({ PIER_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1,fd00::/8' });
    assert.deepEqual(ok.trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const entry of ['10.0.0.0/33', 'proxy.school', '1.2.3.4/8/1']) {
      const err = bad({ PIER_TRUST_PROXY: entry });
      assert.ok(err instanceof ConfigError, `${entry} refused`);
      assert.match(err.message, /trustProxy: not an IP address or CIDR/);
    }
    const err = bad({ PIER_METRICS_TOKEN: 'short' });
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /metricsToken: must be empty or at least 16 characters/);
  });
});

describe('ops endpoints', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let base: string;
  let fixtures: string;
  let alice: Browser;
  const logLines: Record<string, unknown>[] = [];
  const created: string[] = [];

  before(async () => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'pier-ops-lessons-'));
    writeLesson(fixtures, 'ops-check', 'title: Ops check\ndescription: One checked step\ntime: 1\nsteps:\n  - title: Make a file\n', {
      'step1.md': 'Run `touch /root/one`\n',
      'step1.check.sh': '#!/bin/bash\n[ -e /root/one ] || { echo "FAIL: /root/one is missing"; exit 1; }\n',
      'step1.solution.sh': '#!/bin/bash\ntouch /root/one\n',
    });
    const c = testConfig({ lessonDirs: [fixtures], maxSessions: 1, logLevel: 'info' });
    cleanup = c.cleanup;
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1', logger: pino({ level: 'info' }, sink) });
    base = `http://127.0.0.1:${server.port}`;
    alice = new Browser(base);
  });

  after(async () => {
    for (const id of created) await alice.call('DELETE', `/api/sessions/${id}`); // 404 for those ended in the test
    await server?.close();
    cleanup?.();
    rmSync(fixtures, { recursive: true, force: true });
    for (const id of created) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
  });

  test('/healthz answers while the process lives; /readyz is ready with every check named', async () => {
    const h = await fetch(`${base}/healthz`);
    assert.equal(h.status, 200);
    assert.equal(((await h.json()) as { status: string }).status, 'ok');
    const r = await fetch(`${base}/readyz`);
    const body = (await r.json()) as Ready;
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.deepEqual(Object.keys(body.checks).sort(), ['capacity', 'database', 'image', 'runtime']);
    assert.match(body.checks.capacity!.detail, /^0 of 1 sessions/);
    assert.equal((await fetch(`${base}/readyz`, { method: 'POST' })).status, 405);
  });

  test('a real session with a terminal and a check: /readyz says full (503), /metrics counts it all', async () => {
    const r = await alice.call<SessionView>('POST', '/api/sessions', { lessonId: 'ops-check' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const session = r.body;
    created.push(session.id);
    const full = await fetch(`${base}/readyz`);
    const body = (await full.json()) as Ready;
    assert.equal(full.status, 503);
    assert.equal(body.checks.capacity!.ok, false);
    assert.deepEqual(body.reasons, ['capacity: full: 1 of 1 sessions (maxSessions)']);

    const lesson = async () => (await alice.call<LessonState>('GET', `/api/sessions/${session.id}/lesson`)).body;
    assert.ok(await waitFor(async () => (await lesson()).phase !== 'preparing', 60_000, 100), 'lesson ready');
    const failed = await alice.call<CheckResult>('POST', `/api/sessions/${session.id}/lesson/steps/1/check`, {});
    assert.equal(failed.body.passed, false);
    const term = await TerminalClient.open(alice, session.nodes[0]!.terminals[0]!.id);
    await term.run('touch /root/one && echo made');
    const passed = await alice.call<CheckResult>('POST', `/api/sessions/${session.id}/lesson/steps/1/check`, {});
    assert.equal(passed.body.passed, true, JSON.stringify(passed.body));

    const m = await fetch(`${base}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await m.text();
    await term.close();
    const value = (name: string): number => {
      const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`) && l.startsWith(name));
      assert.ok(line, `${name} in /metrics`);
      return Number(line.split(' ').at(-1));
    };
    assert.equal(value('pier_sessions{kind="free"}'), 1);
    assert.equal(value('pier_sessions{kind="class"}'), 0);
    assert.equal(value('pier_sessions_max'), 1);
    assert.equal(value('pier_sandboxes'), 1);
    assert.equal(value('pier_nodes'), 1);
    assert.equal(value('pier_terminals'), 1);
    assert.equal(value('pier_session_starts_total{outcome="ok"}'), 1);
    assert.equal(value('pier_session_start_duration_seconds_count'), 1);
    assert.ok(value('pier_session_start_duration_seconds_sum') > 0);
    assert.equal(value('pier_check_results_total{result="passed"}'), 1);
    assert.equal(value('pier_check_results_total{result="failed"}'), 1);
    assert.ok(value('pier_websocket_bytes_total{direction="in"}') > 0, 'terminal input counted');
    assert.ok(value('pier_websocket_bytes_total{direction="out"}') > 0, 'terminal output counted');
    assert.ok(value('nodejs_eventloop_lag_p99_seconds') >= 0);
    const host = readHeadroom(loadConfig().stateDir);
    assert.ok(Math.abs(value('pier_host_memory_available_bytes') - host.memoryAvailableBytes) < 2 * 1024 ** 3);
    assert.ok(value('pier_host_disk_free_bytes') > 0);
    assert.ok(value('pier_host_pids_free') > 0 && value('pier_host_pids_free') <= host.pidsMax);
    assert.ok(Number.isFinite(value('pier_host_memory_headroom_bytes')));
    assert.ok(Number.isFinite(value('pier_host_disk_headroom_bytes')));
    assert.ok(value('pier_classes') >= 0);
    assert.equal(value('pier_classes_active'), 0);

  });

  test('a full host answers with a place in line, first come first served, instead of a bare refusal', async () => {
    type Refusal = { error: { code: string; message: string } };
    const bob = new Browser(base);
    const carol = new Browser(base);
    const first = await bob.call<Refusal>('POST', '/api/sessions', {});
    assert.equal(first.status, 503);
    assert.equal(first.headers.get('retry-after'), '5');
    assert.equal(first.body.error.code, 'SERVER_FULL');
    assert.match(first.body.error.message, /^The server is at capacity right now/);
    assert.match(first.body.error.message, /You are 1st in line \(1 waiting\)/);
    const second = await carol.call<Refusal>('POST', '/api/sessions', {});
    assert.match(second.body.error.message, /You are 2nd in line \(2 waiting\)/);
    assert.match((await bob.call<Refusal>('POST', '/api/sessions', {})).body.error.message, /1st in line/, 'asking again keeps the place');
    const admin = await (await fetch(`${base}/metrics`)).text();
    assert.match(admin, /^pier_sessions\{kind="free"\} 1$/m);

    assert.equal((await alice.call('DELETE', `/api/sessions/${created[0]}`)).status, 204);
    const early = await carol.call<Refusal>('POST', '/api/sessions', {});
    assert.equal(early.status, 503, 'carol may not jump ahead of bob');
    assert.match(early.body.error.message, /2nd in line/);
    const started = await bob.call<SessionView>('POST', '/api/sessions', {});
    assert.equal(started.status, 201, JSON.stringify(started.body));
    created.push(started.body.id);
    assert.match((await carol.call<Refusal>('POST', '/api/sessions', {})).body.error.message, /1st in line \(1 waiting\)/, 'carol moved up');
    assert.equal((await bob.call('DELETE', `/api/sessions/${started.body.id}`)).status, 204);
    const carolStarts = await carol.call<SessionView>('POST', '/api/sessions', {});
    assert.equal(carolStarts.status, 201);
    created.push(carolStarts.body.id);
    assert.equal((await carol.call('DELETE', `/api/sessions/${carolStarts.body.id}`)).status, 204);
  });

  test('/metrics from a client behind a proxy header is refused without a token', async () => {
    const r = await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': '198.51.100.7' } });
    assert.equal(r.status, 403);
  });

  test('each request left one access-log line with a request id (echoed as X-Request-Id); a client error goes through the refusal limiter', async () => {
    const ok = await fetch(`${base}/api/lessons`, { headers: { cookie: alice.cookie ?? '' } });
    const okId = ok.headers.get('x-request-id');
    assert.match(okId ?? '', /^[0-9a-f-]{36}$/);
    await ok.arrayBuffer();
    assert.ok(await waitFor(() => logLines.some((l) => (l.req as { id?: string } | undefined)?.id === okId), 5000), 'the line was written');
    const mine = logLines.filter((l) => (l.req as { id?: string } | undefined)?.id === okId);
    assert.equal(mine.length, 1);
    assert.equal(mine[0]!.client, '127.0.0.1');
    assert.equal((mine[0]!.res as { status: number }).status, 200);
    assert.match(String(mine[0]!.msg), /^GET \/api\/lessons 200 \d+ms$/);

    // A 404 is what anyone can send at will (docs/SECURITY.md 44): one clipped line from the
    // limiter with the same fields, not pino-http's line with every header.
    const r = await fetch(`${base}/api/sessions/${created[0]}`, { headers: { cookie: alice.cookie ?? '' } });
    const id = r.headers.get('x-request-id');
    await r.arrayBuffer();
    assert.ok(await waitFor(() => logLines.some((l) => l.reqId === id), 5000), 'the refusal was logged');
    const refused = logLines.filter((l) => l.reqId === id || (l.req as { id?: string } | undefined)?.id === id);
    assert.equal(refused.length, 1);
    assert.equal(refused[0]!.msg, '404 answered');
    assert.equal(refused[0]!.path, `/api/sessions/${created[0]}`, 'that session has ended');
    assert.equal(refused[0]!.client, '127.0.0.1');
  });
});

describe('/readyz without the image', rootSuite(), () => {
  test('a state dir with no built image answers 503 naming the image', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'pier-ops-noimage-'));
    const config = { ...loadConfig(), stateDir: empty };
    const runtime = openRuntime(config);
    const readiness = createReadiness({
      runtimeProblem: async () => null,
      image: async () => (await runtime.images.current()).id,
      database: () => undefined,
      liveSessions: () => 0,
      maxSessions: 10,
      headroom: () => readHeadroom(config.stateDir),
      reserve: { memoryBytes: 0, diskBytes: 0 },
    });
    const routes = createOpsRoutes({ readiness, metrics: { render: async () => ({ contentType: 'text/plain', body: '' }) } as never, metricsToken: '' });
    const srv = http.createServer((req, res) => void routes(req, res, new URL(req.url ?? '/', 'http://x').pathname));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const r = await fetch(`http://127.0.0.1:${(srv.address() as { port: number }).port}/readyz`);
      const body = (await r.json()) as Ready;
      assert.equal(r.status, 503);
      assert.equal(body.checks.image!.ok, false);
      assert.match(body.reasons.join('\n'), /^image: .*image/m);
      assert.equal(body.checks.capacity!.ok, true);
    } finally {
      srv.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
