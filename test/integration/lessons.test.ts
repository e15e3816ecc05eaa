// Lessons in real sandboxes. (1) Every folder in lessons/ replayed by the lesson tester
// (`pier lesson test`): one test per lesson, found at run time, so a new lesson is covered
// without touching this file. (2) The lesson runtime through a real server and the JSON
// API: nodes and limits per lesson, assets and setup, FAIL/HINT, timeouts, locked steps,
// watch, Solve, the assets route, and progress kept in a real SQLite file.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionView } from '../../protocol/http.js';
import type { CheckResult, LessonList, LessonState, LessonView } from '../../protocol/lesson.js';
import { isLessonDir, loadLesson, formatProblem } from '../../server/lessons/load.js';
import { testLesson, tail } from '../../server/lessons/runner/tester.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { openStore } from '../../server/store/store.js';
import { DEFAULT_LIMITS } from '../../sandbox/index.js';
import { rootSuite } from '../helpers/root.js';
import { PIER_BIN, driver, runtime, sh, shOk } from '../helpers/sandbox.js';
import { openMirroredRuntime, type MirroredRuntime } from '../helpers/mirror.js';
import { Browser, EventsClient, TerminalClient, sandboxesOfSession, testConfig } from '../helpers/playground.js';
import { writeLesson } from '../helpers/lesson-fixture.js';
import { waitFor } from '../helpers/host.js';

const LESSONS_DIR = fileURLToPath(new URL('../../lessons/', import.meta.url));
const lessonDirs = readdirSync(LESSONS_DIR)
  .sort()
  .map((name) => path.join(LESSONS_DIR, name))
  .filter(isLessonDir);

describe('built-in lessons pass `pier lesson test`', rootSuite(), () => {
  // As `pier lesson test` runs them: nodes pull docker.io images through a host image mirror.
  let mirrored: MirroredRuntime;
  before(async () => {
    mirrored = await openMirroredRuntime();
  });
  after(() => mirrored?.close());
  test('there are built-in lessons to test', () => {
    assert.ok(lessonDirs.length > 0, `no lesson folders in ${LESSONS_DIR}`);
  });
  for (const dir of lessonDirs) {
    test(`lesson ${path.basename(dir)}`, { timeout: 15 * 60_000 }, async () => {
      const load = loadLesson(dir);
      assert.ok(load.lesson, `does not load:\n${load.problems.map((p) => formatProblem(p, dir)).join('\n')}`);
      const report = await testLesson(load.lesson, { driver: mirrored.driver, maxLimits: { ...DEFAULT_LIMITS, ...runtime.config.limits, memoryBytes: runtime.config.limits.memory, diskBytes: runtime.config.limits.disk } });
      const why = [
        report.problem,
        ...report.steps.filter((s) => !s.ok).map((s) => `step ${s.index} ${s.title}: ${s.problem}\n${tail(s.after ?? s.solution ?? s.before!)}`),
      ].filter(Boolean);
      assert.ok(report.ok, why.join('\n'));
      assert.equal(report.steps.length, load.lesson.steps.length);
      const checked = report.steps.filter((s) => s.before !== null);
      for (const s of checked) assert.equal(s.before!.passed, false, `step ${s.index}: the check fails before the solution`);
      for (const s of checked) assert.equal(s.after!.passed, true, `step ${s.index}: the check passes after the solution`);
    });
  }
});

/** The fixture course of the runtime tests. */
function writeFixtures(root: string): void {
  writeLesson(
    root,
    'rt-basics',
    `
title: { en: Runtime basics, ko: 런타임 기초 }
description: Two nodes, assets, setup, checks
time: 5
nodes: 2
limits: { memory: 256M, pids: 200, cpus: 4 }
solve: true
assets:
  - { from: assets/motd.txt, to: /root/motd.txt, mode: "0600" }
  - { from: assets/tools, to: /opt/tools, node: node2 }
steps:
  - title: Make a file
  - title: { en: Watched, ko: 지켜보기 }
    node: node2
    watch: true
    background: step2.bg.sh
  - title: Slow check
    timeout: 1
    foreground: step3.fg.sh
`,
    {
      'assets/motd.txt': 'hello from the lesson\n',
      'assets/tools/run.sh': '#!/bin/sh\necho tool\n',
      'assets/pic.png': '\x89PNG\r\n\x1a\nnot really',
      'setup.sh': '#!/bin/bash\necho "$PIER_NODE" > /root/setup-ran\n',
      'step1.md': 'Run `touch /root/one`{{exec}}\n',
      'step1.check.sh': '#!/bin/bash\necho "looking for /root/one"\nif [ ! -e /root/one ]; then\n  echo "FAIL: /root/one is missing"\n  echo "HINT: touch it" >&2\n  echo "FAIL: still missing (stderr)" >&2\n  exit 1\nfi\n',
      'step1.solution.sh': '#!/bin/bash\ntouch /root/one\n',
      'step2.md': 'Make /root/two on node2.\n',
      'step2.check.sh': '#!/bin/bash\n[ -e /root/two ] || { echo "FAIL: no /root/two"; exit 1; }\n',
      'step2.solution.sh': '#!/bin/bash\ntouch /root/two\n',
      'step2.bg.sh': '#!/bin/bash\necho "$PIER_STEP" > /root/bg-ran\nsleep 1\n',
      'step3.md': 'Wait.\n',
      'step3.check.sh': '#!/bin/bash\nsleep 30 &\nsleep 31\n',
      'step3.solution.sh': '#!/bin/bash\ntrue\n',
      'step3.fg.sh': 'echo fg-$((40+2))\n',
    },
    { 'assets/leak.png': '/etc/passwd' },
  );
  writeLesson(
    root,
    'rt-nosolve',
    `
title: No solve
description: Solve is off
time: 1
hidden: true
steps:
  - title: One
`,
    { 'step1.md': 'x\n', 'step1.check.sh': '#!/bin/bash\necho "FAIL: never"; exit 1\n', 'step1.solution.sh': '#!/bin/bash\ntrue\n' },
  );
}

describe('lesson runtime through the API', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let fixtures: string;
  let database: string;
  let config: ReturnType<typeof testConfig>['config'];
  let alice: Browser;
  let session: SessionView;
  const created: { browser: Browser; id: string }[] = [];

  const startLesson = async (browser: Browser, lessonId: string): Promise<SessionView> => {
    const r = await browser.call<SessionView>('POST', '/api/sessions', { lessonId });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    created.push({ browser, id: r.body.id });
    return r.body;
  };
  const state = async (browser: Browser, id: string) => (await browser.call<LessonState>('GET', `/api/sessions/${id}/lesson`)).body;
  const ready = async (browser: Browser, id: string): Promise<LessonState> => {
    let s = await state(browser, id);
    assert.ok(await waitFor(async () => (s = await state(browser, id)).phase !== 'preparing', 60_000, 100), 'setup finished');
    assert.equal(s.phase, 'ready', s.message ?? '');
    return s;
  };
  const step = (id: string, n: number, action: 'open' | 'check' | 'solve') => `/api/sessions/${id}/lesson/steps/${n}/${action}`;
  const sandboxOf = async (id: string, node: string): Promise<string> => {
    const mine = new Set(await sandboxesOfSession(id));
    const found = (await driver.list()).find((s) => mine.has(s.id) && s.hostname === node);
    assert.ok(found, `${node} of ${id}`);
    return found.id;
  };

  before(async () => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'pier-lessons-'));
    writeFixtures(fixtures);
    const c = testConfig({ lessonDirs: [fixtures] });
    config = c.config;
    database = c.config.database;
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    alice = new Browser(`http://127.0.0.1:${server.port}`);
  });

  after(async () => {
    for (const { browser, id } of created) await browser.call('DELETE', `/api/sessions/${id}`);
    await server?.close();
    for (const { id } of created) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
    cleanup?.();
    rmSync(fixtures, { recursive: true, force: true });
  });

  test('the course list shows visible lessons with the owner\'s progress; a lesson renders in Korean', async () => {
    const list = await alice.call<LessonList>('GET', '/api/lessons?lang=ko');
    assert.equal(list.status, 200);
    const mine = list.body.lessons.find((l) => l.id === 'rt-basics');
    assert.ok(mine);
    assert.deepEqual({ title: mine.title, steps: mine.steps, passed: mine.passed, completed: mine.completed }, { title: '런타임 기초', steps: 3, passed: 0, completed: false });
    assert.equal(list.body.lessons.some((l) => l.id === 'rt-nosolve'), false, 'hidden lessons are not listed');
    const view = await alice.call<LessonView>('GET', '/api/lessons/rt-basics?lang=ko');
    assert.equal(view.status, 200);
    assert.equal(view.body.steps[1]!.title, '지켜보기');
    assert.equal((await alice.call('GET', '/api/lessons/rt-basics?lang=fr')).status, 400);
    assert.equal((await alice.call('GET', '/api/lessons/no-such-lesson')).status, 404);
    assert.equal((await alice.call('GET', '/api/lessons/rt-nosolve')).status, 200, 'hidden lessons are still reachable');
    const v = await alice.call<{ version: string }>('GET', '/api/lessons/rt-basics/version');
    assert.equal(v.body.version, view.body.version);
  });

  test('a lesson session starts its nodes with the lesson limits (clamped), copies assets and runs setup in each node', async () => {
    const events: EventsClient[] = [];
    session = await startLesson(alice, 'rt-basics');
    events.push(await EventsClient.open(alice, session.id));
    assert.equal(session.lessonId, 'rt-basics');
    assert.deepEqual(session.nodes.map((n) => n.name), ['node1', 'node2']);
    for (const n of session.nodes) {
      assert.equal(n.limits.memoryBytes, 256 * 1024 * 1024);
      assert.equal(n.limits.pids, 200);
      assert.equal(n.limits.cpus, Math.min(4, runtime.config.limits.cpus), 'cpus clamped to the server maximum');
      assert.equal(n.terminals.length, 1);
    }
    const s = await ready(alice, session.id);
    assert.deepEqual({ passed: s.passed, current: s.current, progress: s.progress }, { passed: [], current: 1, progress: 1 });
    const node1 = await sandboxOf(session.id, 'node1');
    const node2 = await sandboxOf(session.id, 'node2');
    assert.equal(await shOk(node1, 'stat -c %a /root/motd.txt; cat /root/motd.txt /root/setup-ran'), '600\nhello from the lesson\nnode1\n');
    assert.equal(await shOk(node2, 'test ! -e /root/motd.txt && /opt/tools/run.sh && cat /root/setup-ran'), 'tool\nnode2\n');
    const lessonEvents = events[0]!.events.filter((e) => e.type === 'lesson');
    assert.ok(await waitFor(() => events[0]!.events.some((e) => e.type === 'lesson' && e.state.phase === 'ready'), 5000), `a ready event came: ${JSON.stringify(lessonEvents)}`);
    events[0]!.ws.close();
  });

  test('a locked step cannot be checked; a failing check shows its FAIL and HINT lines only', async () => {
    const locked = await alice.call<{ error: { code: string } }>('POST', step(session.id, 2, 'check'), {});
    assert.equal(locked.status, 409);
    assert.equal(locked.body.error.code, 'STEP_LOCKED');
    assert.equal((await alice.call('POST', step(session.id, 9, 'check'), {})).status, 404);
    assert.equal((await alice.call('POST', step(session.id, 0, 'check'), {})).status, 404);
    assert.equal((await alice.call('POST', step(session.id, 1, 'check'), { extra: 1 })).status, 400);
    const r = await alice.call<CheckResult>('POST', step(session.id, 1, 'check'), {});
    assert.equal(r.status, 200);
    assert.equal(r.body.passed, false);
    assert.deepEqual(r.body.failures, ['/root/one is missing', 'still missing (stderr)']);
    assert.deepEqual(r.body.hints, ['touch it']);
    assert.equal(r.body.timedOut, false);
    assert.deepEqual(r.body.state.passed, []);
    const node1 = await sandboxOf(session.id, 'node1');
    assert.equal((await sh(node1, 'grep -rl "still missing" /root /tmp /var/tmp /etc 2>/dev/null')).stdout, '', 'the check was never written into the node');
  });

  test('doing the step passes the check, stores the pass and unlocks the next step', async () => {
    const node1 = await sandboxOf(session.id, 'node1');
    await shOk(node1, 'touch /root/one');
    const r = await alice.call<CheckResult>('POST', step(session.id, 1, 'check'), {});
    assert.equal(r.body.passed, true);
    assert.deepEqual(r.body.failures, []);
    assert.deepEqual({ passed: r.body.state.passed, current: r.body.state.current }, { passed: [1], current: 2 });
    const list = await alice.call<LessonList>('GET', '/api/lessons');
    assert.equal(list.body.lessons.find((l) => l.id === 'rt-basics')!.passed, 1);
  });

  test('opening a watched step starts its background script and re-runs the check until it passes', async () => {
    const events = await EventsClient.open(alice, session.id);
    const opened = await alice.call<LessonState>('POST', step(session.id, 2, 'open'), {});
    assert.equal(opened.status, 200);
    const node2 = await sandboxOf(session.id, 'node2');
    assert.ok(await waitFor(async () => (await sh(node2, 'cat /root/bg-ran')).stdout === '2\n', 5000, 100), 'background script ran in node2');
    await new Promise((r) => setTimeout(r, 3500));
    assert.deepEqual((await state(alice, session.id)).passed, [1], 'not passed before the student acts');
    await shOk(node2, 'touch /root/two');
    assert.ok(await waitFor(async () => (await state(alice, session.id)).passed.includes(2), 10_000, 200), 'the watch noticed');
    assert.ok(await waitFor(() => events.events.some((e) => e.type === 'lesson' && e.state.passed.includes(2)), 2000), 'a lesson event told the page');
    events.ws.close();
  });

  test("opening a step with a foreground script types it into the node's first terminal, once", async () => {
    const terminal = session.nodes.find((n) => n.name === 'node1')!.terminals[0]!;
    const r = await alice.call<LessonState>('POST', step(session.id, 3, 'open'), {});
    assert.equal(r.status, 200);
    assert.equal(r.body.current, 3);
    const t = await TerminalClient.open(alice, terminal.id);
    try {
      await t.waitFor(/fg-42/, 10_000);
      await alice.call('POST', step(session.id, 3, 'open'), {});
      await new Promise((res) => setTimeout(res, 500));
      assert.equal(t.text.match(/fg-42/g)?.length, 1, 'typed once, shown once (the typed line shows the unexpanded $((40+2)))');
    } finally {
      await t.close();
    }
  });

  test('a check over its timeout is killed with its children and reported as timed out', async () => {
    const started = Date.now();
    const r = await alice.call<CheckResult>('POST', step(session.id, 3, 'check'), {});
    assert.ok(Date.now() - started < 5000, `answered in ${Date.now() - started} ms`);
    assert.equal(r.body.passed, false);
    assert.equal(r.body.timedOut, true);
    assert.match(r.body.failures[0]!, /longer than 1 s/);
    const node1 = await sandboxOf(session.id, 'node1');
    assert.ok(await waitFor(async () => (await sh(node1, 'pgrep -x sleep || true')).stdout === '', 3000, 100), 'no sleep left behind');
  });

  test('Solve runs the solution when the lesson allows it, and answers 403 when it does not', async () => {
    const r = await alice.call<CheckResult>('POST', step(session.id, 3, 'solve'), {});
    assert.equal(r.status, 200);
    assert.equal(r.body.passed, false, 'the solution cannot make a sleeping check fast');
    const bob = new Browser(alice.base);
    const other = await startLesson(bob, 'rt-nosolve');
    await ready(bob, other.id);
    const refused = await bob.call<{ error: { code: string } }>('POST', step(other.id, 1, 'solve'), {});
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'SOLVE_DISABLED');
    assert.equal((await alice.call('GET', `/api/sessions/${other.id}/lesson`)).status, 404, "another owner's lesson does not exist for alice");
    assert.equal((await bob.call('POST', '/api/sessions', { lessonId: 'no-such-lesson' })).status, 404);
  });

  test('the assets route serves images only, never scripts, `..` or links out of the lesson', async () => {
    const ok = await fetch(`${alice.base}/api/lessons/rt-basics/assets/assets/pic.png`);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('content-type'), 'image/png');
    assert.match(await ok.text(), /not really/);
    for (const p of ['assets/leak.png', 'step1.check.sh', 'step1.solution.sh', '..%2F..%2Fetc%2Fpasswd', 'assets/..%2F..%2Fx.png', '%2Fetc%2Fpasswd']) {
      const r = await fetch(`${alice.base}/api/lessons/rt-basics/assets/${p}`);
      assert.equal(r.status, 404, p);
      assert.doesNotMatch(await r.text(), /root:x:0/, p);
    }
  });

  test('a reset node gets its assets and setup again; progress stays', async () => {
    const before = await sandboxOf(session.id, 'node1');
    const r = await alice.call('POST', `/api/sessions/${session.id}/nodes/node1/reset`, {});
    assert.equal(r.status, 200);
    const s = await ready(alice, session.id);
    assert.deepEqual(s.passed, [1, 2]);
    const after = await sandboxOf(session.id, 'node1');
    assert.notEqual(after, before);
    assert.equal(await shOk(after, 'test ! -e /root/one && cat /root/motd.txt /root/setup-ran'), 'hello from the lesson\nnode1\n');
  });

  test('after a server restart, the lesson session carries on where it was', async () => {
    await server.close();
    server = await startServer({ config, next: false, port: 0, hostname: '127.0.0.1' });
    // The same browsers (cookies) on the new port.
    const moved = new Map<Browser, Browser>();
    const move = (b: Browser) => moved.get(b) ?? moved.set(b, new Browser(`http://127.0.0.1:${server.port}`, b.cookie)).get(b)!;
    for (const c of created) c.browser = move(c.browser);
    alice = move(alice);
    const s = await state(alice, session.id);
    assert.deepEqual({ phase: s.phase, passed: s.passed, current: s.current }, { phase: 'ready', passed: [1, 2], current: 3 });
    const r = await alice.call<CheckResult>('POST', step(session.id, 3, 'check'), {});
    assert.equal(r.status, 200);
    assert.equal(r.body.timedOut, true, 'the adopted node still runs checks');
  });

  test('progress survives a new session and a reload, and is in the SQLite file', async () => {
    const again = await startLesson(alice, 'rt-basics');
    const s = await ready(alice, again.id);
    assert.deepEqual({ passed: s.passed, current: s.current }, { passed: [1, 2], current: 3 });
    const reload = await state(alice, again.id);
    assert.deepEqual(reload.passed, [1, 2]);
    const store = openStore(database);
    try {
      const row = store.getSession(again.id);
      assert.ok(row);
      assert.deepEqual(store.passedSteps(row.owner, 'rt-basics'), [1, 2]);
      assert.deepEqual([...store.progressOf(row.owner)], [['rt-basics', [1, 2]]]);
    } finally {
      store.close();
    }
  });
});

describe('`pier lesson test` on lessons that are wrong', rootSuite(), () => {
  let fixtures: string;
  before(() => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'pier-lesson-cli-'));
    writeLesson(fixtures, 'too-easy', 'title: Too easy\ndescription: its check passes before anything\ntime: 1\nsteps:\n  - title: One\n  - title: Two\n', {
      'step1.md': 'x\n',
      'step1.check.sh': '#!/bin/bash\n[ -e /root/x ] || { echo "FAIL: x"; exit 1; }\n',
      'step1.solution.sh': '#!/bin/bash\ntouch /root/x\n',
      'step2.md': 'y\n',
      'step2.check.sh': '#!/bin/bash\nexit 0\n',
      'step2.solution.sh': '#!/bin/bash\ntrue\n',
    });
    writeLesson(fixtures, 'slow-setup', 'title: Slow\ndescription: setup sleeps\ntime: 1\nnodes: 2\nsteps:\n  - title: One\n', {
      'setup.sh': '#!/bin/bash\nsleep 120\n',
      'step1.md': 'x\n',
    });
  });
  after(() => rmSync(fixtures, { recursive: true, force: true }));

  const lessonTestSandboxes = async (id: string) => (await driver.list()).filter((s) => s.labels['pier.lesson-test'] === id).map((s) => s.id);

  test('a check that passes before its solution fails the lesson, with a per-step report', async () => {
    const child = spawn(PIER_BIN, ['lesson', 'test', path.join(fixtures, 'too-easy')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 1, out);
    assert.match(out, /ok {3}step 1 \(node1\) One/);
    assert.match(out, /before: FAIL: x/);
    assert.match(out, /FAIL step 2 \(node1\) Two/);
    assert.match(out, /the check passes before the solution ran/);
    assert.match(out, /1 of 1 lesson\(s\) failed: too-easy/);
    assert.deepEqual(await lessonTestSandboxes('too-easy'), []);
  });

  test('Ctrl-C removes the sandboxes it made', async () => {
    const child = spawn(PIER_BIN, ['lesson', 'test', path.join(fixtures, 'slow-setup')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    assert.ok(await waitFor(async () => (await lessonTestSandboxes('slow-setup')).length === 2, 30_000, 100), `its two nodes started: ${out}`);
    child.kill('SIGINT');
    assert.equal(await closed, 130, out);
    assert.match(out, /removing the lesson sandboxes/);
    assert.deepEqual(await lessonTestSandboxes('slow-setup'), []);
  });
});
