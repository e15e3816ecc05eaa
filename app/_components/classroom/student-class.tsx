'use client';
// /class/<id>: what a student sees of their class. The lessons in order with Start /
// Continue (a class session, then /play/<id>) and locked ones shown as locked, the
// announcements, raising or lowering a hand with an optional message, and "my sessions".
// Kept live over /ws/me/classes/:class/events.
import { useEffect, useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { StudentClassView } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { connectMemberEvents } from '../../_lib/class-feeds';
import { lowerHand, myClass, raiseHand, startClassSession } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { formatMoment } from '../../_lib/format';
import { usePrefs } from '../prefs-provider';
import { FormNote, INPUT_CLASS, PRIMARY_BUTTON, SECONDARY_BUTTON } from './fields';
import { MySessionList } from './my-sessions';

/** The class page of a student. */
export function StudentClass({ classId }: { classId: string }) {
  const { t, lang } = usePrefs();
  const router = useRouter();
  const [view, setView] = useState<StudentClassView | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState<string | null>(null);
  const [message, setMessage] = useState('');
  const [reconnecting, setReconnecting] = useState(false);

  useEffect(() => {
    void myClass(classId, lang).then((result) => (result.ok ? setView(result.value) : setFailure(result)));
    const feed = connectMemberEvents(classId, lang, {
      onEvent: (event) => {
        if (event.type === 'class') setView(event.view);
        else if (event.type === 'announcement')
          setView((v) => (v && !v.announcements.some((a) => a.id === event.announcement.id) ? { ...v, announcements: [event.announcement, ...v.announcements] } : v));
        else setView((v) => (v ? { ...v, hand: event.hand } : v));
      },
      onStatus: (status) => setReconnecting(status === 'reconnecting'),
    });
    return () => feed.close();
  }, [classId, lang]);

  if (failure)
    return (
      <div className="flex flex-col items-start gap-3">
        <FormNote kind="error" testId="student-class-error">
          {failure.status === 404 || failure.status === 403 ? t('sclass.notMember') : errorText(lang, failure)}
        </FormNote>
        <Link href="/join" className={PRIMARY_BUTTON}>
          {t('home.join')}
        </Link>
      </div>
    );
  if (!view) return <p className="text-muted">{t('page.loading')}</p>;

  async function start(lessonId: string) {
    if (!view) return;
    const live = view.sessions.find((s) => s.lessonId === lessonId);
    if (live) return router.push(`/play/${live.id}`);
    setStarting(lessonId);
    setError(null);
    const result = await startClassSession(lessonId, classId);
    if (!result.ok) {
      setStarting(null);
      return setError(errorText(lang, result));
    }
    router.push(`/play/${result.value.id}`);
  }

  async function hand(ev: FormEvent) {
    ev.preventDefault();
    setError(null);
    const result = view?.hand ? await lowerHand(classId) : await raiseHand(classId, { message: message.trim() });
    if (!result.ok) return setError(errorText(lang, result));
    setView((v) => (v ? { ...v, hand: result.value ?? null } : v));
    setMessage('');
  }

  const titles = Object.fromEntries(view.lessons.map((l) => [l.id, l.title]));
  return (
    <div data-testid="student-class" data-class-id={classId} className="flex flex-col gap-8">
      <div className="flex flex-col gap-1">
        <h1 className="text-2xl font-bold">{view.name}</h1>
        <p className="text-muted">{t('sclass.hello', { name: view.displayName })}</p>
        {reconnecting && (
          <p role="status" className="text-xs text-warn">
            {t('dash.reconnecting')}
          </p>
        )}
      </div>
      {!view.openNow && <FormNote kind="error" testId="student-class-closed">{t('sclass.closedNow')}</FormNote>}
      {error && <FormNote kind="error" testId="student-class-action-error">{error}</FormNote>}

      <section aria-labelledby="announce-title" className="flex flex-col gap-2">
        <h2 id="announce-title" className="text-lg font-semibold">
          {t('sclass.announcements')}
        </h2>
        {view.announcements.length === 0 ? (
          <p className="text-sm text-muted">{t('sclass.noAnnouncements')}</p>
        ) : (
          <ul data-testid="student-announcements" aria-live="polite" className="flex flex-col gap-2">
            {view.announcements.map((a) => (
              <li key={a.id} data-testid="announcement" className="rounded-md border border-accent/40 bg-accent/10 px-3 py-2">
                <p className="whitespace-pre-wrap">{a.text}</p>
                <p className="text-xs text-muted">
                  {a.by} · {formatMoment(lang, a.at)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <form onSubmit={(ev) => void hand(ev)} data-testid="hand-form" className="flex flex-col gap-2 rounded-lg border border-line bg-panel p-4">
        {view.hand ? (
          <p role="status" data-testid="hand-up" className="font-medium text-warn">
            ✋ {view.hand.message ? t('hand.upWith', { message: view.hand.message }) : t('hand.up')}
          </p>
        ) : (
          <>
            <label htmlFor="hand-message" className="text-sm font-medium">
              {t('hand.message')}
            </label>
            <input id="hand-message" data-testid="hand-message" value={message} maxLength={300} onChange={(ev) => setMessage(ev.target.value)} className={INPUT_CLASS} />
          </>
        )}
        <button type="submit" data-testid={view.hand ? 'hand-lower' : 'hand-submit'} className={`${view.hand ? SECONDARY_BUTTON : PRIMARY_BUTTON} self-start`}>
          {view.hand ? t('hand.lower') : `✋ ${t('hand.raise')}`}
        </button>
      </form>

      <section aria-labelledby="lessons-title" className="flex flex-col gap-3">
        <h2 id="lessons-title" className="text-lg font-semibold">
          {t('sclass.lessons')}
        </h2>
        <ol className="flex flex-col gap-2">
          {view.lessons.map((lesson, i) => {
            const live = view.sessions.some((s) => s.lessonId === lesson.id);
            return (
              <li key={lesson.id} data-testid="student-lesson" data-lesson={lesson.id} data-locked={lesson.locked} className="flex flex-wrap items-center gap-3 rounded-lg border border-line bg-panel p-3">
                <span aria-hidden="true" className="w-8 font-mono text-xl font-bold text-muted">
                  {String(i + 1).padStart(2, '0')}
                </span>
                <div className="flex min-w-0 flex-1 flex-col">
                  <span className="font-semibold">{lesson.title}</span>
                  <span className="text-xs text-muted">{lesson.locked ? t('sclass.lockedHint') : t('sclass.progress', { passed: lesson.passed, steps: lesson.steps })}</span>
                </div>
                {lesson.locked ? (
                  <span data-testid="student-lesson-locked" className="rounded-md border border-line px-3 py-1.5 text-sm text-muted">
                    🔒 {t('sclass.locked')}
                  </span>
                ) : (
                  <button
                    type="button"
                    data-testid="student-lesson-start"
                    disabled={starting !== null || (!view.openNow && !live)}
                    aria-busy={starting === lesson.id}
                    onClick={() => void start(lesson.id)}
                    className={`${PRIMARY_BUTTON} py-1.5 text-sm`}
                  >
                    {starting === lesson.id ? t('sclass.starting') : live || lesson.passed > 0 ? t('sclass.continue') : t('sclass.start')}
                  </button>
                )}
              </li>
            );
          })}
        </ol>
      </section>

      {view.sessions.length > 0 && (
        <section aria-labelledby="sessions-title" className="flex flex-col gap-3">
          <h2 id="sessions-title" className="text-lg font-semibold">
            {t('sclass.mySessions')}
          </h2>
          <MySessionList sessions={view.sessions} titles={titles} onEnded={(id) => setView((v) => (v ? { ...v, sessions: v.sessions.filter((s) => s.id !== id) } : v))} />
        </section>
      )}
    </div>
  );
}
