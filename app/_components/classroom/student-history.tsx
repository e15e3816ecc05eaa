'use client';
// /classes/<id>/students/<student>: one student's results (StudentHistory rows: status,
// first pass, failed checks, time spent, Solve), their live sessions and their recordings.
import { useEffect, useState } from 'react';
import Link from 'next/link';
import type { StudentHistory } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { getStudentHistory } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { formatDuration, formatMoment } from '../../_lib/format';
import { listLessons } from '../../_lib/lesson-client';
import { usePrefs } from '../prefs-provider';
import { FormNote } from './fields';
import { RecordingList } from './recording-list';

/** The history page's content. */
export function StudentHistoryView({ classId, studentId }: { classId: string; studentId: string }) {
  const { t, lang } = usePrefs();
  const [history, setHistory] = useState<StudentHistory | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [titles, setTitles] = useState<Record<string, string>>({});

  useEffect(() => {
    void getStudentHistory(classId, studentId, lang).then((result) => (result.ok ? setHistory(result.value) : setFailure(result)));
  }, [classId, studentId, lang]);
  useEffect(() => {
    void listLessons(lang).then((result) => {
      if (result.ok) setTitles(Object.fromEntries(result.value.lessons.map((l) => [l.id, l.title])));
    });
  }, [lang]);

  const back = (
    <Link href={`/classes/${classId}`} className="text-sm text-accent underline">
      ← {t('history.back')}
    </Link>
  );
  if (failure)
    return (
      <div className="flex flex-col gap-3">
        {back}
        <FormNote kind="error">{failure.status === 404 ? t('error.NOT_FOUND') : errorText(lang, failure)}</FormNote>
      </div>
    );
  if (!history) return <p className="text-muted">{t('page.loading')}</p>;

  const th = 'py-2 pr-3 font-medium';
  return (
    <div data-testid="student-history" className="flex flex-col gap-6">
      {back}
      <h1 className="text-2xl font-bold">{t('history.title', { name: history.student.displayName })}</h1>
      {history.rows.length === 0 ? (
        <p className="text-muted">{t('history.noRows')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table data-testid="history-table" className="w-full text-left text-sm">
            <thead className="border-b border-line text-muted">
              <tr>
                <th className={th}>{t('history.lesson')}</th>
                <th className={th}>{t('history.step')}</th>
                <th className={th}>{t('history.status')}</th>
                <th className={th}>{t('history.firstPassed')}</th>
                <th className={`${th} text-right`}>{t('history.attempts')}</th>
                <th className={`${th} text-right`}>{t('history.time')}</th>
                <th className={th}>{t('history.solved')}</th>
              </tr>
            </thead>
            <tbody>
              {history.rows.map((row) => (
                <tr key={`${row.lesson}-${row.step}`} data-testid="history-row" data-lesson={row.lesson} data-step={row.step} data-status={row.status} className="border-b border-line/60">
                  <td className="py-1.5 pr-3">{titles[row.lesson] ?? row.lesson}</td>
                  <td className="py-1.5 pr-3 tabular-nums">{row.step}</td>
                  <td className="py-1.5 pr-3">{t(`cell.${row.status}`)}</td>
                  <td className="py-1.5 pr-3 text-muted">{formatMoment(lang, row.firstPassedAt)}</td>
                  <td className="py-1.5 pr-3 text-right tabular-nums">{row.attempts}</td>
                  <td className="py-1.5 pr-3 text-right tabular-nums">{row.status === 'not-started' ? '—' : formatDuration(lang, row.timeSpentSeconds)}</td>
                  <td className="py-1.5 pr-3">{row.solved ? t('history.yes') : t('history.no')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-semibold">{t('history.sessions')}</h2>
        {history.sessions.length === 0 ? (
          <p className="text-sm text-muted">{t('history.noSessions')}</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm">
            {history.sessions.map((s) => (
              <li key={s.id} className="font-mono">
                {s.lessonId ? (titles[s.lessonId] ?? s.lessonId) : t('sessions.free')} · {t('sessions.until', { time: formatMoment(lang, s.expiresAt) })}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="flex flex-col gap-2">
        <h2 className="text-lg font-semibold">{t('rec.title')}</h2>
        <RecordingList recordings={history.recordings} />
      </section>
    </div>
  );
}
