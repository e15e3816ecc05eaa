// `pier lesson lint`: everything the loader finds (front matter, step files, scripts,
// assets) plus what only a full read shows: unknown `{{…}}` actions and broken or escaping
// image/link targets in every Markdown file, shell syntax errors in scripts, and step files
// no step uses. Each problem is located (file:line:col) with a fix.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { koPath, loadLesson, splitFrontMatter } from './load.js';
import type { LessonProblem, LoadedLesson } from './model.js';
import { renderMarkdown } from './render.js';
import { markdownActions } from './markdown/blocks.js';
import { localImages, scanShell, type ScanOptions } from './import/unsupported.js';
import { hasKorean, messageLanguageProblems, textActionProblems } from './lint-language.js';

/** The result of linting one folder. */
export interface LintReport {
  id: string;
  dir: string;
  problems: LessonProblem[];
  errors: number;
  warnings: number;
}

/** Checks a script's shell syntax with `bash -n`; problems at the line bash names. */
function shellSyntax(dir: string, rel: string): LessonProblem[] {
  const res = spawnSync('bash', ['-n', path.join(dir, rel)], { encoding: 'utf8', timeout: 5000 });
  if (res.error || res.status === 0) return [];
  const out: LessonProblem[] = [];
  for (const line of res.stderr.split('\n')) {
    const m = /: line (\d+): (.*)$/.exec(line);
    if (m) out.push({ severity: 'error', file: rel, line: Number(m[1]), message: `shell syntax: ${m[2]}`, fix: 'fix the script; `bash -n` must accept it' });
  }
  return out.length > 0 ? out : [{ severity: 'error', file: rel, message: 'bash -n rejects the script', fix: 'run `bash -n` on it to see why' }];
}

/** What lint knows of the deployment (default: no internet, as pier ships). */
export type LintOptions = Partial<ScanOptions>;

/** Lints one lesson folder. */
export function lintLesson(dirIn: string, options: LintOptions = {}): LintReport {
  const dir = path.resolve(dirIn);
  const { id, lesson, problems } = loadLesson(dir);
  if (lesson) {
    const ctx = { lessonId: id, lessonDir: dir, nodes: lesson.meta.nodes, problems };
    const markdownFiles = new Set<string>(['lesson.md', 'lesson.ko.md', 'finish.md', 'finish.ko.md']);
    for (const s of lesson.steps) {
      if (s.text) markdownFiles.add(s.text).add(koPath(s.text));
      for (const sol of [`step${s.index}.solution.md`, `step${s.index}/solution.md`]) markdownFiles.add(sol).add(koPath(sol));
    }
    for (const rel of markdownFiles) {
      const abs = path.join(dir, rel);
      if (!existsSync(abs)) continue;
      const split = splitFrontMatter(readFileSync(abs, 'utf8'));
      renderMarkdown(split.body, { ...ctx, file: rel, lineOffset: split.bodyLineOffset });
    }
    const scripts = new Set<string>();
    for (const s of lesson.steps) for (const p of [s.checkPath, s.solutionPath, s.backgroundPath, s.foregroundPath]) if (p) scripts.add(path.relative(dir, p));
    if (lesson.setupPath) scripts.add(path.relative(dir, lesson.setupPath));
    if (lesson.backgroundPath) scripts.add(path.relative(dir, lesson.backgroundPath));
    for (const rel of scripts) problems.push(...shellSyntax(dir, rel));
    // One language at a time: translated check messages, the same commands in both texts.
    if (hasKorean(lesson)) {
      for (const s of lesson.steps) if (s.checkPath) problems.push(...messageLanguageProblems(dir, path.relative(dir, s.checkPath)));
      problems.push(...textActionProblems(lesson));
    }
    problems.push(...unsupportedProblems(lesson, [...markdownFiles], options.outbound ?? false));

    // Step files beyond the steps listed in lesson.md are probably a forgotten entry,
    // unless a step names them (`text: step9.md` under step 2).
    const count = lesson.steps.length;
    const used = usedFiles(lesson);
    for (const name of readdirSync(dir).sort()) {
      const m = /^step(\d+)(?:[./]|$)/.exec(name);
      if (m && Number(m[1]) > count && !used.has(name) && ![...used].some((u) => u.startsWith(`${name}/`))) {
        problems.push({ severity: 'warning', file: name, message: `is not used: lesson.md lists ${count} step(s)`, fix: `add a step ${m[1]} to "steps:" in lesson.md, or delete ${name}` });
      }
    }
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { id, dir, problems, errors, warnings: problems.length - errors };
}

/** Files the lesson's steps name (text, scripts, explained solutions), relative to its folder. */
function usedFiles(lesson: LoadedLesson): Set<string> {
  const used = new Set<string>();
  for (const s of lesson.steps) {
    for (const p of [s.checkPath, s.solutionPath, s.backgroundPath, s.foregroundPath]) if (p) used.add(path.relative(lesson.dir, p));
    if (s.text) used.add(s.text).add(koPath(s.text));
  }
  return used;
}

/**
 * Constructs pier cannot honour (import/unsupported.ts), as warnings at their file and line:
 * in every script of the lesson, in the commands and write targets of its Markdown, and in
 * Dockerfiles it ships as assets.
 */
function unsupportedProblems(lesson: LoadedLesson, markdownFiles: string[], outbound: boolean): LessonProblem[] {
  const found = [];
  const texts = [...markdownFiles, ...[lesson.setupPath, lesson.backgroundPath, ...lesson.steps.flatMap((s) => [s.solutionPath, s.checkPath, s.backgroundPath, s.foregroundPath])].filter((p): p is string => p !== undefined)]
    .map((f) => path.resolve(lesson.dir, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, 'utf8'));
  const o: ScanOptions = { outbound, localImages: localImages(texts) };
  const rel = (abs: string) => path.relative(lesson.dir, abs);
  if (lesson.setupPath) found.push(...scanShell(rel(lesson.setupPath), readFileSync(lesson.setupPath, 'utf8'), o));
  if (lesson.backgroundPath) found.push(...scanShell(rel(lesson.backgroundPath), readFileSync(lesson.backgroundPath, 'utf8'), o));
  const seen = new Set<string>();
  for (const s of lesson.steps) {
    for (const p of [s.backgroundPath, s.foregroundPath, s.checkPath, s.solutionPath]) {
      if (!p || seen.has(p)) continue;
      seen.add(p);
      found.push(...scanShell(rel(p), readFileSync(p, 'utf8'), o));
    }
  }
  for (const file of markdownFiles) {
    const abs = path.join(lesson.dir, file);
    if (!existsSync(abs)) continue;
    const split = splitFrontMatter(readFileSync(abs, 'utf8'));
    for (const a of markdownActions(split.body)) {
      const first = a.line + split.bodyLineOffset + (a.block ? 1 : 0);
      if (a.kind === 'exec') found.push(...scanShell(file, a.text, o, first));
      if (a.kind === 'write') found.push(...scanShell(file, `cat > ${a.props.dataPierFile}`, o, a.line + split.bodyLineOffset));
    }
  }
  for (const asset of lesson.meta.assets) {
    const abs = path.join(lesson.dir, asset.from);
    if (/(^|\/)(Dockerfile|Containerfile)[^/]*$/.test(asset.from) && existsSync(abs)) found.push(...scanShell(asset.from, readFileSync(abs, 'utf8'), o));
  }
  return found.map((u) => ({ severity: 'warning' as const, file: u.file, line: u.line, message: `pier cannot honour ${u.construct}: ${u.reason}`, fix: 'rewrite or remove this part; the lesson cannot pass as it is' }));
}
