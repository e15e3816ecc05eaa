'use client';
// Where the lesson pane is scrolled: each page (intro, a step, the finish) opens at its top,
// a new check result is scrolled into view, and the finish page names the course's next
// lesson (its /lessons/<id> page starts it).
import { useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import type { LessonSummary } from '../../../protocol/lesson';
import type { LessonPage } from '../../_lib/lesson-actions';
import { listLessons } from '../../_lib/lesson-client';
import { usePrefs } from '../prefs-provider';

/** Refs for the pane's scrolling box and the check-result block. */
export function useLessonScroll(page: LessonPage | null, resultKey: string) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const pageKey = page === null ? '' : page.kind === 'step' ? `step-${page.step}` : page.kind;
  // A new page starts at its top, not at the previous page's offset.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [pageKey]);
  // A result (pass or FAIL lines) is brought into view; the first render of a page is not.
  const seen = useRef('');
  useEffect(() => {
    const first = seen.current === '' || !seen.current.startsWith(resultKey.split(':')[0] ?? '');
    seen.current = resultKey;
    if (first) return;
    resultRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [resultKey]);
  return { scrollRef, resultRef };
}

/** "Next lesson: …" after the last step, or that the course is done. */
export function NextLesson({ lessonId }: { lessonId: string }) {
  const { t, lang } = usePrefs();
  const [next, setNext] = useState<LessonSummary | null | undefined>(undefined);
  useEffect(() => {
    let stopped = false;
    void listLessons(lang).then((result) => {
      if (stopped || !result.ok) return;
      const list = result.value.lessons;
      const at = list.findIndex((l) => l.id === lessonId);
      setNext(at >= 0 ? (list[at + 1] ?? null) : null);
    });
    return () => {
      stopped = true;
    };
  }, [lessonId, lang]);
  if (next === undefined) return null;
  if (next === null) return <p className="text-sm text-muted">{t('lesson.courseDone')}</p>;
  return (
    <Link href={`/lessons/${next.id}`} data-testid="lesson-next-lesson" data-lesson={next.id} className="self-start rounded-md bg-accent px-4 py-2 text-sm font-medium text-accent-fg">
      {t('lesson.nextLesson', { title: next.title })} ›
    </Link>
  );
}
