// Upgrade: the previous release's server (its own sources, built into a temp dir) runs a
// student's lesson session with progress and a file in the sandbox; it stops as the unit
// stops it (SIGTERM, sandboxes kept), this build starts on the same state, and everything
// is there: the session and its running sandbox, the file, the progress, /readyz ready.
// The previous release: PIER_UPGRADE_FROM, else the newest v* tag but HEAD, else main's merge base
// with HEAD when that is another commit, else HEAD~1.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionView } from '../../protocol/http.js';
import type { LessonList } from '../../protocol/lesson.js';
import { rootSuite } from '../helpers/root.js';
import { waitFor } from '../helpers/host.js';
import { writeLesson } from '../helpers/lesson-fixture.js';
import { Browser, TerminalClient, sandboxesOfSession, withTimeout } from '../helpers/playground.js';
import { freePort, startServerProcess, stopServerProcess } from '../helpers/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** The commit of the previous release, as the header says. */
function previousRelease(): string {
  if (process.env.PIER_UPGRADE_FROM) return git('rev-parse', '--verify', `${process.env.PIER_UPGRADE_FROM}^{commit}`);
  const head = git('rev-parse', 'HEAD');
  // The newest release tag that is not this commit itself (v0.1.0, …).
  for (const tag of git('tag', '--list', 'v*', '--sort=-v:refname').split('\n').filter(Boolean)) {
    const commit = git('rev-parse', `${tag}^{commit}`);
    if (commit !== head) return commit;
  }
  try {
    const base = git('merge-base', 'HEAD', 'main');
    if (base !== head) return base;
  } catch {
    // no main branch in this clone
  }
  return git('rev-parse', 'HEAD~1');
}

/**
 * Unpacks `commit` into `dir` and builds only what its server needs: the server child and
 * what it imports, emitted without type checking (that was done when it was released), and
 * the native helper. node_modules is this checkout's.
 */
function buildRelease(commit: string, dir: string): void {
  execFileSync('sh', ['-c', `git archive --format=tar ${commit} | tar -x -C "${dir}"`], { cwd: ROOT });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.server.json', '--noCheck'], { cwd: dir, stdio: 'pipe' });
  // Its native helpers as its own set-up builds them (releases before scripts/build-native.sh
  // had only pier-idmap).
  if (existsSync(path.join(dir, 'scripts/build-native.sh'))) {
    execFileSync('bash', [path.join(dir, 'scripts/build-native.sh')], { cwd: dir, stdio: 'pipe' });
  } else {
    mkdirSync(path.join(dir, 'sandbox/native/build'), { recursive: true });
    execFileSync('cc', ['-O2', '-o', path.join(dir, 'sandbox/native/build/pier-idmap'), path.join(dir, 'sandbox/native/pier-idmap.c')]);
  }
}

/** Starts the old release's server child (from its dist/) with `env`; resolves once it is ready. */
async function startOld(dir: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(dir, 'dist/test/helpers/server-child.js')], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', () => /^ready /m.test(out) && resolve());
      child.once('exit', (code) => reject(new Error(`the old server exited ${code}: ${out}`)));
    }),
    60_000,
    'the old server did not start',
  );
  return child;
}

describe('upgrade from the previous release', rootSuite(), () => {
  let work: string;
  let release: string;
  let commit: string;
  let env: NodeJS.ProcessEnv;
  let base: string;
  let server: ChildProcess | null = null;
  let alice: Browser;
  let session: SessionView | null = null;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'pier-upgrade-'));
    release = path.join(work, 'release');
    mkdirSync(release);
    commit = previousRelease();
    buildRelease(commit, release);
    const lessons = path.join(work, 'lessons');
    writeLesson(lessons, 'up-one', 'title: Upgrade one\ndescription: One step\ntime: 1\nsolve: true\nsteps:\n  - title: Make a file\n  - title: Another\n', {
      'step1.md': 'Run `touch /root/one`\n',
      'step1.check.sh': '#!/bin/bash\n[ -e /root/one ] || { echo "FAIL: no /root/one"; exit 1; }\n',
      'step1.solution.sh': '#!/bin/bash\ntouch /root/one\n',
      'step2.md': 'Run `touch /root/two`\n',
      'step2.check.sh': '#!/bin/bash\n[ -e /root/two ] || { echo "FAIL: no /root/two"; exit 1; }\n',
      'step2.solution.sh': '#!/bin/bash\ntouch /root/two\n',
    });
    const port = await freePort();
    // No warm pool: its sandboxes would outlive the test's throwaway state.
    env = { ...process.env, PIER_WARM_POOL: '0', PIER_DATABASE: path.join(work, 'pier.db'), PIER_PORT: String(port), PIER_LESSON_DIRS: lessons, PIER_LOG_LEVEL: 'error' };
    base = `http://127.0.0.1:${port}`;
    alice = new Browser(base);
  });

  after(async () => {
    if (session && server) await alice.call('DELETE', `/api/sessions/${session.id}`);
    if (server) await stopServerProcess(server, 'SIGTERM');
    if (session) assert.deepEqual(await sandboxesOfSession(session.id), [], 'sandboxes left');
    rmSync(work, { recursive: true, force: true });
  });

  test('sessions, sandboxes, files and progress survive the switch to this build', async (t) => {
    t.diagnostic(`previous release ${commit.slice(0, 12)}`);
    server = await startOld(release, env);
    const r = await alice.call<SessionView>('POST', '/api/sessions', { lessonId: 'up-one' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    session = r.body;
    const phase = async () => (await alice.call<{ phase: string }>('GET', `/api/sessions/${session!.id}/lesson`)).body.phase;
    assert.ok(await waitFor(async () => (await phase()) !== 'preparing', 60_000, 100));
    const solved = await alice.call<{ passed: boolean }>('POST', `/api/sessions/${session.id}/lesson/steps/1/solve`, {});
    assert.equal(solved.body.passed, true, JSON.stringify(solved.body));
    const term = await TerminalClient.open(alice, session.nodes[0]!.terminals[0]!.id);
    await term.run('echo kept-across-upgrade > /root/kept');
    await term.close();
    const sandboxes = await sandboxesOfSession(session.id);
    assert.equal(sandboxes.length, 1);

    await stopServerProcess(server, 'SIGTERM');
    server = null;
    assert.deepEqual(await sandboxesOfSession(session.id), sandboxes, 'stopping the old server kept the sandbox');
    server = await startServerProcess(env, 60_000);

    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200, await ready.text());
    const view = await alice.call<SessionView>('GET', `/api/sessions/${session.id}`);
    assert.equal(view.status, 200, 'the session is there');
    assert.equal(view.body.nodes[0]!.status, 'running');
    assert.deepEqual(await sandboxesOfSession(session.id), sandboxes, 'the same sandbox, adopted');
    const again = await TerminalClient.open(alice, view.body.nodes[0]!.terminals[0]!.id);
    assert.match(await again.run('cat /root/kept'), /kept-across-upgrade/);
    await again.close();
    const list = await alice.call<LessonList>('GET', '/api/lessons');
    assert.equal(list.body.lessons.find((l) => l.id === 'up-one')?.passed, 1, 'the progress is there');
    const next = await alice.call<{ passed: boolean }>('POST', `/api/sessions/${session.id}/lesson/steps/2/solve`, {});
    assert.equal(next.body.passed, true, 'the lesson goes on from step 2');
  });
});
