// `pier lesson lint`: everything the loader finds (front matter, step files, scripts,
// assets) plus what only a full read shows: unknown `{{…}}` actions and broken or escaping
// image/link targets in every Markdown file, shell syntax errors in scripts, and step files
// no step uses. Each problem is located (file:line:col) with a fix.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { koPath, loadLesson, splitFrontMatter } from './load.js';
import type { LessonProblem } from './model.js';
import { renderMarkdown } from './render.js';
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

/** Lints one lesson folder. */
export function lintLesson(dirIn: string): LintReport {
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
    for (const rel of scripts) problems.push(...shellSyntax(dir, rel));
    // One language at a time: translated check messages, the same commands in both texts.
    if (hasKorean(lesson)) {
      for (const s of lesson.steps) if (s.checkPath) problems.push(...messageLanguageProblems(dir, path.relative(dir, s.checkPath)));
      problems.push(...textActionProblems(lesson));
    }

    // Step files beyond the steps listed in lesson.md are probably a forgotten entry.
    const count = lesson.steps.length;
    for (const name of readdirSync(dir).sort()) {
      const m = /^step(\d+)(?:[./]|$)/.exec(name);
      if (m && Number(m[1]) > count) {
        problems.push({ severity: 'warning', file: name, message: `is not used: lesson.md lists ${count} step(s)`, fix: `add a step ${m[1]} to "steps:" in lesson.md, or delete ${name}` });
      }
    }
  }
  const errors = problems.filter((p) => p.severity === 'error').length;
  return { id, dir, problems, errors, warnings: problems.length - errors };
}
