// Issue 4, acceptance 5: a lesson's assets, setup script and checks can never write outside
// the student's own sandbox, even when the student replaced the target paths with symlinks
// to /etc, to /proc/1/root/…, or `..` chains. Assets are unpacked by tar inside the node and
// scripts run inside it, so every link resolves inside the sandbox; the host stays as it was.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, sh, shOk } from '../helpers/sandbox.js';
import { writeLesson } from '../helpers/lesson-fixture.js';
import { prepareLesson } from '../../server/lessons/runner/prepare.js';
import { runCheck } from '../../server/lessons/runner/steps.js';
import { runScript } from '../../server/lessons/runner/script.js';
import type { LoadedLesson } from '../../server/lessons/model.js';
import type { SandboxInfo } from '../../sandbox/index.js';

/** A name no file on this host has yet. */
const MARK = `pier-lw-${randomBytes(5).toString('hex')}`;
/** Host folders an escaped write would land in. */
const HOST_DIRS = ['/etc', '/tmp', '/var/tmp', '/root', '/'];

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Host files named with MARK outside pier's state directory. */
function hostFilesWithMark(): string[] {
  const out: string[] = [];
  for (const dir of HOST_DIRS) {
    const found = execFileSync('find', [dir, '-xdev', '-maxdepth', dir === '/' ? '1' : '3', '-name', `*${MARK}*`], { encoding: 'utf8' });
    out.push(...found.split('\n').filter(Boolean));
  }
  return [...new Set(out)].filter((f) => !f.startsWith(runtime.paths.stateDir));
}

describe('lesson writes stay inside the sandbox (acceptance 5)', rootSuite(), () => {
  let fixtures: string;
  let lesson: LoadedLesson;
  let box: SandboxInfo;
  const passwdBefore = sha('/etc/passwd');
  const hostnameBefore = readFileSync('/etc/hostname', 'utf8');

  before(async () => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'pier-lesson-writes-'));
    lesson = writeLesson(
      fixtures,
      'writes',
      `
title: Writes
description: Assets, setup and a check aimed at symlinks
time: 1
assets:
  - { from: files/one.txt, to: /root/t-etc/${MARK}-asset-etc }
  - { from: files/one.txt, to: /root/t-proc/${MARK}-asset-proc }
  - { from: files/one.txt, to: /root/t-dots/${MARK}-asset-dots }
  - { from: files/one.txt, to: /root/passwd-link, mode: "0644" }
  - { from: files/one.txt, to: /root/hostname-link }
  - { from: files/tree, to: /root/t-tree }
steps:
  - title: Look around
`,
      {
        'files/one.txt': `asset ${MARK}\n`,
        [`files/tree/${MARK}-tree.txt`]: 'in a folder asset\n',
        'setup.sh': `#!/bin/bash\necho setup > /root/t-etc/${MARK}-setup-etc\necho setup > /root/t-proc/${MARK}-setup-proc\necho setup > /root/t-dots/${MARK}-setup-dots\n`,
        'step1.md': 'Nothing to do.\n',
        'step1.check.sh': `#!/bin/bash\ncd /root/work && echo check > ${MARK}-check-cwd\necho check > /root/t-proc/${MARK}-check-proc\necho check >> /root/passwd-link\nexit 0\n`,
        'step1.solution.sh': '#!/bin/bash\ntrue\n',
      },
    );
    box = await driver.create({ hostname: 'node1' });
    // The student plants links where the lesson will write.
    await shOk(
      box.id,
      [
        'ln -s /etc /root/t-etc',
        'ln -s /proc/1/root/etc /root/t-proc',
        'ln -s ../../../../../../../../../../tmp /root/t-dots',
        'ln -s /proc/1/root/var/tmp /root/t-tree',
        'ln -s /etc/passwd /root/passwd-link',
        'ln -s ../../proc/1/root/etc/hostname /root/hostname-link',
        'ln -s /proc/1/root/tmp /root/work',
      ].join(' && '),
    );
  });

  after(async () => {
    if (box) await driver.destroy(box.id);
    if (fixtures) rmSync(fixtures, { recursive: true, force: true });
  });

  test('assets and setup follow the planted links only inside the sandbox', async () => {
    await prepareLesson(driver, lesson, new Map([['node1', box.id]]));
    // Where the links led, inside the sandbox: the writes happened there…
    const inside = await shOk(box.id, `ls -1 /etc /tmp /var/tmp | grep ${MARK} | sort`);
    assert.deepEqual(inside.trim().split('\n'), [
      `${MARK}-asset-dots`,
      `${MARK}-asset-etc`,
      `${MARK}-asset-proc`,
      `${MARK}-setup-dots`,
      `${MARK}-setup-etc`,
      `${MARK}-setup-proc`,
    ].sort());
    // A folder asset whose target is a link: tar replaces the link by the folder.
    assert.equal((await shOk(box.id, `stat -c %F /root/t-tree; cat /root/t-tree/${MARK}-tree.txt`)).trim(), 'directory\nin a folder asset');
    // …and a link at the asset's own path is replaced by the asset, not written through.
    assert.equal((await shOk(box.id, 'stat -c %F /root/passwd-link; cat /root/passwd-link')).trim(), `regular file\nasset ${MARK}`);
    assert.equal((await shOk(box.id, 'stat -c %F /root/hostname-link')).trim(), 'regular file');
    assert.match(await shOk(box.id, 'head -1 /etc/passwd'), /^root:/);
    // …and nothing of it on the host outside the sandbox's own state.
    assert.deepEqual(hostFilesWithMark(), []);
    assert.equal(sha('/etc/passwd'), passwdBefore, 'host /etc/passwd unchanged');
    assert.equal(readFileSync('/etc/hostname', 'utf8'), hostnameBefore, 'host /etc/hostname unchanged');
  });

  test("a check writing through a symlinked working path stays inside the sandbox", async () => {
    await shOk(box.id, 'rm -f /root/passwd-link && ln -s /proc/1/root/etc/passwd /root/passwd-link');
    const r = await runCheck(driver, box.id, lesson, lesson.steps[0]!);
    assert.equal(r.passed, true, r.stderr);
    assert.equal((await shOk(box.id, `cat /tmp/${MARK}-check-cwd /etc/${MARK}-check-proc`)).trim(), 'check\ncheck');
    assert.match(await shOk(box.id, 'tail -1 /etc/passwd'), /^check\n$/, 'the write through the link landed in the sandbox /etc/passwd');
    assert.deepEqual(hostFilesWithMark(), []);
    assert.equal(sha('/etc/passwd'), passwdBefore, 'host /etc/passwd unchanged');
  });

  test('the check script itself is never written into the student filesystem', async () => {
    const found = await sh(box.id, `grep -rl -e '${MARK}-check-cwd' /root /tmp /var /etc /run /home /dev/shm /opt /srv /usr/local 2>/dev/null || true`, { timeoutMs: 60_000 });
    assert.equal(found.stdout.trim(), '', 'no file in the sandbox holds the check script');
  });

  test("a script's working folder replaced by a link to the node's /proc/1/root/etc stays in the sandbox", async () => {
    await shOk(box.id, 'ln -s /proc/1/root/etc /root/here');
    const r = await runScript(driver, box.id, `touch ${MARK}-cwd-relative && pwd -P`, { timeoutSeconds: 10, cwd: '/root/here' });
    assert.equal(r.passed, true, r.stderr);
    assert.match(r.stdout.trim(), /^\/+etc$/, "the shell's physical folder is the sandbox's own /etc");
    assert.equal((await sh(box.id, `test -f /etc/${MARK}-cwd-relative`)).exitCode, 0);
    assert.deepEqual(hostFilesWithMark(), []);
    assert.equal(sha('/etc/passwd'), passwdBefore, 'host /etc/passwd unchanged');
  });

  test('an asset that is a link out of the lesson folder is refused before anything is copied', async () => {
    const evil = writeLesson(fixtures, 'evil', `
title: Evil
description: An asset link to the host's files
time: 1
assets:
  - { from: files/secret, to: /root/secret }
steps:
  - title: One
`, { 'step1.md': 'x\n', 'files/secret': 'harmless\n' });
    // The loader refuses linked assets too; here the link appears after loading (an edit).
    rmSync(path.join(evil.dir, 'files', 'secret'));
    symlinkSync('/etc/shadow', path.join(evil.dir, 'files', 'secret'));
    await assert.rejects(prepareLesson(driver, evil, new Map([['node1', box.id]])), /leads out of the lesson folder/);
    assert.equal((await sh(box.id, 'test -e /root/secret')).exitCode, 1);
    assert.ok(existsSync('/etc/shadow'));
  });
});
