// Lesson folders written by tests: a lesson.md with the given front matter and any files
// (scripts executable), loaded with the real loader and checked to have no errors.
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatProblem, hasErrors, loadLesson } from '../../server/lessons/load.js';
import type { LoadedLesson } from '../../server/lessons/model.js';

/**
 * Writes `<root>/<id>/` and loads it; `links` are symlinks (path in the lesson → target).
 * @throws when the loader finds errors
 */
export function writeLesson(root: string, id: string, frontMatter: string, files: Record<string, string>, links: Record<string, string> = {}): LoadedLesson {
  const dir = path.join(root, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'lesson.md'), `---\n${frontMatter.trim()}\n---\nIntro of ${id}.\n`);
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    if (rel.endsWith('.sh')) chmodSync(file, 0o755);
  }
  for (const [rel, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    symlinkSync(target, path.join(dir, rel));
  }
  const load = loadLesson(dir);
  if (load.lesson === null || hasErrors(load.problems)) throw new Error(`fixture ${id} does not load:\n${load.problems.map((p) => formatProblem(p)).join('\n')}`);
  return load.lesson;
}
