// Results of a class: one row per student × step of its lessons (not started ones too),
// as JSON and as CSV (RFC 4180, UTF-8 with a BOM so Excel reads Korean, headers in the
// page's language, cells that a spreadsheet would run as formulas defused).
import { RESULT_HEADERS, type ResultRow } from '../../protocol/classroom.js';
import type { LessonLang } from '../../protocol/lesson.js';
import type { CellActivityRow, MemberRow } from '../store/store.js';
import { toCell, type GridLessonInput } from './grid.js';

/** The result rows of the given students, in student then lesson then step order. */
export function resultRows(members: readonly MemberRow[], cells: readonly CellActivityRow[], lessons: readonly GridLessonInput[], now: number): ResultRow[] {
  const byKey = new Map(cells.map((c) => [`${c.owner}\n${c.lessonId}\n${c.step}`, c]));
  const rows: ResultRow[] = [];
  for (const m of members) {
    for (const l of lessons) {
      for (let step = 1; step <= l.stepTitles.length; step++) {
        const c = byKey.get(`${m.owner}\n${l.id}\n${step}`);
        if (!c) {
          rows.push({ student: m.displayName, lesson: l.id, step, status: 'not-started', firstPassedAt: null, attempts: 0, timeSpentSeconds: 0, solved: false });
          continue;
        }
        const cell = toCell(c, { stuckMinutes: 1, stuckAttempts: 1 }, now);
        const started = c.startedAt ?? c.passedAt;
        const spent = started === null ? 0 : Math.max(0, Math.round(((c.passedAt ?? now) - started) / 1000));
        rows.push({ student: m.displayName, lesson: l.id, step, status: cell.status, firstPassedAt: cell.passedAt, attempts: c.attempts, timeSpentSeconds: spent, solved: c.solved });
      }
    }
  }
  return rows;
}

/** Characters that make a spreadsheet treat a cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: quoted when it holds a comma, quote, CR or LF (quotes doubled, RFC 4180
 * §2.6–2.7); text starting like a formula gets a leading apostrophe first.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The CSV document of `rows`: BOM, a header line in `lang`, CRLF line ends. */
export function resultsCsv(rows: readonly ResultRow[], lang: LessonLang): string {
  const lines = [RESULT_HEADERS[lang].map(csvField).join(',')];
  for (const r of rows) {
    lines.push([r.student, r.lesson, r.step, r.status, r.firstPassedAt, r.attempts, r.timeSpentSeconds, r.solved].map(csvField).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
