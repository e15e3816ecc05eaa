// Replays a lesson in real sandboxes, the way `pier lesson test` and CI check every
// built-in lesson: a network and the lesson's nodes, assets and setup, then per step: its
// background script starts, the check must fail, the solution must succeed, the check
// must then pass. In text mode (`--text`) the step's clickable `{{exec}}` commands are
// typed into real terminals instead of running the hidden solution, and the check must
// pass after them: the lesson can be done from its text alone.
import type { SandboxDriver, SandboxLimits } from '../../../sandbox/index.js';
import { OWNER_PID_LABEL } from '../../../sandbox/index.js';
import type { LoadedLesson, LoadedStep } from '../model.js';
import { lessonLimits } from './limits.js';
import { prepareLesson, PrepareError } from './prepare.js';
import type { ScriptResult } from './script.js';
import { foregroundText, runCheck, runSolution, startBackground } from './steps.js';
import { StudentTerminals, type TypedResult } from './student-terminals.js';
import { textActions } from '../markdown/text-actions.js';

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
  /** Text mode: how many clicked commands were typed, and the terminals' last lines when the step failed. */
  typed?: number;
  terminals?: string;
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
  /** `solution` (default): check fails, solution, check passes. `text`: the step's {{exec}} commands, then the check passes. */
  mode?: 'solution' | 'text';
  /** Text mode: the shell a terminal runs, as the playground opens it. */
  terminalCommand?: string[];
}

/** The shell of a terminal when the caller does not say (the playground's). */
const DEFAULT_TERMINAL_COMMAND = ['/bin/bash', '-l'];

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
    const terminals = o.mode === 'text' ? new StudentTerminals(o.driver, nodes, o.terminalCommand ?? DEFAULT_TERMINAL_COMMAND) : null;
    try {
      for (const step of lesson.steps) {
        if (o.signal?.aborted) {
          report.problem = 'interrupted';
          return report;
        }
        const sandboxId = nodes.get(step.node);
        const r =
          sandboxId === undefined ? missingNode(step) : terminals ? await testStepText(o.driver, sandboxId, lesson, step, terminals) : await testStep(o.driver, sandboxId, lesson, step);
        report.steps.push(r);
        o.onStep?.(r);
        if (!r.ok) break; // later steps build on this one
      }
    } finally {
      terminals?.close();
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

/**
 * Text mode: the step opens (background script, foreground typed into the step node's first
 * terminal), every clicked command of its English text is typed in order, each waited for
 * until its terminal is back at a prompt, then the check must pass.
 */
async function testStepText(driver: SandboxDriver, sandboxId: string, lesson: LoadedLesson, step: LoadedStep, terminals: StudentTerminals): Promise<StepReport> {
  const started = performance.now();
  const r: StepReport = { index: step.index, title: english(step.title), node: step.node, ok: false, problem: null, warnings: [], before: null, solution: null, after: null, typed: 0, durationMs: 0 };
  const finish = (problem: string | null): StepReport => {
    r.ok = problem === null;
    r.problem = problem;
    if (problem !== null) r.terminals = terminals.tails();
    r.durationMs = Math.round(performance.now() - started);
    return r;
  };
  await startBackground(driver, sandboxId, lesson, step);
  const foreground = foregroundText(step);
  if (foreground !== null) {
    const typed = await terminals.typeInto(step.node, foreground);
    if (!typed.ok) return finish(`the foreground script: ${typed.problem}`);
  }
  const actions = textActions(step.markdown.en);
  const file = step.text ?? `step${step.index}.md`;
  // Control keys at the very end of a step ("stop the server with ^C when you are done")
  // are pressed after the check, as a student does.
  let end = actions.length;
  while (end > 0 && actions[end - 1]!.ctrlSeq) end--;
  const main = actions.slice(0, end);
  let passed = false;
  for (const [i, action] of main.entries()) {
    // A click that the next click on the same terminal interrupts is not waited for.
    const next = main.slice(i + 1).find((a) => (a.node ?? 'node1') === (action.node ?? 'node1'));
    const interruptedNext = next !== undefined && (next.interrupt || next.ctrlSeq) && (next.terminal ?? null) === (action.terminal ?? null);
    const typing = terminals.run(action, interruptedNext);
    // The last command may be a server the check talks to: it is checked while it runs.
    const last = i === main.length - 1 && step.checkPath !== undefined;
    const typed = last ? await checkedWhileRunning(typing, () => runCheck(driver, sandboxId, lesson, step), (c) => (r.after = c)) : { ...(await typing), passed: false };
    r.typed = i + 1;
    passed = typed.passed;
    if (!typed.ok && !passed) return finish(`${file}:${action.line}: \`${action.text.split('\n')[0]}\`: ${typed.problem}`);
  }
  if (step.checkPath !== undefined && !passed) {
    r.after = await runCheck(driver, sandboxId, lesson, step);
    if (!r.after.passed) {
      const what = actions.length === 0 ? 'its text has no {{exec}} command to click' : `after the ${main.length} command(s) of its text`;
      return finish(r.after.timedOut ? `the check timed out (${step.timeout} s) ${what}` : `the check still fails ${what}`);
    }
  }
  for (const action of actions.slice(end)) {
    const typed = await terminals.run(action, false);
    r.typed = (r.typed ?? 0) + 1;
    if (!typed.ok) return finish(`${file}:${action.line}: \`${action.text}\`: ${typed.problem}`);
  }
  return finish(null);
}

/** Seconds between checks while a step's last command still runs (as `watch: true` re-checks). */
export const TEXT_CHECK_INTERVAL_MS = 3000;

/**
 * Waits for `typing` (a command coming back to its prompt) while running `check` every
 * TEXT_CHECK_INTERVAL_MS: a server left running in the foreground passes as soon as the check
 * does, a long build once it is back at the prompt (the caller checks again then).
 */
async function checkedWhileRunning(
  typing: Promise<TypedResult>,
  check: () => Promise<ScriptResult>,
  onCheck: (r: ScriptResult) => void,
): Promise<TypedResult & { passed: boolean }> {
  let settled: TypedResult | null = null;
  const done = typing.then((t) => (settled = t));
  for (;;) {
    const tick = new Promise<void>((resolve) => setTimeout(resolve, TEXT_CHECK_INTERVAL_MS));
    await Promise.race([done, tick]);
    if (settled !== null) return { ...(settled as TypedResult), passed: false };
    const c = await check();
    onCheck(c);
    if (c.passed) return { ok: true, problem: null, passed: true };
  }
}

/** The last lines of a script's output, for a report. */
export function tail(r: ScriptResult, lines = 8): string {
  const text = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`.trimEnd();
  return text.split('\n').slice(-lines).join('\n');
}
