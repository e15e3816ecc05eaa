// A step's scripts in a node: its check and its solution (run to completion, as root,
// script on stdin) and its background script (detached in the node, output to a log).
import { readFileSync } from 'node:fs';
import type { SandboxDriver } from '../../../sandbox/index.js';
import type { LoadedLesson, LoadedStep } from '../model.js';
import { runScript, type ScriptResult } from './script.js';

/** Seconds a solution may run (they replay what a student types, installs included). */
export const SOLUTION_TIMEOUT_S = 300;
/** Bytes of a background script's output kept for the log. */
const BACKGROUND_LOG_BYTES = 16 * 1024;

const stepEnv = (lesson: LoadedLesson, step: LoadedStep): Record<string, string> => ({
  PIER_LESSON: lesson.id,
  PIER_STEP: String(step.index),
  PIER_NODE: step.node,
});

/**
 * Runs the step's check in `sandboxId` (the step's node) with the step's timeout.
 * @throws Error when the step has no check
 */
export function runCheck(driver: SandboxDriver, sandboxId: string, lesson: LoadedLesson, step: LoadedStep): Promise<ScriptResult> {
  if (step.checkPath === undefined) throw new Error(`step ${step.index} of ${lesson.id} has no check`);
  return runScript(driver, sandboxId, readFileSync(step.checkPath, 'utf8'), { timeoutSeconds: step.timeout, env: stepEnv(lesson, step) });
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
 * Starts the step's background script detached in the node (`setsid -f bash -s`, script
 * on stdin): it outlives this call and the exec that started it. Its output (capped) goes
 * to `onExit` when it ends. Resolves once it was started.
 */
export async function startBackground(
  driver: SandboxDriver,
  sandboxId: string,
  lesson: LoadedLesson,
  step: LoadedStep,
  onExit: (output: string) => void = () => undefined,
): Promise<void> {
  if (step.backgroundPath === undefined) return;
  const script = readFileSync(step.backgroundPath, 'utf8');
  const child = await driver.execPiped(sandboxId, {
    cmd: ['setsid', '-f', '/bin/bash', '-s'],
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', ...stepEnv(lesson, step) },
    cwd: '/root',
  });
  let output = '';
  const keep = (d: Buffer) => {
    if (output.length < BACKGROUND_LOG_BYTES) output += d.toString('utf8').slice(0, BACKGROUND_LOG_BYTES - output.length);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.stdin.on('error', () => undefined);
  child.stdin.end(script);
  child.on('error', () => onExit(output));
  child.on('close', () => onExit(output));
}

/** The text of a step's foreground script, to type into the student's first terminal. */
export function foregroundText(step: LoadedStep): string | null {
  if (step.foregroundPath === undefined) return null;
  const text = readFileSync(step.foregroundPath, 'utf8').replace(/^#!.*\n/, '');
  return text.endsWith('\n') ? text : `${text}\n`;
}
