// Wire shapes of lessons: the catalogue, a lesson as a student sees it, checks and progress.
// zod schemas and their types, shared by the server and the browser. No Node APIs, no logic.
//
// Routes (owner = the signed owner cookie, as for sessions):
// GET  /api/lessons?lang=en|ko                          → 200 LessonList (course order, with the owner's progress)
// GET  /api/lessons/:lesson?lang=en|ko                  → 200 LessonView (rendered, sanitized HTML)
// GET  /api/lessons/:lesson/version                     → 200 { version } (author preview polls it)
// GET  /api/lessons/:lesson/assets/<path>               → the lesson's image/asset file (no `..`, no symlink out)
// POST /api/sessions  { lessonId }                      → 201 SessionView (nodes per the lesson; setup runs)
// GET  /api/sessions/:id/lesson                         → 200 LessonState
// POST /api/sessions/:id/lesson/steps/:step/open?lang=  → 200 LessonState (starts background/foreground scripts once)
// POST /api/sessions/:id/lesson/steps/:step/check?lang= → 200 CheckResult (progress written before the answer)
// POST /api/sessions/:id/lesson/steps/:step/solve?lang= → 200 CheckResult (403 SOLVE_DISABLED unless the lesson allows it)
// POST /api/sessions/:id/lesson/steps/:step/write  WriteRequest → 200 WriteResult (the step's {{write}} block n, into its node)
// `lang` (en|ko, default en) is the student's language: checks get it as PIER_LANG and the
// CheckResult carries their FAIL/HINT lines in that language only (FAIL[ko]: lines, see
// docs/LESSON-FORMAT.md); a watched check speaks the language of the last request.
// Live: SessionEvent `{ type: 'lesson', state: LessonState }` on /ws/sessions/:id/events when setup
// progresses or a step passes (see protocol/http.ts).
import { z } from 'zod';

export const LessonLang = z.enum(['en', 'ko']);
export type LessonLang = z.infer<typeof LessonLang>;

/** Lesson ids are folder names: lowercase letters, digits and dashes. */
export const LessonId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,79}$/);
export type LessonId = z.infer<typeof LessonId>;

export const LessonSummary = z.object({
  id: LessonId,
  title: z.string(),
  description: z.string(),
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  /** Estimated minutes. */
  time: z.number(),
  steps: z.number(),
  requires: z.array(z.string()),
  /** Steps this owner has passed (0 … steps). */
  passed: z.number(),
  /** Of the passed steps, those passed only after Solve ("solved with help", not a pass of one's own). */
  solved: z.number(),
  completed: z.boolean(),
});
export type LessonSummary = z.infer<typeof LessonSummary>;

export const LessonList = z.object({ lessons: z.array(LessonSummary) });
export type LessonList = z.infer<typeof LessonList>;

export const StepView = z.object({
  /** 1-based. */
  index: z.number().int().min(1),
  title: z.string(),
  /** Sanitized HTML; actions as data-pier-* attributes (server/lessons/model.ts). */
  html: z.string(),
  hasCheck: z.boolean(),
  watch: z.boolean(),
  node: z.string(),
  /** Sanitized HTML of the explained solution, when there is one and solving is allowed. */
  solutionHtml: z.string().nullable(),
});
export type StepView = z.infer<typeof StepView>;

export const LessonView = z.object({
  id: LessonId,
  lang: LessonLang,
  version: z.string(),
  title: z.string(),
  description: z.string(),
  time: z.number(),
  nodes: z.number(),
  solve: z.boolean(),
  introHtml: z.string(),
  finishHtml: z.string(),
  steps: z.array(StepView),
});
export type LessonView = z.infer<typeof LessonView>;

/** Where a session's lesson stands. */
export const LessonState = z.object({
  lessonId: LessonId,
  /** `preparing` while setup scripts and assets run; `failed` if setup failed (message says why). */
  phase: z.enum(['preparing', 'ready', 'failed']),
  /** 0…1 while preparing. */
  progress: z.number().min(0).max(1),
  message: z.string().nullable(),
  /** Steps passed by this owner (1-based indexes), kept across sessions and reloads. */
  passed: z.array(z.number().int().min(1)),
  /** Of `passed`, the steps passed only after Solve (shown as "solved with help"). */
  solved: z.array(z.number().int().min(1)),
  /** The step the student is on: the first not passed (steps.length + 1 when finished). */
  current: z.number().int().min(1),
});
export type LessonState = z.infer<typeof LessonState>;

export const CheckResult = z.object({
  step: z.number().int().min(1),
  passed: z.boolean(),
  /** `FAIL: …` lines in the request's language, shown as the reason. */
  failures: z.array(z.string()),
  /** `HINT: …` lines in the request's language. */
  hints: z.array(z.string()),
  timedOut: z.boolean(),
  durationMs: z.number(),
  state: LessonState,
});
export type CheckResult = z.infer<typeof CheckResult>;

/** Performs a step's `{{write}}` block: its number (data-pier-index) in the step's HTML of `lang`. */
export const WriteRequest = z
  .object({
    block: z.number().int().min(0).max(999),
    lang: LessonLang.default('en'),
  })
  .strict();
export type WriteRequest = z.infer<typeof WriteRequest>;

/** What a write did: the file and node it went to; `error` says why it failed. */
export const WriteResult = z.object({
  step: z.number().int().min(1),
  file: z.string(),
  node: z.string(),
  mode: z.enum(['replace', 'append']),
  written: z.boolean(),
  error: z.string().nullable(),
});
export type WriteResult = z.infer<typeof WriteResult>;
