// The built-in course (lessons/01-… to 10-…): what issue 6 asks of every lesson beyond the
// replay in lessons.test.ts. (1) Content: Korean and English for every text, a check with
// FAIL and HINT lines in both languages and a solution (script and explanation) for every
// step, clean lint (which includes issue 14.7: every FAIL line has its FAIL[ko]: line).
// (2) Honest checks: on fresh nodes (setup done, no step done), every check fails and says
// why — in English and, for a Korean student, in Korean only — so no check can be passed by
// doing an earlier step only. (3) Issue 14.3: the course done from its text alone
// (`pier lesson test --text`): each step's {{exec}} commands typed into real terminals,
// and every check passes after them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLessonDir, loadLesson, formatProblem } from '../../server/lessons/load.js';
import { lintLesson } from '../../server/lessons/lint.js';
import { lessonLimits } from '../../server/lessons/runner/limits.js';
import { prepareLesson } from '../../server/lessons/runner/prepare.js';
import { runCheck } from '../../server/lessons/runner/steps.js';
import { untranslated } from '../../server/lessons/runner/script.js';
import { testLesson, tail } from '../../server/lessons/runner/tester.js';
import { TERMINAL_COMMAND } from '../../server/sessions/manager.js';
import type { LoadedLesson } from '../../server/lessons/model.js';
import { DEFAULT_LIMITS, OWNER_PID_LABEL } from '../../sandbox/index.js';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime } from '../helpers/sandbox.js';
import { openMirroredRuntime, type MirroredRuntime } from '../helpers/mirror.js';

const LESSONS_DIR = fileURLToPath(new URL('../../lessons/', import.meta.url));
/** The course: numbered lesson folders 01-… to 99-… (00-format-tour is the hidden format demo). */
const courseDirs = readdirSync(LESSONS_DIR)
  .filter((name) => /^(0[1-9]|[1-9]\d)-/.test(name))
  .sort()
  .map((name) => path.join(LESSONS_DIR, name))
  .filter(isLessonDir);

/** Hangul syllables: the Korean half of a bilingual line. */
const HANGUL = /[\uac00-\ud7a3]/;

function load(dir: string): LoadedLesson {
  const r = loadLesson(dir);
  assert.ok(r.lesson, `${path.basename(dir)} does not load:\n${r.problems.map((p) => formatProblem(p, dir)).join('\n')}`);
  return r.lesson;
}

describe('the built-in course: content', () => {
  test('the course has the ten lessons of issue 6, in order', () => {
    const ids = courseDirs.map((d) => path.basename(d));
    assert.equal(ids.length, 10, ids.join(', '));
    const topics = [/vm/, /namespace/, /cgroup/, /chroot|rootfs/, /image.*layer|layer/, /docker-basics|basics/, /namespace-demo|demo/, /build/, /multi|compose|several/, /architecture/];
    topics.forEach((re, i) => assert.match(ids[i]!, re, `lesson ${i + 1}`));
  });

  for (const dir of courseDirs) {
    const id = path.basename(dir);
    test(`${id}: Korean and English everywhere, a checked step with hints and a solution each, clean lint`, () => {
      const lesson = load(dir);
      assert.ok(typeof lesson.meta.title !== 'string' && HANGUL.test(lesson.meta.title.ko), 'title has a Korean form');
      assert.ok(typeof lesson.meta.description !== 'string' && HANGUL.test(lesson.meta.description.ko), 'description has a Korean form');
      assert.ok(lesson.meta.time >= 10 && lesson.meta.time <= 60, `time estimate ${lesson.meta.time} min`);
      for (const f of ['lesson.md', 'lesson.ko.md', 'finish.md', 'finish.ko.md']) assert.ok(existsSync(path.join(dir, f)), `${f} exists`);
      assert.ok(HANGUL.test(lesson.intro.ko) && !HANGUL.test(lesson.intro.en), 'intro in both languages');
      assert.ok(HANGUL.test(lesson.finish.ko), 'finish in Korean');
      for (const step of lesson.steps) {
        const s = `step ${step.index}`;
        assert.ok(typeof step.title !== 'string' && HANGUL.test(step.title.ko), `${s}: title has a Korean form`);
        assert.ok(HANGUL.test(step.markdown.ko) && !HANGUL.test(step.markdown.en), `${s}: text in both languages (stepN.ko.md)`);
        assert.ok(step.checkPath, `${s}: has a check`);
        assert.ok(step.solutionPath, `${s}: has a solution`);
        for (const p of [step.checkPath!, step.solutionPath!]) accessSync(p, constants.X_OK);
        assert.ok(step.solutionMarkdown && step.solutionMarkdown.en.trim() !== '', `${s}: the solution is explained (stepN.solution.md)`);
        const check = readFileSync(step.checkPath!, 'utf8');
        const fails = check.split('\n').filter((l) => l.includes('FAIL: '));
        const hints = check.split('\n').filter((l) => l.includes('HINT: '));
        assert.ok(fails.length > 0 && hints.length > 0, `${s}: the check prints FAIL and HINT lines`);
        assert.ok(fails.every((l) => /FAIL\[ko\]: [^"]*[\uac00-\ud7a3]/.test(l)), `${s}: every FAIL line is followed by its Korean FAIL[ko]: line`);
      }
      const lint = lintLesson(dir);
      assert.equal(lint.errors + lint.warnings, 0, lint.problems.map((p) => formatProblem(p, dir)).join('\n'));
    });
  }
});

describe('the built-in course: every check fails on fresh nodes', rootSuite(), () => {
  for (const dir of courseDirs) {
    const id = path.basename(dir);
    test(`${id}: no check passes before any step is done`, { timeout: 10 * 60_000 }, async () => {
      const lesson = load(dir);
      const network = await driver.createNetwork();
      try {
        const maxLimits = { ...DEFAULT_LIMITS, ...runtime.config.limits, memoryBytes: runtime.config.limits.memory, diskBytes: runtime.config.limits.disk };
        const limits = lessonLimits(lesson.meta.limits, maxLimits);
        const names = Array.from({ length: lesson.meta.nodes }, (_, i) => `node${i + 1}`);
        const infos = await Promise.all(
          names.map((hostname) => driver.create({ network: network.id, hostname, limits, labels: { [OWNER_PID_LABEL]: String(process.pid), 'pier.course-test': id } })),
        );
        const nodes = new Map(names.map((n, i) => [n, infos[i]!.id] as const));
        await prepareLesson(driver, lesson, nodes);
        for (const step of lesson.steps) {
          const r = await runCheck(driver, nodes.get(step.node)!, lesson, step);
          assert.equal(r.passed, false, `step ${step.index} (${step.node}): the check passes on a fresh node`);
          assert.equal(r.timedOut, false, `step ${step.index}: the check timed out on a fresh node instead of saying why`);
          assert.ok(r.failures.length > 0, `step ${step.index}: the check fails without a FAIL: line`);
          assert.ok(r.failures.every((f) => !HANGUL.test(f)), `step ${step.index}: an English student sees Korean: ${r.failures.join(' | ')}`);
          // The same check for a Korean student: only Korean reasons (PIER_LANG=ko picks FAIL[ko]:).
          const ko = await runCheck(driver, nodes.get(step.node)!, lesson, step, 'ko');
          assert.equal(ko.passed, false);
          assert.ok(ko.failures.length > 0 && ko.failures.every((f) => HANGUL.test(f)), `step ${step.index}: a Korean student sees: ${ko.failures.join(' | ')}`);
          assert.deepEqual(untranslated(ko.messages, 'ko').filter((m) => m.kind === 'fail'), [], `step ${step.index}: FAIL lines without FAIL[ko]:`);
        }
      } finally {
        await driver.destroyNetwork(network.id);
      }
    });
  }
});

describe('the built-in course done from its text alone (pier lesson test --text)', rootSuite(), () => {
  // Its Docker lessons pull images as a student's nodes do: through the host image mirror.
  let mirrored: MirroredRuntime;
  before(async () => {
    mirrored = await openMirroredRuntime();
  });
  after(() => mirrored?.close());
  for (const dir of [path.join(LESSONS_DIR, '00-format-tour'), ...courseDirs]) {
    const id = path.basename(dir);
    test(`${id}: every check passes after the step's {{exec}} commands`, { timeout: 15 * 60_000 }, async () => {
      const lesson = load(dir);
      const maxLimits = { ...DEFAULT_LIMITS, ...runtime.config.limits, memoryBytes: runtime.config.limits.memory, diskBytes: runtime.config.limits.disk };
      const report = await testLesson(lesson, { driver: mirrored.driver, maxLimits, mode: 'text', terminalCommand: TERMINAL_COMMAND });
      const why = [
        report.problem,
        ...report.steps.filter((s) => !s.ok).map((s) => `step ${s.index} ${s.title}: ${s.problem}\n${s.after ? tail(s.after) : ''}\n${s.terminals ?? ''}`),
      ].filter(Boolean);
      assert.ok(report.ok, why.join('\n'));
      assert.equal(report.steps.length, lesson.steps.length);
      // Every checked step was checked after its commands, and the text offered commands.
      for (const s of report.steps) assert.ok((s.typed ?? 0) > 0, `step ${s.index}: its text has no command to click`);
    });
  }
});
