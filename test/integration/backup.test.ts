// Service and lifecycle: the systemd unit `pier install-service` writes passes
// `systemd-analyze verify`; `pier backup` of a running server holds its sessions, progress,
// secret and lesson folders; a damaged backup is refused; `pier restore` puts it back and a
// server started on the restored database shows the student's progress.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SessionView } from '../../protocol/http.js';
import type { LessonList } from '../../protocol/lesson.js';
import { loadConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { verifyBackup } from '../../server/ops/backup.js';
import { openStore } from '../../server/store/store.js';
import { rootSuite } from '../helpers/root.js';
import { waitFor } from '../helpers/host.js';
import { writeLesson } from '../helpers/lesson-fixture.js';
import { Browser, sandboxesOfSession, testConfig } from '../helpers/playground.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Runs the pier CLI from the sources with `env` added. */
const pier = (args: string[], env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', '-e', `import('./cli/main.ts').then(async (m) => { process.exitCode = await m.main(${JSON.stringify(args)}); })`], { cwd: ROOT, env: { ...process.env, ...env } });

describe('pier install-service', () => {
  test('writes a unit with Delegate=yes, a restart policy and the state dir that systemd-analyze verifies, and does not enable it without systemd', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pier-unit-'));
    try {
      const out = await pier(['install-service', '--unit-dir', dir], {});
      const file = path.join(dir, 'pier.service');
      const unit = readFileSync(file, 'utf8');
      for (const line of ['Delegate=yes', 'Restart=on-failure', 'StateDirectory=pier', 'KillMode=process', 'RuntimeDirectoryPreserve=yes', 'WantedBy=multi-user.target']) {
        assert.match(unit, new RegExp(`^${line}$`, 'm'), line);
      }
      assert.match(unit, new RegExp(`^ExecStart=${process.execPath} ${ROOT.replace(/\/$/, '')}/bin/pier up$`, 'm'));
      if (!existsSync('/run/systemd/system')) assert.match(out.stdout, /systemd is not running on this host; the unit is written but not enabled/);
      const verify = await run('systemd-analyze', ['verify', file]).catch((err: { stdout: string; stderr: string; code: number }) => err);
      assert.equal('code' in verify ? verify.code : 0, 0, `systemd-analyze verify: ${verify.stderr}`);
      assert.equal(`${verify.stdout}${verify.stderr}`.trim(), '', 'no warning either');
      // The check is real: a broken unit fails it.
      writeFileSync(path.join(dir, 'broken.service'), unit.replace('KillMode=process', 'KillMode=sometimes').replace(/^ExecStart=.*$/m, 'ExecStart=/nonexistent/pier up'));
      await assert.rejects(run('systemd-analyze', ['verify', path.join(dir, 'broken.service')]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pier backup and restore', rootSuite(), () => {
  let server: RunningServer | null = null;
  let cleanup: () => void;
  let work: string;
  let lessons: string;
  let database: string;
  let alice: Browser;
  let session: SessionView;
  /** The browser on whichever server runs now. */
  let current: Browser | null = null;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'pier-backup-'));
    lessons = path.join(work, 'lessons');
    writeLesson(lessons, 'bk-one', 'title: Backup one\ndescription: One step\ntime: 1\nsolve: true\nsteps:\n  - title: Make a file\n', {
      'step1.md': 'Run `touch /root/one`\n',
      'step1.check.sh': '#!/bin/bash\n[ -e /root/one ] || { echo "FAIL: no /root/one"; exit 1; }\n',
      'step1.solution.sh': '#!/bin/bash\ntouch /root/one\n',
    });
    const c = testConfig({ lessonDirs: [lessons] });
    cleanup = c.cleanup;
    database = c.config.database;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    alice = new Browser(`http://127.0.0.1:${server.port}`);
    const r = await alice.call<SessionView>('POST', '/api/sessions', { lessonId: 'bk-one' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    session = r.body;
    const phase = async () => (await alice.call<{ phase: string }>('GET', `/api/sessions/${session.id}/lesson`)).body.phase;
    assert.ok(await waitFor(async () => (await phase()) !== 'preparing', 60_000, 100));
    const solved = await alice.call<{ passed: boolean }>('POST', `/api/sessions/${session.id}/lesson/steps/1/solve`, {});
    assert.equal(solved.body.passed, true, JSON.stringify(solved.body));
  });

  after(async () => {
    if (session) await (current ?? alice)?.call('DELETE', `/api/sessions/${session.id}`);
    await server?.close();
    assert.deepEqual(await sandboxesOfSession(session.id), []);
    cleanup?.();
    rmSync(work, { recursive: true, force: true });
  });

  const owner = () => (alice.upgradeHeaders().cookie ?? '').replace(/^.*pier_owner=([0-9a-f]{32})\..*$/, '$1');

  test('a backup taken while the server runs holds the session, the progress, the secret and the lessons', async () => {
    const dir = path.join(work, 'b1');
    const out = await pier(['backup', dir], { PIER_DATABASE: database, PIER_LESSON_DIRS: lessons });
    assert.match(out.stdout, /backup of database, secret, 1 lesson folder\(s\) in /);
    const m = verifyBackup(dir);
    assert.equal(m.database, database);
    assert.deepEqual(m.lessonDirs.map((l) => l.from), [lessons]);
    assert.ok(m.files['lessons/0/bk-one/step1.check.sh']);
    const copy = openStore(path.join(dir, 'pier.db'));
    try {
      assert.equal(copy.getSession(session.id)?.owner, owner());
      assert.deepEqual([...copy.progressOf(owner())], [['bk-one', [1]]]);
    } finally {
      copy.close();
    }
    assert.deepEqual(readFileSync(path.join(dir, 'secret')), readFileSync(path.join(loadConfig().stateDir, 'secret')));
  });

  test('a damaged backup is refused before anything is written', async () => {
    const dir = path.join(work, 'b2');
    await pier(['backup', dir], { PIER_DATABASE: database });
    const db = path.join(dir, 'pier.db');
    const bytes = readFileSync(db);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
    writeFileSync(db, bytes);
    const target = path.join(work, 'never.db');
    const err = await pier(['restore', dir, '--force'], { PIER_DATABASE: target, PIER_STATE_DIR: path.join(work, 'state-x') }).catch((e: { stderr: string; code: number }) => e);
    assert.equal('code' in err ? err.code : 0, 1);
    assert.match(err.stderr, /pier\.db does not match its checksum \(damaged backup\)/);
    assert.equal(existsSync(target), false);
  });

  test('restore puts it back; a server on the restored state shows the progress, the lesson folder is back', async () => {
    const dir = path.join(work, 'b1');
    await server!.close();
    server = null;
    rmSync(lessons, { recursive: true, force: true });
    const state = path.join(work, 'state');
    const restored = path.join(state, 'pier.db');
    const out = await pier(['restore', dir], { PIER_DATABASE: restored, PIER_STATE_DIR: state, PIER_LESSON_DIRS: lessons });
    assert.match(out.stdout, /pier: restored /);
    assert.ok(existsSync(path.join(lessons, 'bk-one', 'step1.check.sh')), 'the lesson folder is back');
    assert.deepEqual(readFileSync(path.join(state, 'secret')), readFileSync(path.join(loadConfig().stateDir, 'secret')));
    const c = testConfig({ lessonDirs: [lessons], database: restored });
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    const again = new Browser(`http://127.0.0.1:${server.port}`);
    again.cookie = alice.cookie;
    current = again;
    const list = await again.call<LessonList>('GET', '/api/lessons');
    const mine = list.body.lessons.find((l) => l.id === 'bk-one');
    assert.equal(mine?.passed, 1, 'the progress is there');
    assert.ok(server.adopted.kept.includes(session.id), 'the live session was adopted, its sandbox still running');
    c.cleanup();
  });
});
