// Issue 15, acceptance 2: the scenarios in test/fixtures/scenarios/ (written for pier, both
// formats) import, lint clean and pass the lesson tester in real sandboxes; the
// `unsupported-*` ones are reported as unsupported with the reason at file:line and are
// refused by `pier lesson test`; a lesson without checks is "nothing checked", not ok; and
// the {{write}} action goes through the API into the student's own node only.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionView } from '../../protocol/http.js';
import type { CheckResult, LessonState, LessonView, WriteResult } from '../../protocol/lesson.js';
import { importScenario } from '../../server/lessons/import/index.js';
import { formatProblem, loadLesson } from '../../server/lessons/load.js';
import { NOTHING_CHECKED, tail, testLesson } from '../../server/lessons/runner/tester.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { DEFAULT_LIMITS } from '../../sandbox/index.js';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, shOk } from '../helpers/sandbox.js';
import { Browser, sandboxesOfSession, testConfig } from '../helpers/playground.js';
import { waitFor } from '../helpers/host.js';
import { openMirroredRuntime, type MirroredRuntime } from '../helpers/mirror.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const scenarios = readdirSync(FIXTURES).filter((n) => !n.endsWith('.md')).sort();
const passing = scenarios.filter((n) => !n.startsWith('unsupported-'));
const maxLimits = { ...DEFAULT_LIMITS, ...runtime.config.limits, memoryBytes: runtime.config.limits.memory, diskBytes: runtime.config.limits.disk };

/** Unsupported scenario → what its report must name (file:line: construct: reason). */
const UNSUPPORTED: Record<string, RegExp[]> = {
  'unsupported-lvm': [/^disk\.sh:3: block devices \/ LVM: sandboxes have no block devices/, /^step1\.md:1: block devices \/ LVM/, /^step1\.md:3: block devices \/ LVM/],
  'unsupported-kubernetes': [/^index\.json:\d+: backend "kubernetes-kubeadm-2nodes" is a Kubernetes backend/, /^wait-cluster\.sh:2: systemctl: nodes do not run systemd/, /^step1\.md:1: Kubernetes: pier provides no Kubernetes backend/],
  'unsupported-docker-daemon': [
    /^index\.json:\d+: "environment" asks for an IDE\/editor tab/,
    /^install\.sh:2: package install: the deployment has no internet/,
    /^install\.sh:3: download: the deployment has no internet/,
    /^step1\.md:1: \/etc\/docker\/daemon\.json: docker in pier is podman/,
    /^step1\.md:5: image alpine:3\.19: "alpine:3\.19" is not in the offline image set/,
  ],
};

/** `pier ARGS…` from the sources, as a user runs it. */
function pierCli(...args: string[]) {
  const script = `const { main } = await import(${JSON.stringify(path.join(ROOT, 'cli/main.ts'))}); process.exitCode = await main(process.argv.slice(1));`;
  return spawnSync(process.execPath, ['--import', path.join(ROOT, 'node_modules/tsx/dist/esm/index.mjs'), '--input-type=module', '-e', script, ...args], { encoding: 'utf8', timeout: 10 * 60_000 });
}

describe('imported scenarios run as their authors meant (issue 15)', rootSuite(), () => {
  let out: string;
  // As `pier lesson test` runs them: nodes pull docker.io images through a host image mirror.
  let mirrored: MirroredRuntime;
  before(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'pier-import-scenarios-'));
    mirrored = await openMirroredRuntime();
  });
  after(async () => {
    rmSync(out, { recursive: true, force: true });
    await mirrored?.close();
  });

  test('the fixture set: at least 12 scenarios in both formats, and 3 unsupported ones', () => {
    assert.ok(passing.length >= 12, `${passing.length} scenarios`);
    assert.ok(passing.some((n) => n.startsWith('kc-')) && passing.some((n) => n.startsWith('kt-')));
    assert.deepEqual(scenarios.filter((n) => n.startsWith('unsupported-')).sort(), Object.keys(UNSUPPORTED).sort());
  });

  for (const name of passing) {
    test(`${name} imports, lints clean and passes the lesson tester`, { timeout: 10 * 60_000 }, async () => {
      const report = importScenario(path.join(FIXTURES, name), path.join(out, name));
      assert.equal(report.flavor, name.startsWith('kt-') ? 'katacoda' : 'killercoda');
      assert.deepEqual(report.lint.problems.map((p) => formatProblem(p, name)), [], 'lints clean');
      const load = loadLesson(report.dest);
      assert.ok(load.lesson);
      const r = await testLesson(load.lesson, { driver: mirrored.driver, maxLimits });
      const why = [r.problem, ...r.steps.map((s) => `step ${s.index}: ${s.problem ?? 'ok'}\n${s.after ? tail(s.after) : s.solution ? tail(s.solution) : s.before ? tail(s.before) : ''}`)].filter(Boolean).join('\n');
      assert.equal(r.ok, true, why);
      assert.ok(r.checks >= 1);
      if (name === 'kc-background') assert.match(r.warnings.join('\n'), /node1: the background script exited 1 \(best-effort/, 'the failing background did not stop the lesson');
    });
  }

  for (const [name, wants] of Object.entries(UNSUPPORTED)) {
    test(`${name} is reported unsupported with the reason, and pier lesson test refuses it`, { timeout: 5 * 60_000 }, () => {
      const report = importScenario(path.join(FIXTURES, name), path.join(out, name));
      for (const want of wants) assert.ok(report.unsupported.some((u) => want.test(u)), `${want}\n${report.unsupported.join('\n')}`);
      assert.ok(report.lint.warnings > 0);
      const cli = pierCli('lesson', 'test', report.dest);
      assert.equal(cli.status, 1, cli.stdout + cli.stderr);
      assert.match(cli.stdout, new RegExp(`FAIL ${name}: does not lint clean`));
    });
  }

  test('a lesson with no check is "nothing checked", not ok', { timeout: 5 * 60_000 }, async () => {
    const dir = path.join(out, 'no-checks');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'lesson.md'), '---\ntitle: Read only\ndescription: Nothing to check\ntime: 1\nsteps:\n  - title: Read\n---\nHello.\n');
    writeFileSync(path.join(dir, 'step1.md'), 'Just read.\n');
    const load = loadLesson(dir);
    assert.ok(load.lesson);
    const r = await testLesson(load.lesson, { driver: mirrored.driver, maxLimits });
    assert.equal(r.ok, false);
    assert.equal(r.problem, NOTHING_CHECKED);
    const cli = pierCli('lesson', 'test', dir);
    assert.equal(cli.status, 1, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /NONE no-checks/);
  });
});

describe('the {{write}} action through the API (issue 15, point 7)', rootSuite(), () => {
  let server: RunningServer;
  let cleanup: () => void;
  let lessons: string;
  let alice: Browser;
  let session: SessionView;

  before(async () => {
    lessons = mkdtempSync(path.join(tmpdir(), 'pier-import-write-'));
    importScenario(path.join(FIXTURES, 'kt-editor'), path.join(lessons, 'kt-editor'));
    const c = testConfig({ lessonDirs: [lessons] });
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    alice = new Browser(`http://127.0.0.1:${server.port}`);
    const r = await alice.call<SessionView>('POST', '/api/sessions', { lessonId: 'kt-editor' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    session = r.body;
    let s: LessonState | undefined;
    assert.ok(await waitFor(async () => (s = (await alice.call<LessonState>('GET', `/api/sessions/${session.id}/lesson`)).body).phase !== 'preparing', 60_000, 100));
    assert.equal(s?.phase, 'ready');
  });

  after(async () => {
    await alice?.call('DELETE', `/api/sessions/${session.id}`);
    await server?.close();
    assert.deepEqual(await sandboxesOfSession(session.id), []);
    cleanup?.();
    rmSync(lessons, { recursive: true, force: true });
  });

  const write = (b: Browser, block: number) => b.call<WriteResult & { error?: { code: string } }>('POST', `/api/sessions/${session.id}/lesson/steps/1/write`, { block, lang: 'en' });

  test('the page shows each write block with its file; clicking writes it into the node, a symlink resolves inside the sandbox', async () => {
    const view = await alice.call<LessonView>('GET', '/api/lessons/kt-editor');
    assert.match(view.body.steps[0]!.html, /<pre data-pier-action="write" data-pier-file="\/root\/app\.conf" data-pier-mode="replace" data-pier-index="0">/);
    assert.match(view.body.steps[0]!.html, /data-pier-file="\/root\/app\.conf" data-pier-mode="append" data-pier-index="1"/);
    const ids = new Set(await sandboxesOfSession(session.id));
    const box = (await driver.list()).find((s) => ids.has(s.id) && s.hostname === 'node1')!;
    const target = `/etc/pier-write-${randomBytes(5).toString('hex')}`;
    await shOk(box.id, `ln -s ${target} /root/app.conf`);
    const first = await write(alice, 0);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual({ file: first.body.file, node: first.body.node, written: first.body.written }, { file: '/root/app.conf', node: 'node1', written: true });
    assert.equal(await shOk(box.id, `cat ${target}`), 'name = demo\nlimit = 3 < 4\n', 'the link resolved inside the node');
    assert.equal(existsSync(target), false, 'nothing was written on the host');
    const viaProc = `/tmp/pier-write-${randomBytes(5).toString('hex')}`;
    await shOk(box.id, `ln -sf /proc/1/root${viaProc} /root/app.conf`);
    assert.equal((await write(alice, 0)).body.written, true);
    assert.equal(await shOk(box.id, `cat ${viaProc}`), 'name = demo\nlimit = 3 < 4\n', '/proc/1/root is the node\'s own init');
    assert.equal(existsSync(viaProc), false, 'nothing was written in the host /tmp');
    await shOk(box.id, 'rm /root/app.conf');
    assert.equal((await write(alice, 0)).body.written, true);
    assert.equal((await write(alice, 1)).body.written, true);
    assert.equal(await shOk(box.id, 'cat /root/app.conf'), 'name = demo\nlimit = 3 < 4\nmode = "fast"\n');
    const check = await alice.call<CheckResult>('POST', `/api/sessions/${session.id}/lesson/steps/1/check`, {});
    assert.equal(check.body.passed, true, JSON.stringify(check.body));
  });

  test("a block that does not exist is refused, and another owner's session does not exist", async () => {
    const missing = await write(alice, 7);
    assert.equal(missing.status, 400);
    assert.equal((await alice.call('POST', `/api/sessions/${session.id}/lesson/steps/1/write`, { file: '/etc/passwd', text: 'x' })).status, 400, 'a path or text in the body is refused');
    const bob = new Browser(alice.base);
    assert.equal((await write(bob, 0)).status, 404);
  });
});
