'use client';
// The dashboard's class actions: an announcement to every student, extend or end all
// sessions (end behind a confirmation), the open switch, locking lessons, and the results
// export (CSV with English or Korean headers, JSON).
import { useState, type FormEvent } from 'react';
import type { Announcement, ClassView, GridLesson } from '../../../protocol/classroom';
import { announce, classAction, resultsUrl, updateClass } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { formatMoment } from '../../_lib/format';
import { ConfirmAction } from '../confirm-action';
import { usePrefs } from '../prefs-provider';
import { FormNote, INPUT_CLASS, PRIMARY_BUTTON, SECONDARY_BUTTON, Switch } from './fields';

type Note = { kind: 'error' | 'ok'; text: string } | null;

/** Props of ClassActions. */
export type ClassActionsProps = {
  view: ClassView;
  lessons: readonly GridLesson[];
  announcements: readonly Announcement[];
  onView: (view: ClassView) => void;
};

/** The actions column. */
export function ClassActions({ view, lessons, announcements, onView }: ClassActionsProps) {
  const { t, lang } = usePrefs();
  const [text, setText] = useState('');
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const classId = view.id;

  async function run<T>(name: string, call: () => Promise<{ ok: true; value: T } | { ok: false; status: number; code: string; message: string }>, ok: (value: T) => string | null) {
    setBusy(name);
    setNote(null);
    const result = await call();
    setBusy(null);
    if (!result.ok) return setNote({ kind: 'error', text: errorText(lang, result) });
    const sentence = ok(result.value);
    if (sentence) setNote({ kind: 'ok', text: sentence });
  }

  function send(ev: FormEvent) {
    ev.preventDefault();
    if (!text.trim()) return;
    void run('announce', () => announce(classId, text.trim()), () => {
      setText('');
      return t('act.announceSent');
    });
  }

  const setOpen = (open: boolean) =>
    void run('open', () => updateClass(classId, { open }), (next) => {
      onView(next);
      return null;
    });

  const toggleLock = (lessonId: string) => {
    const locked = view.settings.lockedLessons;
    const next = locked.includes(lessonId) ? locked.filter((id) => id !== lessonId) : [...locked, lessonId];
    void run(`lock-${lessonId}`, () => updateClass(classId, { lockedLessons: next }), (fresh) => {
      onView(fresh);
      return null;
    });
  };

  const section = 'flex flex-col gap-2 border-t border-line pt-3';
  return (
    <div data-testid="class-actions" className="flex flex-col gap-3 text-sm">
      <h2 className="text-base font-semibold">{t('act.title')}</h2>
      {note && <FormNote kind={note.kind} testId="class-action-note">{note.text}</FormNote>}
      <form onSubmit={send} className="flex flex-col gap-2">
        <label htmlFor="announce-text" className="font-medium">
          {t('act.announce')}
        </label>
        <textarea
          id="announce-text"
          data-testid="announcement-text"
          value={text}
          maxLength={500}
          rows={2}
          onChange={(ev) => setText(ev.target.value)}
          onKeyDown={(ev) => {
            if (ev.key === 'Enter' && (ev.metaKey || ev.ctrlKey)) send(ev);
          }}
          className={INPUT_CLASS}
        />
        <button type="submit" data-testid="announcement-submit" disabled={busy === 'announce' || !text.trim()} className={`${PRIMARY_BUTTON} self-start py-1.5`}>
          {t('act.announceSend')}
        </button>
      </form>
      {announcements.length > 0 && (
        <details className="text-xs">
          <summary className="cursor-pointer text-muted">{t('act.recent')}</summary>
          <ul data-testid="announcements-sent" className="mt-1 flex flex-col gap-1">
            {announcements.map((a) => (
              <li key={a.id} className="rounded bg-raised px-2 py-1">
                <span className="text-muted">{formatMoment(lang, a.at)} · </span>
                {a.text}
              </li>
            ))}
          </ul>
        </details>
      )}
      <div className={section}>
        <Switch label={t('act.openSwitch')} checked={view.settings.open} onChange={setOpen} disabled={busy === 'open'} testId="class-open-switch" />
        <p data-testid="class-open-now" className={view.openNow ? 'text-ok' : 'text-warn'}>
          {view.openNow ? t('act.openNow') : t('act.closedNow')}
        </p>
      </div>
      <div className={`${section} flex-row flex-wrap`}>
        <button
          type="button"
          data-testid="extend-all"
          disabled={busy === 'extend'}
          onClick={() => void run('extend', () => classAction(classId, { action: 'extend-all' }), (r) => t('act.extended', { n: r.sessions }))}
          className={SECONDARY_BUTTON}
        >
          {t('act.extendAll')}
        </button>
        <ConfirmAction
          testId="end-all"
          label={t('act.endAll')}
          question={t('act.endAllConfirm')}
          confirmLabel={t('act.endAllYes')}
          cancelLabel={t('form.cancel')}
          disabled={busy === 'end'}
          align="left"
          onConfirm={() => void run('end', () => classAction(classId, { action: 'end-all' }), (r) => t('act.ended', { n: r.sessions }))}
          className="rounded-md border border-danger/50 px-3 py-1.5 text-sm text-danger hover:bg-danger/10 disabled:opacity-50"
        />
      </div>
      <div className={section}>
        <h3 className="font-medium">{t('act.lessons')}</h3>
        <ul className="flex flex-col gap-1">
          {lessons.map((lesson) => {
            const locked = view.settings.lockedLessons.includes(lesson.id);
            return (
              <li key={lesson.id} className="flex items-center justify-between gap-2">
                <span className="min-w-0 truncate" title={lesson.title}>
                  {locked ? '🔒 ' : ''}
                  {lesson.title}
                  <span className="sr-only">, {locked ? t('act.locked') : t('act.unlocked')}</span>
                </span>
                <button
                  type="button"
                  data-testid="lesson-lock"
                  data-lesson={lesson.id}
                  data-locked={locked}
                  disabled={busy === `lock-${lesson.id}`}
                  aria-label={locked ? t('act.unlock', { title: lesson.title }) : t('act.lock', { title: lesson.title })}
                  onClick={() => toggleLock(lesson.id)}
                  className={`${SECONDARY_BUTTON} shrink-0 py-1 text-xs`}
                >
                  {locked ? t('act.unlockShort') : t('act.lockShort')}
                </button>
              </li>
            );
          })}
        </ul>
      </div>
      <div className={section}>
        <h3 className="font-medium">{t('act.export')}</h3>
        <div className="flex flex-wrap gap-2">
          <a href={resultsUrl(classId, 'csv', 'en')} download data-testid="export-csv-en" className={SECONDARY_BUTTON}>
            {t('act.csvEn')}
          </a>
          <a href={resultsUrl(classId, 'csv', 'ko')} download data-testid="export-csv-ko" className={SECONDARY_BUTTON}>
            {t('act.csvKo')}
          </a>
          <a href={resultsUrl(classId, 'json', lang)} download data-testid="export-json" className={SECONDARY_BUTTON}>
            {t('act.json')}
          </a>
        </div>
      </div>
    </div>
  );
}
