'use client';
// The deep-link page's content: the lesson's title, description and length, and Start.
import { useEffect, useState } from 'react';
import type { LessonSummary } from '../../../protocol/lesson';
import { listLessons } from '../../_lib/lesson-client';
import { usePrefs } from '../prefs-provider';
import { StartButton } from '../start-button';

/** Names lesson `lessonId` and offers to start it; says so when there is no such lesson. */
export function LessonStart({ lessonId }: { lessonId: string }) {
  const { t, lang } = usePrefs();
  const [lesson, setLesson] = useState<LessonSummary | null | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    void listLessons(lang).then((result) => {
      if (!stopped) setLesson(result.ok ? (result.value.lessons.find((l) => l.id === lessonId) ?? null) : null);
    });
    return () => {
      stopped = true;
    };
  }, [lessonId, lang]);
  if (lesson === undefined) return <p className="text-muted">{t('page.loading')}</p>;
  if (lesson === null) {
    return (
      <div data-testid="lesson-start-missing" className="flex flex-col gap-3">
        <h1 className="text-2xl font-semibold">{t('page.notFoundTitle')}</h1>
        <p className="text-muted">{t('page.notFoundBody')}</p>
      </div>
    );
  }
  return (
    <section data-testid="lesson-start" data-lesson={lesson.id} className="flex flex-col gap-4">
      <h1 className="text-3xl font-bold leading-tight">{lesson.title}</h1>
      <p className="text-lg text-muted">{lesson.description}</p>
      <StartButton lessonId={lesson.id} accessibleName={`${t('home.start')}: ${lesson.title}`} />
    </section>
  );
}
