// The lesson format as data: the zod schema of a lesson's front matter and the shapes the
// loader produces. This file is the contract between the loader/linter (load.ts, lint.ts),
// the renderer (render.ts), the runner (checks, setup, `pier lesson test`) and the API.
// docs/LESSON-FORMAT.md is its prose form; keep the two in step.
//
// A lesson is a folder:
//
//   lessons/03-cgroups/          folder name = lesson id; folders sort into course order
//     lesson.md                  YAML front matter (LessonFrontMatter) + the intro (English)
//     lesson.ko.md               the intro in Korean (optional front matter: title only)
//     step1.md   step1.ko.md     a step's text (English, Korean)
//     step1.check.sh             the step's check: executable, runs as root in the node
//     step1.solution.sh          the step's solution: executable, non-interactive
//     step1.solution.md          optional: the solution explained, shown by "Solve"
//     step1/…                    the folder form: step1/text.md, step1/check.sh, … also works
//     finish.md  finish.ko.md    shown when every step passed
//     setup.sh                   optional, runs as root in every node before the prompt
//     assets/…                   files copied into the sandbox (see `assets`)
import { z } from 'zod';

/** A string in both languages, or one string used for both. */
export const Localized = z.union([
  z.string().min(1),
  z.object({ en: z.string().min(1), ko: z.string().min(1) }).strict(),
]);
export type Localized = z.infer<typeof Localized>;

/** The UI languages lessons are written in. English is the fallback. */
export const LESSON_LANGS = ['en', 'ko'] as const;
export type LessonLang = (typeof LESSON_LANGS)[number];

/** A path inside the lesson folder: relative, no `..`, no leading `/`. */
export const LessonPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), 'must be a path inside the lesson folder (no leading / and no ..)');

/** An absolute path inside the sandbox. */
export const SandboxPath = z
  .string()
  .regex(/^\/[^\0]*$/, 'must be an absolute path inside the node')
  .refine((p) => !p.split('/').includes('..'), 'must not contain ..');

const NodeName = z.string().regex(/^node[1-5]$/, 'is a node name: node1 … node5');

export const StepFrontMatter = z
  .object({
    title: Localized,
    /** Text file; default `stepN.md` (or `stepN/text.md`). */
    text: LessonPath.optional(),
    /** Check script; default `stepN.check.sh` if it exists. A step without a check is read-only. */
    check: LessonPath.optional(),
    /** Solution script; default `stepN.solution.sh`. Required when there is a check. */
    solution: LessonPath.optional(),
    /** The node the check, solution and step scripts run in. */
    node: NodeName.default('node1'),
    /** Seconds a check may run before it counts as failed. */
    timeout: z.number().int().min(1).max(300).default(10),
    /** Re-run the check every few seconds while the step is open, until it passes. */
    watch: z.boolean().default(false),
    /** Script started in the background (detached, output to the instructor log) when the step opens. */
    background: LessonPath.optional(),
    /** Script typed into the student's first terminal when the step opens. */
    foreground: LessonPath.optional(),
  })
  .strict();
export type StepFrontMatter = z.infer<typeof StepFrontMatter>;

export const AssetSpec = z
  .object({
    /** File or folder in the lesson folder. */
    from: LessonPath,
    /** Where it goes in the node. */
    to: SandboxPath,
    /** Octal mode string for files, e.g. "0755". Default: keep the lesson file's mode. */
    mode: z.string().regex(/^0?[0-7]{3,4}$/).optional(),
    node: NodeName.default('node1'),
  })
  .strict();
export type AssetSpec = z.infer<typeof AssetSpec>;

/** Sandbox limits a lesson may ask for; the server clamps them to its own maximums. */
export const LessonLimits = z
  .object({
    memory: z.string().regex(/^\d+[KMG]$/).optional(),
    pids: z.number().int().min(16).max(4096).optional(),
    cpus: z.number().min(0.1).max(4).optional(),
    disk: z.string().regex(/^\d+[KMG]$/).optional(),
  })
  .strict();

export const LessonFrontMatter = z
  .object({
    title: Localized,
    description: Localized,
    difficulty: z.enum(['beginner', 'intermediate', 'advanced']).default('beginner'),
    /** Estimated minutes. */
    time: z.number().int().min(1).max(600),
    /** How many nodes the session starts with (node1 … nodeN). */
    nodes: z.number().int().min(1).max(5).default(1),
    limits: LessonLimits.optional(),
    /** Capabilities the lesson needs: `docker` (podman as docker in the node). */
    requires: z.array(z.enum(['docker'])).default([]),
    /** Root script run in each node before the student's prompt; default `setup.sh` if it exists. */
    setup: LessonPath.optional(),
    /**
     * Best-effort root script run in each node after setup, before the prompt (Killercoda's
     * intro background): its failure is logged and reported, never fails the start.
     */
    background: LessonPath.optional(),
    assets: z.array(AssetSpec).default([]),
    /** Whether students may press "Solve" (runs the step's solution). */
    solve: z.boolean().default(false),
    /** Left out of the home page's course list (e.g. the format tour); still reachable and tested. */
    hidden: z.boolean().default(false),
    steps: z.array(StepFrontMatter).min(1),
  })
  .strict();
export type LessonFrontMatter = z.infer<typeof LessonFrontMatter>;

/** One thing wrong with a lesson, located so an author can fix it. */
export interface LessonProblem {
  severity: 'error' | 'warning';
  /** Path relative to the lesson folder, e.g. `step2.md`. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  column?: number;
  /** What is wrong, in one sentence. */
  message: string;
  /** How to fix it. */
  fix?: string;
}

/** A step as the loader resolved it: every file path absolute and existing (or a problem). */
export interface LoadedStep extends StepFrontMatter {
  index: number; // 1-based
  /** Markdown per language (ko falls back to en when there is no translation). */
  markdown: Record<LessonLang, string>;
  /** Absolute paths, when the files exist. */
  checkPath?: string;
  solutionPath?: string;
  solutionMarkdown?: Record<LessonLang, string>;
  backgroundPath?: string;
  foregroundPath?: string;
}

export interface LoadedLesson {
  /** Folder name, e.g. `03-cgroups`. */
  id: string;
  /** Absolute folder path. */
  dir: string;
  meta: LessonFrontMatter;
  intro: Record<LessonLang, string>;
  finish: Record<LessonLang, string>;
  steps: LoadedStep[];
  setupPath?: string;
  /** The lesson's best-effort background script (absolute), when it has one. */
  backgroundPath?: string;
  /** Hash of every file's content: changes when the author saves. */
  version: string;
}

/**
 * The HTML contract between the renderer (server) and the lesson panel (browser): rendered,
 * sanitized step HTML carries actions only as data attributes, never as script.
 *
 *   <pre data-pier-action="exec|copy" data-pier-node="node2" data-pier-terminal="2"
 *        data-pier-interrupt="" data-pier-no-newline="" data-pier-ctrl-seq=""><code>…</code></pre>
 *   <code data-pier-action="exec" …>inline command</code>
 *   <a data-pier-port="80" data-pier-node="node1">…</a>      (href filled in by the page)
 *   <a data-pier-port="80" data-pier-node="node1" data-pier-path="/api">…</a>  (a path after the port)
 *   <pre data-pier-action="write" data-pier-file="/root/app.py" data-pier-mode="replace|append"
 *        data-pier-index="0" data-pier-node="node2"><code>…</code></pre>
 *
 * `exec` types the text into the terminal (Enter at the end unless no-newline; Ctrl-C
 * first with interrupt); `copy` copies it; ctrl-seq sends the text as control keys
 * (e.g. `^C`, `^ESC`). Terminal numbers count a node's tabs from 1. `write` puts the block's
 * text into the file (created with its folders, replaced, or appended to) in the step's node
 * unless it names one; the page asks the server to write block number `data-pier-index`.
 */
export type LessonAction = 'exec' | 'copy' | 'write';
