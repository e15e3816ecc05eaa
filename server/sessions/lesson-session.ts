// The lesson side of one session: preparing its nodes (assets, setup) with progress, the
// steps' scripts when a step opens, checks (once, or watched until they pass), "Solve",
// and the owner's progress, written to the store before any answer says a step passed.
import type { Logger } from 'pino';
import type { SandboxDriver } from '../../sandbox/index.js';
import type { CheckResult, LessonLang, LessonState, WriteResult } from '../../protocol/lesson.js';
import { ServerError } from '../errors.js';
import type { LoadedLesson, LoadedStep } from '../lessons/model.js';
import { prepareLesson, PrepareError } from '../lessons/runner/prepare.js';
import type { ScriptResult } from '../lessons/runner/script.js';
import { foregroundText, runCheck, runSolution, startBackground } from '../lessons/runner/steps.js';
import { writeActions } from '../lessons/markdown/blocks.js';
import { writeNodeFile } from '../lessons/runner/write.js';
import type { Store } from '../store/store.js';

/** Where the session core finds lessons by id (the lesson catalog). */
export interface LessonSource {
  /** The lesson as it is now (edits show up), or null when there is no such usable lesson. */
  get(id: string): LoadedLesson | null;
}

/** Seconds between runs of a `watch: true` check. */
export const WATCH_INTERVAL_MS = 3000;

/** What a lesson session needs from its session. */
export interface LessonSessionOptions {
  driver: SandboxDriver;
  store: Store;
  log: Logger;
  lessons: LessonSource;
  /** The lesson as loaded when the session started (used if the catalog loses it). */
  lesson: LoadedLesson;
  owner: string;
  /** The sandbox of a running node, or null. */
  sandboxOf: (node: string) => string | null;
  /** Publishes the state (the `lesson` session event). */
  publish: (state: LessonState) => void;
  /** Types text into the node's first terminal (foreground scripts). */
  typeInto: (node: string, text: string) => Promise<void>;
  now: () => number;
  /** Told after a step's activity (opened, failed check, pass, Solve) is in the store. */
  onActivity?: (lessonId: string, step: number) => void;
}

/** The reason shown when a check failed without a FAIL line, in the student's language. */
function noReason(lang: LessonLang, timedOut: boolean, timeoutS: number): string {
  if (lang === 'ko') return timedOut ? `검사가 ${timeoutS}초 안에 끝나지 않았습니다.` : '아직 완료되지 않았습니다.';
  return timedOut ? `The check took longer than ${timeoutS} s.` : 'Not done yet.';
}

/** One session's lesson. */
export class LessonSession {
  readonly #o: LessonSessionOptions;
  #phase: LessonState['phase'] = 'preparing';
  #progress = 0;
  #message: string | null = null;
  /** Steps whose background/foreground scripts have started (once per session). */
  readonly #opened = new Set<number>();
  /** Watch loops per step. */
  readonly #watches = new Map<number, NodeJS.Timeout>();
  /** Checks running per step, so a watch and a button press do not overlap. */
  readonly #running = new Map<number, Promise<CheckResult>>();
  /** Solves running per step (a Check meanwhile waits for the Solve's result). */
  readonly #solving = new Map<number, Promise<CheckResult>>();
  #disposed = false;
  /** The language of the student's last request: watched checks speak it too. */
  #lang: LessonLang = 'en';

  constructor(options: LessonSessionOptions) {
    this.#o = options;
  }

  get lessonId(): string {
    return this.#o.lesson.id;
  }

  /** The lesson as the catalog has it now (an author's edit shows up at the next check). */
  #lesson(): LoadedLesson {
    return this.#o.lessons.get(this.#o.lesson.id) ?? this.#o.lesson;
  }

  /** The session's lesson state for its owner. */
  state(): LessonState {
    const steps = this.#lesson().steps.length;
    const passed = this.#o.store.passedSteps(this.#o.owner, this.lessonId).filter((s) => s <= steps);
    const solved = this.#o.store.solvedSteps(this.#o.owner, this.lessonId).filter((s) => passed.includes(s));
    let current = 1;
    while (passed.includes(current)) current++;
    return { lessonId: this.lessonId, phase: this.#phase, progress: this.#progress, message: this.#message, passed, solved, current };
  }

  /** Marks the lesson ready without preparing (a session adopted after a restart). */
  markReady(): void {
    this.#phase = 'ready';
    this.#progress = 1;
  }

  /**
   * Copies assets and runs setup in the given nodes (node name → sandbox id: all of them
   * at the start, one after a reset), publishing progress; ends `ready` or `failed` (never
   * throws).
   */
  async prepare(nodes: ReadonlyMap<string, string>): Promise<void> {
    this.#phase = 'preparing';
    this.#progress = 0;
    this.#message = null;
    this.#publish();
    const started = this.#o.now();
    try {
      const prepared = await prepareLesson(this.#o.driver, this.#lesson(), nodes, (fraction, message) => {
        this.#progress = Math.min(0.99, fraction);
        this.#o.log.debug({ lesson: this.lessonId, message }, 'lesson preparing');
        this.#publish();
      });
      for (const p of prepared) for (const warning of p.warnings) this.#o.log.warn({ lesson: this.lessonId, node: p.node, stderr: p.background?.stderr }, warning);
      this.#phase = 'ready';
      this.#progress = 1;
      this.#o.log.info({ lesson: this.lessonId, ms: this.#o.now() - started }, 'lesson ready');
    } catch (err) {
      this.#phase = 'failed';
      this.#message = err instanceof PrepareError ? `Preparing the lesson failed on ${err.message}` : 'Preparing the lesson failed.';
      const result = err instanceof PrepareError ? err.result : undefined;
      this.#o.log.error({ err, lesson: this.lessonId, stdout: result?.stdout, stderr: result?.stderr }, 'lesson preparation failed');
    }
    this.#publish();
  }

  /**
   * The student opened `index`: its background and foreground scripts start (once per
   * session), and a watched check starts re-running.
   * @throws STEP_NOT_FOUND, STEP_LOCKED, LESSON_NOT_READY
   */
  async open(index: number, lang?: LessonLang): Promise<LessonState> {
    const step = this.#unlocked(index);
    if (lang) this.#lang = lang;
    // The first opening is the step's start (for "time on step"); kept from the first time.
    this.#o.store.stepOpened(this.#o.owner, this.lessonId, index, this.#o.now());
    this.#activity(index);
    if (!this.#opened.has(index)) {
      this.#opened.add(index);
      const sandboxId = this.#sandbox(step);
      await startBackground(this.#o.driver, sandboxId, this.#lesson(), step, (r) => {
        const output = `${r.stdout}${r.stderr}`.slice(-2000);
        this.#o.log.info({ lesson: this.lessonId, step: index, exitCode: r.exitCode, timedOut: r.timedOut, ms: r.durationMs, output }, 'background script ended');
      });
      const text = foregroundText(step);
      if (text !== null) await this.#o.typeInto(step.node, text);
    }
    if (step.watch && step.checkPath !== undefined && !this.#watches.has(index) && !this.state().passed.includes(index)) this.#watch(index);
    return this.state();
  }

  /**
   * Runs the step's check; a pass is written to the store before this resolves.
   * @throws STEP_NOT_FOUND, STEP_LOCKED, LESSON_NOT_READY
   */
  check(index: number, by: 'student' | 'watch' = 'student', lang?: LessonLang): Promise<CheckResult> {
    this.#unlocked(index);
    if (lang) this.#lang = lang;
    // A check during a Solve gets the Solve's result (its check after the solution).
    return this.#solving.get(index) ?? this.#runCheck(index, by);
  }

  /**
   * Runs the step's solution, then its check. One Solve at a time per step: a second one
   * (or a Check) meanwhile gets the running one's result; a check running when it starts
   * is waited for, so the solution never races it.
   * @throws SOLVE_DISABLED unless the lesson allows it; STEP_NOT_FOUND, STEP_LOCKED, LESSON_NOT_READY
   */
  async solve(index: number, lang?: LessonLang): Promise<CheckResult> {
    if (!this.#lesson().meta.solve) throw new ServerError('SOLVE_DISABLED', `lesson ${this.lessonId} does not allow solve`);
    const step = this.#unlocked(index);
    if (lang) this.#lang = lang;
    const solving = this.#solving.get(index);
    if (solving) return solving;
    const p = this.#solve(index, step).finally(() => this.#solving.delete(index));
    this.#solving.set(index, p);
    return p;
  }

  /**
   * Performs write block `block` of step `index` (as the page numbered it in `lang`): its
   * text into its file, in its node (the step's node unless the block names one), inside
   * the sandbox. Only on an unlocked step of a ready lesson.
   * @throws STEP_NOT_FOUND, STEP_LOCKED, LESSON_NOT_READY, INVALID_REQUEST (no such block), NODE_BUSY
   */
  async write(index: number, block: number, lang: LessonLang): Promise<WriteResult> {
    const step = this.#unlocked(index);
    const action = writeActions(step.markdown[lang])[block];
    if (!action) throw new ServerError('INVALID_REQUEST', `step ${index} of ${this.lessonId} has no write block ${block}`, { userMessage: 'Invalid request: this step has no such file block' });
    const node = action.props.dataPierNode ?? step.node;
    const sandboxId = this.#o.sandboxOf(node);
    if (sandboxId === null) throw new ServerError('NODE_BUSY', `${node} is not running`);
    const mode = action.props.dataPierMode === 'append' ? 'append' : 'replace';
    const file = action.props.dataPierFile!;
    const r = await writeNodeFile(this.#o.driver, sandboxId, { file, mode, text: action.text }, { PIER_LESSON: this.lessonId, PIER_STEP: String(index), PIER_NODE: node });
    if (!r.passed) this.#o.log.info({ lesson: this.lessonId, step: index, file, node, stderr: r.stderr }, 'lesson write failed');
    return { step: index, file, node, mode, written: r.passed, error: r.passed ? null : r.stderr.trim().split('\n').pop() || (r.timedOut ? 'timed out' : `exit ${r.exitCode}`) };
  }

  /** The step's check, shared with one already running (a watch and a button press). */
  #runCheck(index: number, by: 'student' | 'watch'): Promise<CheckResult> {
    const running = this.#running.get(index);
    if (running) return running;
    const p = this.#check(index, by).finally(() => this.#running.delete(index));
    this.#running.set(index, p);
    return p;
  }

  async #solve(index: number, step: LoadedStep): Promise<CheckResult> {
    // Solve marks the step (the grid shows "passed with Solve"), unless it had passed already.
    if (!this.state().passed.includes(index)) {
      this.#o.store.stepSolved(this.#o.owner, this.lessonId, index, this.#o.now());
      this.#activity(index);
    }
    await this.#running.get(index)?.catch(() => undefined);
    if (step.solutionPath !== undefined) {
      const r = await runSolution(this.#o.driver, this.#sandbox(step), this.#lesson(), step);
      this.#o.log.info({ lesson: this.lessonId, step: index, exitCode: r.exitCode, timedOut: r.timedOut, ms: r.durationMs }, 'solution ran');
    }
    return this.#runCheck(index, 'student');
  }

  /** Stops watch loops. */
  dispose(): void {
    this.#disposed = true;
    for (const t of this.#watches.values()) clearTimeout(t);
    this.#watches.clear();
  }

  async #check(index: number, by: 'student' | 'watch'): Promise<CheckResult> {
    const lesson = this.#lesson();
    const step = this.#step(index);
    const started = this.#o.now();
    let r: ScriptResult | null = null;
    if (step.checkPath !== undefined) {
      r = await runCheck(this.#o.driver, this.#sandbox(step), lesson, step, this.#lang);
      this.#o.log.info(
        { lesson: this.lessonId, step: index, passed: r.passed, exitCode: r.exitCode, timedOut: r.timedOut, ms: r.durationMs, stdout: r.stdout.slice(-2000), stderr: r.stderr.slice(-2000) },
        'check ran',
      );
    }
    const passed = r === null || r.passed;
    // Written before the answer: a pass the student saw is never lost; a failure counts
    // as an attempt (the grid's "in progress", results' attempts).
    // Only a student's own check counts (a watched step re-checks every few seconds), and
    // only before the step first passed.
    if (passed) {
      this.#o.store.stepPassed(this.#o.owner, this.lessonId, index, this.#o.now());
      this.#activity(index);
    } else if (by === 'student' && !this.state().passed.includes(index)) {
      this.#o.store.stepFailed(this.#o.owner, this.lessonId, index, this.#o.now());
      this.#activity(index);
    }
    const failures = r?.failures ?? [];
    const result: CheckResult = {
      step: index,
      passed,
      failures: !passed && failures.length === 0 ? [noReason(this.#lang, r?.timedOut === true, step.timeout)] : failures,
      hints: r?.hints ?? [],
      timedOut: r?.timedOut ?? false,
      durationMs: r?.durationMs ?? this.#o.now() - started,
      state: this.state(),
    };
    if (passed) {
      const t = this.#watches.get(index);
      if (t) clearTimeout(t);
      this.#watches.delete(index);
      this.#publish();
    }
    return result;
  }

  #watch(index: number): void {
    const tick = () => {
      if (this.#disposed) return;
      if (this.#phase !== 'ready') {
        // A node is being set up again (reset): look again later.
        this.#watches.set(index, setTimeout(tick, WATCH_INTERVAL_MS));
        return;
      }
      this.check(index, 'watch')
        .then((r) => {
          if (!r.passed && !this.#disposed) this.#watches.set(index, setTimeout(tick, WATCH_INTERVAL_MS));
        })
        .catch((err: unknown) => {
          this.#watches.delete(index);
          this.#o.log.warn({ err, lesson: this.lessonId, step: index }, 'watched check stopped');
        });
    };
    this.#watches.set(index, setTimeout(tick, WATCH_INTERVAL_MS));
  }

  #step(index: number): LoadedStep {
    const step = this.#lesson().steps[index - 1];
    if (!step) throw new ServerError('STEP_NOT_FOUND', `lesson ${this.lessonId} has no step ${index}`);
    return step;
  }

  /** The step, when the lesson is ready and every earlier step has passed. */
  #unlocked(index: number): LoadedStep {
    const step = this.#step(index);
    if (this.#phase !== 'ready') throw new ServerError('LESSON_NOT_READY', `lesson ${this.lessonId} is ${this.#phase}`);
    if (index > this.state().current) throw new ServerError('STEP_LOCKED', `step ${index} of ${this.lessonId} is locked (current ${this.state().current})`);
    return step;
  }

  #sandbox(step: LoadedStep): string {
    const id = this.#o.sandboxOf(step.node);
    if (id === null) throw new ServerError('NODE_BUSY', `${step.node} is not running`);
    return id;
  }

  #activity(index: number): void {
    try {
      this.#o.onActivity?.(this.lessonId, index);
    } catch (err) {
      this.#o.log.error({ err, lesson: this.lessonId, step: index }, 'step activity listener failed');
    }
  }

  #publish(): void {
    if (!this.#disposed) this.#o.publish(this.state());
  }
}
