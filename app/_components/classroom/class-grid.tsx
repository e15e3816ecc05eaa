'use client';
// The dashboard's grid: one row per student (name, presence, raised hand, progress) and one
// column per step of the class's lessons, grouped by lesson. The name opens the student's
// panel. Sorting and filters come from the toolbar; the times refresh every half minute.
import { useEffect, useState } from 'react';
import type { GridLesson, GridStudent } from '../../../protocol/classroom';
import { cellAt, isStuck, progressOf } from '../../_lib/grid-view';
import { usePrefs } from '../prefs-provider';
import { GridCellMark, useCellText } from './grid-cell';

/** How often "time on step" is recomputed (ms). */
export const GRID_TICK_MS = 30_000;

/** Props of ClassGrid. */
export type ClassGridProps = {
  lessons: readonly GridLesson[];
  students: readonly GridStudent[];
  selected: string | null;
  onSelect: (studentId: string) => void;
  /** Why there are no rows: no student yet, or none matches the filters. */
  empty?: 'none' | 'no-match' | null;
};

/** The students × steps table. */
export function ClassGrid({ lessons, students, selected, onSelect, empty = null }: ClassGridProps) {
  const { t } = usePrefs();
  const cellText = useCellText();
  const [nowMs, setNowMs] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNowMs(Date.now()), GRID_TICK_MS);
    return () => clearInterval(timer);
  }, []);

  return (
    <div className="overflow-auto rounded-lg border border-line" data-testid="grid-scroll">
      <table data-testid="class-grid" className="border-separate border-spacing-0 text-sm">
        <thead className="sticky top-0 z-10 bg-panel">
          <tr>
            <th rowSpan={2} scope="col" className="sticky left-0 z-20 min-w-44 border-b border-line bg-panel px-3 py-2 text-left font-medium">
              {t('dash.student')}
            </th>
            <th rowSpan={2} scope="col" className="border-b border-line px-2 py-2 text-right font-medium">
              {t('dash.progressCol')}
            </th>
            {lessons.map((lesson) => (
              <th
                key={lesson.id}
                colSpan={lesson.steps.length}
                scope="colgroup"
                data-testid="grid-lesson"
                data-lesson={lesson.id}
                data-locked={lesson.locked}
                className="border-b border-l border-line px-2 pt-2 text-left text-xs font-semibold whitespace-nowrap"
              >
                {lesson.locked ? `🔒 ${t('dash.lockedLesson', { title: lesson.title })}` : lesson.title}
              </th>
            ))}
          </tr>
          <tr>
            {lessons.flatMap((lesson) =>
              lesson.steps.map((step, i) => (
                <th
                  key={`${lesson.id}-${step.index}`}
                  scope="col"
                  title={step.title}
                  className={`border-b border-line px-0.5 pb-1 text-center text-[11px] font-normal text-muted ${i === 0 ? 'border-l' : ''}`}
                >
                  {step.index}
                </th>
              )),
            )}
          </tr>
        </thead>
        <tbody>
          {empty && (
            <tr>
              <td
                colSpan={2 + lessons.reduce((n, l) => n + l.steps.length, 0)}
                data-testid={empty === 'none' ? 'grid-empty' : 'grid-no-match'}
                className="px-3 py-6 text-left text-muted"
              >
                {empty === 'none' ? t('dash.noStudents') : t('dash.noMatch')}
              </td>
            </tr>
          )}
          {students.map((student) => {
            const progress = progressOf(student, lessons);
            const stuck = isStuck(student);
            const isSelected = selected === student.id;
            return (
              <tr
                key={student.id}
                data-testid="grid-row"
                data-student-id={student.id}
                data-student-name={student.displayName}
                data-online={student.online}
                data-hand={student.hand !== null}
                data-stuck={stuck}
                className={isSelected ? 'bg-accent/10' : student.hand ? 'bg-warn/10' : ''}
              >
                <th scope="row" className={`sticky left-0 z-[5] border-b border-line/60 px-3 py-1.5 text-left font-normal ${isSelected ? 'bg-raised' : 'bg-bg'}`}>
                  <button
                    type="button"
                    onClick={() => onSelect(student.id)}
                    aria-label={`${t('dash.open', { name: student.displayName })} (${student.online ? t('dash.online') : t('dash.offline')}${student.hand ? `, ${t('dash.handUp')}` : ''})`}
                    aria-pressed={isSelected}
                    data-testid="grid-student"
                    data-name={student.displayName}
                    data-student={student.id}
                    className="flex w-full max-w-56 items-center gap-2 rounded text-left hover:underline focus-visible:outline-2 focus-visible:outline-accent"
                  >
                    <span
                      aria-hidden="true"
                      className={`size-2.5 shrink-0 rounded-full ${student.online ? 'bg-ok' : 'border border-muted'}`}
                    />
                    <span className="truncate font-medium">{student.displayName}</span>
                    {student.hand && (
                      <span aria-hidden="true" className="ml-auto shrink-0 rounded bg-warn px-1 text-xs font-semibold text-bg">
                        ✋
                      </span>
                    )}
                  </button>
                  {student.hand && (
                    <p
                      data-testid="grid-hand"
                      data-student={student.id}
                      title={student.hand.message || undefined}
                      className="max-w-56 truncate pl-4.5 text-xs font-medium text-warn"
                    >
                      <span className="sr-only">✋ </span>
                      {student.hand.message ? t('dash.handMessage', { message: student.hand.message }) : t('dash.handUp')}
                    </p>
                  )}
                </th>
                <td className="border-b border-line/60 px-2 text-right font-mono text-xs tabular-nums" data-testid="grid-progress">
                  {progress.passed}/{progress.total}
                  {progress.solved > 0 && (
                    <span data-testid="grid-solved" className="block text-muted" title={t('dash.solvedCount', { n: progress.solved })}>
                      {t('dash.solvedCount', { n: progress.solved })}
                    </span>
                  )}
                </td>
                {lessons.flatMap((lesson) =>
                  lesson.steps.map((step, i) => {
                    const cell = cellAt(student, lesson.id, step.index);
                    const label = t('cell.label', { student: student.displayName, lesson: lesson.title, step: step.index, status: cellText(cell, nowMs) });
                    return (
                      <td key={`${lesson.id}-${step.index}`} className={`border-b border-line/60 px-0.5 py-1 text-center ${i === 0 ? 'border-l border-l-line' : ''}`}>
                        <GridCellMark cell={cell} label={label} studentId={student.id} />
                      </td>
                    );
                  }),
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
