// A step's scripts in a node: its check and its solution (run to completion, as root,
// script on stdin) and its background script (beside the student, with a timeout, output to a log).
import { readFileSync } from 'node:fs';
import type { SandboxDriver } from '../../../sandbox/index.js';
import type { LessonLang, LoadedLesson, LoadedStep } from '../model.js';
import { runScript, type ScriptResult } from './script.js';

/** Seconds a solution may run (they replay what a student types, installs included). */
export const SOLUTION_TIMEOUT_S = 300;
/** Seconds a background script may run before its process tree is killed. */
export const BACKGROUND_TIMEOUT_S = 300;

const stepEnv = (lesson: LoadedLesson, step: LoadedStep): Record<string, string> => ({
  PIER_LESSON: lesson.id,
  PIER_STEP: String(step.index),
  PIER_NODE: step.node,
});

/**
 * Runs the step's check in `sandboxId` (the step's node) with the step's timeout, in the
 * student's language `lang` (PIER_LANG; its FAIL/HINT lines are chosen for it).
 * @throws Error when the step has no check
 */
export function runCheck(driver: SandboxDriver, sandboxId: string, lesson: LoadedLesson, step: LoadedStep, lang: LessonLang = 'en'): Promise<ScriptResult> {
  if (step.checkPath === undefined) throw new Error(`step ${step.index} of ${lesson.id} has no check`);
  return runScript(driver, sandboxId, readFileSync(step.checkPath, 'utf8'), { timeoutSeconds: step.timeout, env: stepEnv(lesson, step), lang });
}

/**
 * Runs the step's solution in `sandboxId`.
 * @throws Error when the step has no solution script
 */
export function runSolution(driver: SandboxDriver, sandboxId: string, lesson: LoadedLesson, step: LoadedStep): Promise<ScriptResult> {
  if (step.solutionPath === undefined) throw new Error(`step ${step.index} of ${lesson.id} has no solution`);
  return runScript(driver, sandboxId, readFileSync(step.solutionPath, 'utf8'), { timeoutSeconds: SOLUTION_TIMEOUT_S, env: stepEnv(lesson, step) });
}

/**
 * Starts the step's background script in the node with pier's shell (script on stdin) and
 * returns without waiting for it: it runs beside the student for up to `timeoutSeconds`
 * (BACKGROUND_TIMEOUT_S), then its whole process tree is killed. Its output (capped like a
 * check's) goes to `onExit` when it ends. Resolves once its exec was started.
 */
export async function startBackground(
  driver: SandboxDriver,
  sandboxId: string,
  lesson: LoadedLesson,
  step: LoadedStep,
  onExit: (result: ScriptResult) => void = () => undefined,
  timeoutSeconds: number = BACKGROUND_TIMEOUT_S,
): Promise<void> {
  if (step.backgroundPath === undefined) return;
  const script = readFileSync(step.backgroundPath, 'utf8');
  runScript(driver, sandboxId, script, { timeoutSeconds, env: stepEnv(lesson, step) }).then(onExit, (err: unknown) =>
    onExit({ passed: false, exitCode: null, timedOut: false, failures: [], hints: [], messages: [], stdout: '', stderr: String(err), durationMs: 0 }),
  );
}

/** The text of a step's foreground script, to type into the student's first terminal. */
export function foregroundText(step: LoadedStep): string | null {
  if (step.foregroundPath === undefined) return null;
  const text = readFileSync(step.foregroundPath, 'utf8').replace(/^#!.*\n/, '');
  return text.endsWith('\n') ? text : `${text}\n`;
}
