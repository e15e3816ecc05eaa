// Lint of "one language at a time" (docs/LESSON-FORMAT.md "Check messages"): a check's
// `FAIL:` line needs a `FAIL[ko]:` translation right after it, a message line must not mix
// both languages ("… / …" with Korean), and the Korean text of a step offers the same
// clickable commands as the English one. Only for lessons that offer Korean at all, and all
// warnings: a lesson in one language is valid; the built-in course must have none
// (test/integration/course.test.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { koPath } from './load.js';
import { textActions, type TextAction } from './markdown/text-actions.js';
import type { LessonProblem, LoadedLesson } from './model.js';

/** Whether the lesson offers Korean anywhere (a translated title, intro or step text). */
export function hasKorean(lesson: LoadedLesson): boolean {
  const titled = (t: LoadedLesson['meta']['title']) => typeof t !== 'string';
  return (
    titled(lesson.meta.title) ||
    lesson.intro.ko !== lesson.intro.en ||
    lesson.steps.some((s) => titled(s.title) || s.markdown.ko !== s.markdown.en)
  );
}

/** Hangul syllables. */
const HANGUL = /[\uac00-\ud7a3]/;
/** A message a script prints: `FAIL:`/`HINT:` or a translation `FAIL[ko]:`, in a string. */
const MESSAGE_RE = /\b(FAIL|HINT)(\[[a-z]{2}\])?: ?((?:[^"\\]|\\.)*)/g;

/**
 * Problems of the messages in one check script (path relative to the lesson folder): a
 * plain FAIL with no `FAIL[ko]:` on its line or the next one, and bilingual lines.
 * Comment lines are skipped.
 */
export function messageLanguageProblems(dir: string, rel: string): LessonProblem[] {
  const lines = readFileSync(path.join(dir, rel), 'utf8').split('\n');
  const problems: LessonProblem[] = [];
  lines.forEach((line, i) => {
    if (/^\s*#/.test(line)) return;
    for (const m of line.matchAll(MESSAGE_RE)) {
      const [, kind, lang, text = ''] = m;
      if (lang === undefined && HANGUL.test(text)) {
        problems.push({ severity: 'warning', file: rel, line: i + 1, column: (m.index ?? 0) + 1, message: `a ${kind}: line mixes English and Korean`, fix: `print the English as ${kind}: and the Korean on its own ${kind}[ko]: line right after it` });
      }
      if (kind === 'FAIL' && lang === undefined && !HANGUL.test(text)) {
        const rest = line.slice((m.index ?? 0) + m[0].length) + (lines[i + 1] ?? '');
        if (!/\bFAIL\[ko\]:/.test(rest)) {
          problems.push({ severity: 'warning', file: rel, line: i + 1, column: (m.index ?? 0) + 1, message: 'a FAIL: line has no Korean translation', fix: 'print a FAIL[ko]: line right after it (on the same line or the next)' });
        }
      }
    }
  });
  return problems;
}

/** A command as compared across languages: target and text, shell comments (which may be translated) left out. */
function commandKey(a: TextAction): string {
  const text = a.text
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trimEnd())
    .join('\n')
    .trim();
  return `${a.node ?? ''}|${a.terminal ?? ''}|${a.interrupt}|${a.ctrlSeq}|${text}`;
}

/** Warnings for steps whose Korean text offers other clickable commands than the English one. */
export function textActionProblems(lesson: LoadedLesson): LessonProblem[] {
  const problems: LessonProblem[] = [];
  for (const step of lesson.steps) {
    if (step.markdown.ko === step.markdown.en) continue; // no translation: the English is shown
    const en = textActions(step.markdown.en).map(commandKey);
    const ko = textActions(step.markdown.ko).map(commandKey);
    if (en.join('\n') === ko.join('\n')) continue;
    const differs = en.findIndex((c, i) => c !== ko[i]);
    const first = differs === -1 ? en.length : differs;
    const file = koPath(step.text ?? `step${step.index}.md`);
    problems.push({
      severity: 'warning',
      file,
      message: `the Korean text's {{exec}} commands differ from the English (${ko.length} vs ${en.length}; first difference at command ${first + 1})`,
      fix: 'offer the same commands in both languages, in the same order (`pier lesson test --text` runs the English ones)',
    });
  }
  return problems;
}
