'use client';
// The home page's classroom parts: the set-up offer on a fresh install, the start button
// (or, when the server's openPlayground is off, a sentence that the playground is
// class-only), this browser's classes, and its live sessions with Open and End.
import { useCallback, useEffect, useState } from 'react';
import Link from 'next/link';
import type { MySession } from '../../../protocol/classroom';
import { mySessions } from '../../_lib/classroom-client';
import { listLessons } from '../../_lib/lesson-client';
import { usePrefs } from '../prefs-provider';
import { SESSIONS_CHANGED_EVENT, StartButton } from '../start-button';
import { PRIMARY_BUTTON } from './fields';
import { MySessionList } from './my-sessions';
import { useMe } from './use-me';

/** The start button, or the class-only sentence; plus the set-up offer. */
export function HomeStart() {
  const { t } = usePrefs();
  const { state } = useMe();
  if (state.phase === 'loading') return <div className="h-[60px]" aria-hidden="true" />;
  const me = state.phase === 'ready' ? state.me : null;
  return (
    <div className="flex flex-col gap-4">
      {me?.setupNeeded && (
        <p data-testid="home-setup" className="rounded-md border border-accent/50 bg-accent/10 px-3 py-2">
          {t('signIn.setupFirst')}{' '}
          <Link href="/setup" prefetch={false} className="font-medium text-accent underline">
            {t('signIn.setupLink')}
          </Link>
        </p>
      )}
      {/* Without an answer (an older server), the free playground is offered as before. */}
      {me === null || me.openPlayground ? (
        <>
          <StartButton />
          <p className="text-sm text-muted">{t('home.startHint')}</p>
        </>
      ) : (
        <div data-testid="home-class-only" className="flex flex-col items-start gap-3">
          <p>{t('home.classOnly')}</p>
          <Link href="/join" prefetch={false} data-testid="home-join" className={`${PRIMARY_BUTTON} px-7 py-4 text-lg`}>
            {t('home.join')}
          </Link>
        </div>
      )}
      {me?.openPlayground && (
        <Link href="/join" prefetch={false} data-testid="home-join" className="text-sm text-accent underline">
          {t('home.join')}
        </Link>
      )}
    </div>
  );
}

/** "Your classes" and "Your sessions", shown when there are any. */
export function HomeClassroom() {
  const { t, lang } = usePrefs();
  const { state } = useMe();
  const [sessions, setSessions] = useState<MySession[]>([]);
  const [titles, setTitles] = useState<Record<string, string>>({});

  const load = useCallback(async () => {
    const result = await mySessions();
    if (result.ok) setSessions(result.value.sessions);
  }, []);
  useEffect(() => {
    void load();
    // Again when a Start was refused for the limit, or the tab comes back into view.
    const again = () => void load();
    const onVisible = () => document.visibilityState === 'visible' && again();
    window.addEventListener(SESSIONS_CHANGED_EVENT, again);
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.removeEventListener(SESSIONS_CHANGED_EVENT, again);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);
  // Lesson titles only when there is a session to name (the course list asks for them too).
  const named = sessions.some((s) => s.lessonId !== null);
  useEffect(() => {
    if (!named) return;
    void listLessons(lang).then((result) => {
      if (result.ok) setTitles(Object.fromEntries(result.value.lessons.map((l) => [l.id, l.title])));
    });
  }, [lang, named]);

  const memberships = state.phase === 'ready' ? state.me.memberships : [];
  if (memberships.length === 0 && sessions.length === 0) return null;
  return (
    <>
      {memberships.length > 0 && (
        <section aria-labelledby="my-classes-title" data-testid="home-classes" className="flex flex-col gap-3 border-t border-line pt-8">
          <h2 id="my-classes-title" className="text-xl font-semibold">
            {t('home.myClasses')}
          </h2>
          <ul className="flex flex-col gap-2">
            {memberships.map((m) => (
              <li key={m.classId}>
                <Link href={`/class/${m.classId}`} data-testid="home-class" data-class-id={m.classId} className="flex items-center justify-between rounded-lg border border-line bg-panel px-4 py-3 hover:border-accent">
                  <span className="font-semibold">{m.className}</span>
                  <span className="text-sm text-muted">{m.displayName}</span>
                </Link>
              </li>
            ))}
          </ul>
        </section>
      )}
      {sessions.length > 0 && (
        <section id="your-sessions" aria-labelledby="my-sessions-title" data-testid="home-sessions" className="flex scroll-mt-4 flex-col gap-3 border-t border-line pt-8">
          <h2 id="my-sessions-title" className="text-xl font-semibold">
            {t('home.mySessions')}
          </h2>
          <MySessionList sessions={sessions} titles={titles} onEnded={(id) => setSessions((list) => list.filter((s) => s.id !== id))} />
        </section>
      )}
    </>
  );
}
