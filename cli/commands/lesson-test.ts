// pier lesson test DIR…: replays each lesson in real sandboxes (setup, then per step: the
// check fails, the solution runs, the check passes) and prints a report per step with
// timings and the FAIL/HINT lines. Removes everything it made, also on Ctrl-C and errors.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { UsageError } from '../main.js';
import { openRuntime, runtimeOptions } from '../../server/runtime.js';
import { formatProblem, loadLesson } from '../../server/lessons/load.js';
import { lintLesson } from '../../server/lessons/lint.js';
import { loadConfig } from '../../server/config.js';
import { shortImageName, startMirror } from '../../server/mirror/index.js';
import { pino } from 'pino';
import { DEFAULT_LIMITS } from '../../sandbox/index.js';
import { NOTHING_CHECKED, testLesson, tail, type LessonReport, type StepReport } from '../../server/lessons/runner/tester.js';
import type { ScriptResult } from '../../server/lessons/runner/script.js';
import { TERMINAL_COMMAND } from '../../server/sessions/manager.js';

const HELP = `usage: pier lesson test [--text] [--json] DIR…
  Lints each lesson folder first: a lesson with any lint error or warning fails untested.
  Then replays it in fresh sandboxes: assets and setup, then for every step its check must
  fail, its solution must succeed, and its check must then pass. A lesson without any
  check is reported as "nothing checked" and fails.
  --text  as a student: instead of the hidden solution, type the step's clickable
          {{exec}} commands into real terminals, in order; the check must pass after them.
  Exit code 0 when every lesson passes, 1 otherwise.`;

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The tester's options for `--text`: the student's clicks typed into the playground's shell. */
function textMode(on: boolean): { mode?: 'text'; terminalCommand?: string[] } {
  return on ? { mode: 'text', terminalCommand: TERMINAL_COMMAND } : {};
}

function lines(prefix: string, r: ScriptResult | null): string[] {
  if (!r) return [];
  return [...r.failures.map((f) => `${prefix}FAIL: ${f}`), ...r.hints.map((h) => `${prefix}HINT: ${h}`)];
}

function printStep(s: StepReport): void {
  const timing = [s.typed !== undefined && `${s.typed} typed`, s.before && `check ${secs(s.before.durationMs)}`, s.solution && `solution ${secs(s.solution.durationMs)}`, s.after && `check ${secs(s.after.durationMs)}`]
    .filter(Boolean)
    .join(', ');
  console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} step ${s.index} (${s.node}) ${s.title} — ${secs(s.durationMs)}${timing ? ` (${timing})` : ''}`);
  for (const l of lines('         before: ', s.before)) console.log(l);
  for (const w of s.warnings) console.log(`         warning: ${w}`);
  if (!s.ok) {
    console.log(`         ${s.problem}`);
    const failed = s.after ?? s.solution ?? s.before;
    if (failed) for (const l of tail(failed).split('\n')) if (l.trim() !== '') console.log(`         | ${l}`);
    if (s.terminals) for (const l of s.terminals.split('\n')) console.log(`         > ${l}`);
  }
}

/**
 * Runs `pier lesson test` with its argv (after `test`).
 * @returns the exit code: 0 all passed, 1 a lesson failed, 2 usage
 */
export async function runLessonTests(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, text: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`no lesson folder given\n\n${HELP}`);
  // Nodes pull docker.io images through a host image mirror, as in a student's session (a
  // lesson's `docker run nginx` needs it offline): the tester runs its own on a free port.
  const config = loadConfig();
  let offline: () => string[] = () => [];
  const mirror = await startMirror({ ...config, mirrorPort: 0 }, pino({ level: 'warn' }, pino.destination(2)), () => ({ images: offline() }));
  const runtime = openRuntime(config, { mirrorPort: mirror?.port ?? null });
  offline = () => [...new Set((runtime.imageSet.current()?.images ?? []).flatMap((i) => i.tags.map(shortImageName)))];
  const driver = runtime.driver;
  const networks = new Set<string>();
  const abort = new AbortController();
  const cleanup = async () => {
    await Promise.all([...networks].map((id) => driver.destroyNetwork(id).catch(() => undefined)));
    await mirror?.close();
  };
  let interrupted = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted++;
    abort.abort();
    if (interrupted === 1) {
      console.error(`\n${sig}: removing the lesson sandboxes…`);
      void cleanup().finally(() => process.exit(130));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reports: LessonReport[] = [];
  try {
    for (const dir of positionals) {
      const gate = lintGate(dir, !values.json);
      if (gate !== null) {
        reports.push(gate);
        continue;
      }
      const load = loadLesson(path.resolve(dir));
      if (load.lesson === null) continue; // lintGate failed it already
      const lesson = load.lesson;
      if (!values.json) console.log(`lesson ${lesson.id} (${lesson.meta.nodes} node${lesson.meta.nodes > 1 ? 's' : ''}, ${lesson.steps.length} steps${lesson.meta.requires.length ? `, requires ${lesson.meta.requires.join(', ')}` : ''})`);
      const report = await testLesson(lesson, {
        driver,
        maxLimits: { ...DEFAULT_LIMITS, ...runtimeOptions(runtime.config).limits },
        signal: abort.signal,
        onNetwork: (id) => networks.add(id),
        onStep: values.json ? undefined : printStep,
        ...textMode(values.text === true),
      });
      networks.clear();
      reports.push(report);
      if (!values.json) {
        for (const w of report.warnings) console.log(`  warning: ${w}`);
        if (report.problem !== null) console.log(`  ${report.problem.split('\n').join('\n  ')}`);
        console.log(`${report.ok ? 'ok  ' : report.problem === NOTHING_CHECKED ? 'NONE' : 'FAIL'} ${lesson.id}: ${report.steps.filter((s) => s.ok).length}/${lesson.steps.length} steps in ${secs(report.durationMs)} (nodes, assets and setup ${secs(report.prepareMs)})\n`);
      }
      if (abort.signal.aborted) break;
    }
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const failed = reports.filter((r) => !r.ok);
  if (values.json) console.log(JSON.stringify({ ok: failed.length === 0, lessons: reports }, null, 2));
  else console.log(failed.length === 0 ? `${reports.length} lesson(s) passed` : `${failed.length} of ${reports.length} lesson(s) failed: ${failed.map((r) => r.id).join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

/**
 * `pier lesson test` replays only lessons that lint clean (no error, no warning): a lesson
 * lint complains about is failed with lint's lines. Returns null when the lesson may run.
 */
function lintGate(dir: string, print: boolean): LessonReport | null {
  const lint = lintLesson(dir, { outbound: loadConfig().outbound });
  if (lint.problems.length === 0) return null;
  const lines = lint.problems.map((p) => formatProblem(p, dir));
  if (print) {
    console.log(`FAIL ${lint.id}: does not lint clean (${lint.errors} error(s), ${lint.warnings} warning(s)); fix these first`);
    for (const l of lines) console.log(`  ${l}`);
  }
  return { id: lint.id, ok: false, problem: `does not lint clean:\n${lines.join('\n')}`, prepareMs: 0, steps: [], checks: 0, warnings: [], durationMs: 0 };
}
