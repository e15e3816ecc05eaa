// Issue 11, point 7: the scripts pier runs in a node (checks, solutions, setup, background)
// cannot be hijacked by the student's files. A student root replaces /bin/bash and /bin/sh
// with scripts that write a marker and exit 0, removes setsid and puts a fake `bash` first
// in PATH; checks still give the honest verdict under pier's own shell, the marker is never
// written by them, a background script that never ends is killed at its timeout, and a
// concurrent Solve, Solve and Check run the solution and the check once.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { rootSuite } from '../helpers/root.js';
import { driver, show, shOk } from '../helpers/sandbox.js';
import { writeLesson } from '../helpers/lesson-fixture.js';
import { runCheck, startBackground } from '../../server/lessons/runner/steps.js';
import type { ScriptResult } from '../../server/lessons/runner/script.js';
import { LessonSession } from '../../server/sessions/lesson-session.js';
import { openStore, type Store } from '../../server/store/store.js';
import type { LoadedLesson } from '../../server/lessons/model.js';
import { PIER_BASH, type SandboxInfo } from '../../sandbox/index.js';

const MARK = `/root/hijacked-${randomBytes(4).toString('hex')}`;
/** What the student puts in place of each shell: it records that it ran and "passes". */
const EVIL = (name: string) => `#!/usr/bin/dash\necho ${name} >> ${MARK}\nexit 0\n`;

/** Counts the background script's `sleep` processes (the pattern does not match itself). */
const COUNT_SLEEPS = "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f 2>/dev/null; echo; done | grep -c 'sleep 10000[1]' || true";

/** Runs `script` with pier's shell from outside (the test's probe; the student's shells are gone). */
async function probe(id: string, script: string): Promise<string> {
  const r = await driver.run(id, { cmd: [PIER_BASH, '-c', script], timeoutMs: 30_000 });
  assert.equal(r.exitCode, 0, show(r));
  return r.stdout;
}

describe('lesson scripts run under pier\'s own shell (issue 11, point 7)', rootSuite(), () => {
  let fixtures: string;
  let lesson: LoadedLesson;
  let box: SandboxInfo;
  let store: Store;

  before(async () => {
    fixtures = mkdtempSync(path.join(tmpdir(), 'pier-lesson-interp-'));
    lesson = writeLesson(
      fixtures,
      'interp',
      `
title: Interpreter
description: Checks under a hijacked node
time: 1
solve: true
steps:
  - title: Make done
  - title: Background
`,
      {
        'step1.md': 'Create /root/done.\n',
        // `bash` and `sh` inside the check resolve by PATH: they must be pier's too.
        'step1.check.sh': [
          '#!/bin/bash',
          'echo "shell $(readlink /proc/$$/exe)"',
          'echo x >> /root/check-count',
          "bash -c 'test -f /root/done' || { echo 'FAIL: /root/done is missing'; exit 1; }",
          "sh -c 'test -f /root/done' || { echo 'FAIL: sh disagrees'; exit 1; }",
          '',
        ].join('\n'),
        'step1.solution.sh': '#!/bin/bash\necho x >> /root/solve-count\nsleep 1\ntouch /root/done\n',
        'step2.md': 'Wait.\n',
        'step2.background.sh': '#!/bin/bash\necho "bg $(readlink /proc/$$/exe)" > /root/bg-started\nsleep 100001 &\nwait\n',
      },
    );
    box = await driver.create({ hostname: 'node1' });
    store = openStore(path.join(fixtures, 'pier.db'));
    // The attack, from the student's root shell.
    await shOk(
      box.id,
      [
        `printf '%s' '${EVIL('bin-bash')}' > /root/evil-bash`,
        `printf '%s' '${EVIL('path-bash')}' > /usr/local/bin/bash`,
        'chmod 755 /root/evil-bash /usr/local/bin/bash',
        'rm -f /usr/bin/setsid',
        'rm -f /usr/bin/bash && cp /root/evil-bash /usr/bin/bash',
        `printf '%s' '${EVIL('bin-sh')}' > /root/evil-sh && chmod 755 /root/evil-sh`,
        'rm -f /usr/bin/sh && cp /root/evil-sh /usr/bin/sh',
      ].join(' && '),
    );
  });

  after(async () => {
    store?.close();
    if (box) await driver.destroy(box.id);
    if (fixtures) rmSync(fixtures, { recursive: true, force: true });
  });

  test('the attack is real: the node\'s bash, sh and PATH bash write the marker; setsid is gone', async () => {
    for (const cmd of [['/bin/bash', '-c', 'exit 3'], ['/bin/sh', '-c', 'exit 3'], ['bash', '-c', 'exit 3']]) {
      const r = await driver.run(box.id, { cmd, env: { PATH: '/usr/local/bin:/usr/bin:/bin' }, timeoutMs: 10_000 });
      assert.equal(r.exitCode, 0, `${cmd[0]} is the student's: exits 0 whatever it is asked (${show(r)})`);
    }
    assert.deepEqual((await probe(box.id, `cat ${MARK}`)).trim().split('\n'), ['bin-bash', 'bin-sh', 'path-bash']);
    assert.equal((await probe(box.id, 'test -e /usr/bin/setsid || echo gone')).trim(), 'gone');
    await probe(box.id, `rm -f ${MARK}`);
  });

  test('a check that must fail fails, one that must pass passes; the marker is never written', async () => {
    const step = lesson.steps[0]!;
    const failing = await runCheck(driver, box.id, lesson, step);
    assert.equal(failing.passed, false, failing.stdout + failing.stderr);
    assert.deepEqual(failing.failures, ['/root/done is missing']);
    assert.match(failing.stdout, new RegExp(`^shell ${PIER_BASH}$`, 'm'));
    await probe(box.id, 'touch /root/done');
    const passing = await runCheck(driver, box.id, lesson, step);
    assert.equal(passing.passed, true, passing.stdout + passing.stderr);
    assert.deepEqual(passing.failures, []);
    assert.equal((await probe(box.id, `test -e ${MARK} && cat ${MARK} || echo none`)).trim(), 'none');
    await probe(box.id, 'rm -f /root/done /root/check-count');
  });

  test('pier\'s shell cannot be replaced or renamed away by the student', async () => {
    const r = await driver.run(box.id, {
      cmd: [PIER_BASH, '-c', `cp /root/evil-bash ${PIER_BASH}; rm -f ${PIER_BASH}; mv /.pier /.pier-old; echo x > /.pier/x; test -x ${PIER_BASH} && echo intact`],
      timeoutMs: 10_000,
    });
    assert.equal(r.stdout.trim(), 'intact', show(r));
    assert.match(r.stderr, /Read-only file system|Device or resource busy/);
  });

  test('a background script that never ends is killed, with its children, at its timeout', async () => {
    const step = lesson.steps[1]!;
    const ended = new Promise<ScriptResult>((resolve) => void startBackground(driver, box.id, lesson, step, resolve, 3));
    const running = await probe(box.id, `for i in $(seq 200); do [ -f /root/bg-started ] && break; sleep 0.05; done; ${COUNT_SLEEPS}`);
    assert.equal(running.trim(), '1', 'its child runs while it runs');
    const r = await ended;
    assert.equal(r.timedOut, true, JSON.stringify(r));
    assert.ok(r.durationMs >= 3000 && r.durationMs < 15_000, `killed after ${r.durationMs} ms`);
    assert.equal((await probe(box.id, 'cat /root/bg-started')).trim(), `bg ${PIER_BASH}`, 'it ran, under pier\'s shell, without setsid');
    const left = await probe(box.id, COUNT_SLEEPS);
    assert.equal(left.trim(), '0', 'no process of the background script is left');
  });

  test('Solve, Solve and Check at once: the solution and the check run once, all get the same result', async () => {
    const session = new LessonSession({
      driver,
      store,
      log: pino({ level: 'silent' }),
      lessons: { get: () => lesson },
      lesson,
      owner: 'student-1',
      sandboxOf: () => box.id,
      publish: () => undefined,
      typeInto: async () => undefined,
      now: () => Date.now(),
    });
    session.markReady();
    const [a, b, c] = await Promise.all([session.solve(1), session.solve(1), session.check(1)]);
    assert.equal(a.passed, true, JSON.stringify(a));
    assert.equal(b, a);
    assert.equal(c, a);
    assert.equal((await probe(box.id, 'wc -l < /root/solve-count; wc -l < /root/check-count')).trim().split(/\s+/).join(' '), '1 1');
    assert.equal((await probe(box.id, `test -e ${MARK} && cat ${MARK} || echo none`)).trim(), 'none');
    session.dispose();
  });
});
