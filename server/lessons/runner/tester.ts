// Replays a lesson in real sandboxes, the way `pier lesson test` and CI check every
// built-in lesson: a network and the lesson's nodes, assets and setup, then per step: its
// background script starts, the check must fail, the solution must succeed, the check
// must then pass.
import type { SandboxDriver, SandboxLimits } from '../../../sandbox/index.js';
import { OWNER_PID_LABEL } from '../../../sandbox/index.js';
import type { LoadedLesson, LoadedStep } from '../model.js';
import { lessonLimits } from './limits.js';
import { prepareLesson, PrepareError } from './prepare.js';
import type { ScriptResult } from './script.js';
import { runCheck, runSolution, startBackground } from './steps.js';

/** The outcome of one step's replay. */
export interface StepReport {
  index: number;
  title: string;
  node: string;
  ok: boolean;
  /** What went wrong, in one sentence (null when ok). */
  problem: string | null;
  /** Things that work but a student would miss, e.g. a failing check without a FAIL: line. */
  warnings: string[];
  /** The check before the solution (should fail), the solution, the check after (should pass). */
  before: ScriptResult | null;
  solution: ScriptResult | null;
  after: ScriptResult | null;
  durationMs: number;
}

/** The outcome of one lesson's replay. */
export interface LessonReport {
  id: string;
  ok: boolean;
  /** Set when the lesson could not even start (nodes, assets, setup). */
  problem: string | null;
  /** Starting nodes, copying assets and running setup. */
  prepareMs: number;
  steps: StepReport[];
  /** Checks that ran (a lesson with none proves nothing and is not ok: "nothing checked"). */
  checks: number;
  /** What works but deserves a look (a failed best-effort background script). */
  warnings: string[];
  durationMs: number;
}

/** The problem of a lesson whose replay ran no check. */
export const NOTHING_CHECKED = 'nothing checked: no step has a check, so the replay proves nothing (add a check and a solution to a step)';

/** What the tester needs. */
export interface LessonTestOptions {
  driver: SandboxDriver;
  /** The server's maximum limits (lesson limits are clamped to them). */
  maxLimits: SandboxLimits;
  /** Called as each step finishes (for live output). */
  onStep?: (step: StepReport) => void;
  /** Called with each network made, before its nodes start: the caller's cleanup list. */
  onNetwork?: (networkId: string) => void;
  /** Stops between steps when aborted. */
  signal?: AbortSignal;
}

/** Text of a title in English. */
const english = (t: LoadedLesson['meta']['title']): string => (typeof t === 'string' ? t : t.en);

/**
 * Replays `lesson` in fresh sandboxes and removes them afterwards (also on errors).
 * Never throws for a lesson's own failures: they are in the report.
 */
export async function testLesson(lesson: LoadedLesson, o: LessonTestOptions): Promise<LessonReport> {
  const started = performance.now();
  const report: LessonReport = { id: lesson.id, ok: false, problem: null, prepareMs: 0, steps: [], checks: 0, warnings: [], durationMs: 0 };
  const network = await o.driver.createNetwork();
  o.onNetwork?.(network.id);
  try {
    const limits = lessonLimits(lesson.meta.limits, o.maxLimits);
    const nodes = new Map<string, string>();
    const names = Array.from({ length: lesson.meta.nodes }, (_, i) => `node${i + 1}`);
    try {
      const infos = await Promise.all(
        names.map((hostname) => o.driver.create({ network: network.id, hostname, limits, labels: { [OWNER_PID_LABEL]: String(process.pid), 'pier.lesson-test': lesson.id } })),
      );
      infos.forEach((info, i) => nodes.set(names[i]!, info.id));
      const prepared = await prepareLesson(o.driver, lesson, nodes);
      report.warnings.push(...prepared.flatMap((p) => p.warnings));
    } catch (err) {
      report.problem = err instanceof PrepareError ? `${err.message}${err.result ? `\n${tail(err.result)}` : ''}` : `cannot start the lesson's nodes: ${(err as Error).message}`;
      return report;
    } finally {
      report.prepareMs = Math.round(performance.now() - started);
    }
    for (const step of lesson.steps) {
      if (o.signal?.aborted) {
        report.problem = 'interrupted';
        return report;
      }
      const sandboxId = nodes.get(step.node);
      const r = sandboxId === undefined ? missingNode(step) : await testStep(o.driver, sandboxId, lesson, step);
      report.steps.push(r);
      o.onStep?.(r);
      if (!r.ok) break; // later steps build on this one
    }
    report.checks = report.steps.filter((s) => s.after !== null).length;
    report.ok = report.steps.length === lesson.steps.length && report.steps.every((s) => s.ok);
    if (report.ok && report.checks === 0) {
      report.ok = false;
      report.problem = NOTHING_CHECKED;
    }
    return report;
  } finally {
    await o.driver.destroyNetwork(network.id);
    report.durationMs = Math.round(performance.now() - started);
  }
}

function missingNode(step: LoadedStep): StepReport {
  return { index: step.index, title: english(step.title), node: step.node, ok: false, problem: `the step runs on ${step.node}, which the lesson does not start (raise \`nodes\`)`, warnings: [], before: null, solution: null, after: null, durationMs: 0 };
}

async function testStep(driver: SandboxDriver, sandboxId: string, lesson: LoadedLesson, step: LoadedStep): Promise<StepReport> {
  const started = performance.now();
  const r: StepReport = { index: step.index, title: english(step.title), node: step.node, ok: false, problem: null, warnings: [], before: null, solution: null, after: null, durationMs: 0 };
  const finish = (problem: string | null): StepReport => {
    r.ok = problem === null;
    r.problem = problem;
    r.durationMs = Math.round(performance.now() - started);
    return r;
  };
  // The step opens as for a student: its background script starts (not waited for). (A foreground
  // script is typed into a terminal for the student to watch; the replay has none.)
  await startBackground(driver, sandboxId, lesson, step);
  if (step.checkPath !== undefined) {
    r.before = await runCheck(driver, sandboxId, lesson, step);
    if (r.before.passed) return finish('the check passes before the solution ran: it would let a student through without doing the step');
    if (r.before.timedOut) r.warnings.push(`the check timed out (${step.timeout} s) before the solution ran`);
    else if (r.before.failures.length === 0) r.warnings.push('the check fails without a FAIL: line: the student would not be told why');
  }
  if (step.solutionPath !== undefined) {
    r.solution = await runSolution(driver, sandboxId, lesson, step);
    if (!r.solution.passed) return finish(r.solution.timedOut ? 'the solution timed out' : `the solution exited ${r.solution.exitCode}`);
  } else if (step.checkPath !== undefined) {
    return finish('the step has a check but no solution script');
  }
  if (step.checkPath !== undefined) {
    r.after = await runCheck(driver, sandboxId, lesson, step);
    if (!r.after.passed) return finish(r.after.timedOut ? `the check timed out (${step.timeout} s) after the solution` : 'the check still fails after the solution');
  }
  return finish(null);
}

/** The last lines of a script's output, for a report. */
export function tail(r: ScriptResult, lines = 8): string {
  const text = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`.trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}
