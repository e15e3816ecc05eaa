'use client';
// The author preview: the lesson's introduction, every step (with its check settings and
// explained solution) and the finish page, in the UI language or `?lang=`; it polls
// GET /api/lessons/:id/version every second and reloads the lesson when it changes.
import { useEffect, useState } from 'react';
import Link from 'next/link';
import type { LessonLang, LessonSummary, LessonView } from '../../../protocol/lesson';
import type { ApiFailure } from '../../_lib/api-client';
import { errorText } from '../../_lib/error-text';
import { getLesson, getLessonVersion, listLessons } from '../../_lib/lesson-client';
import { usePrefs } from '../prefs-provider';
import { StartButton } from '../start-button';
import { LessonHtml } from './lesson-html';

/** How often the preview asks whether the lesson changed (ms). */
export const VERSION_POLL_MS = 1000;

/** The preview of `lessonId`; `lang` overrides the UI language when given. */
export function LessonPreview({ lessonId, lang: forced }: { lessonId: string; lang: LessonLang | null }) {
  const { t, lang: uiLang } = usePrefs();
  const lang = forced ?? uiLang;
  const [version, setVersion] = useState<string | null>(null);
  const [view, setView] = useState<LessonView | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [reloadedAt, setReloadedAt] = useState<Date | null>(null);
  const [lessons, setLessons] = useState<LessonSummary[]>([]);

  // The other lessons, to switch between their previews.
  useEffect(() => {
    let stopped = false;
    void listLessons(lang).then((r) => {
      if (!stopped && r.ok) setLessons(r.value.lessons);
    });
    return () => {
      stopped = true;
    };
  }, [lang]);

  // The version, every second.
  useEffect(() => {
    let stopped = false;
    let handle: ReturnType<typeof setTimeout> | null = null;
    const poll = async () => {
      const result = await getLessonVersion(lessonId);
      if (stopped) return;
      if (result.ok) setVersion(result.value.version);
      else setFailure(result);
      handle = setTimeout(() => void poll(), VERSION_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (handle !== null) clearTimeout(handle);
    };
  }, [lessonId]);

  // The lesson, whenever the version or the language changes.
  useEffect(() => {
    if (version === null) return;
    let stopped = false;
    void getLesson(lessonId, lang).then((result) => {
      if (stopped) return;
      if (result.ok) {
        setView(result.value);
        setFailure(null);
        setReloadedAt(new Date());
      } else setFailure(result);
    });
    return () => {
      stopped = true;
    };
  }, [lessonId, lang, version]);

  return (
    <main id="main" tabIndex={-1} data-testid="lesson-preview" data-version={view?.version ?? ''} className="mx-auto flex w-full max-w-3xl flex-col gap-8 px-6 py-10">
      <header className="flex flex-col gap-1 border-b border-line pb-4">
        <p className="text-xs font-semibold uppercase tracking-wide text-muted">{t('preview.title')}</p>
        <h1 data-testid="lesson-title" className="text-3xl font-bold">
          {view?.title ?? lessonId}
        </h1>
        {view && <p className="text-muted">{view.description}</p>}
        <p role="status" className="text-xs text-muted">
          {t('preview.live')} {reloadedAt && t('preview.reloaded', { time: reloadedAt.toLocaleTimeString(lang) })}
        </p>
        <div className="flex flex-wrap items-center gap-4 pt-2">
          <nav aria-label={t('preview.language')} data-testid="preview-lang" className="flex gap-1">
            {(['en', 'ko'] as const).map((l) => (
              <Link
                key={l}
                href={`/lessons/${lessonId}/preview?lang=${l}`}
                lang={l}
                aria-current={l === lang ? 'true' : undefined}
                data-testid={`preview-lang-${l}`}
                className={`rounded-md border px-2.5 py-1 text-sm ${l === lang ? 'border-accent bg-accent/10 font-medium' : 'border-line text-muted hover:text-fg'}`}
              >
                {l === 'en' ? 'English' : '한국어'}
              </Link>
            ))}
          </nav>
          <Link href="/" className="text-sm text-accent hover:underline">
            {t('page.backHome')}
          </Link>
        </div>
        <div className="pt-2" data-testid="preview-try">
          <StartButton lessonId={lessonId} accessibleName={t('preview.tryItName', { title: view?.title ?? lessonId })} label={t('preview.tryIt')} />
        </div>
      </header>
      {lessons.length > 1 && (
        <nav aria-label={t('preview.lessons')} data-testid="preview-lessons">
          <h2 className="mb-2 text-sm font-semibold text-muted">{t('preview.lessons')}</h2>
          <ul className="flex flex-wrap gap-2">
            {lessons.map((l) => (
              <li key={l.id}>
                <Link
                  href={`/lessons/${l.id}/preview?lang=${lang}`}
                  aria-current={l.id === lessonId ? 'page' : undefined}
                  data-testid="preview-lesson-link"
                  data-lesson={l.id}
                  className={`block rounded-md border px-2.5 py-1 text-sm ${l.id === lessonId ? 'border-accent bg-accent/10 font-medium' : 'border-line hover:bg-raised'}`}
                >
                  {l.title}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      {failure && (
        <p role="alert" data-testid="lesson-load-error" className="rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger">
          {t('preview.loadFailed', { reason: errorText(lang, failure) })}
        </p>
      )}
      {view && (
        <>
          <section aria-labelledby="preview-intro" className="flex flex-col gap-3">
            <h2 id="preview-intro" className="text-xl font-semibold">
              {t('lesson.intro')}
            </h2>
            <LessonHtml html={view.introHtml} sessionId={null} testId="preview-intro" />
          </section>
          {view.steps.map((step) => (
            <section key={step.index} data-testid="preview-step" data-step={step.index} className="flex flex-col gap-3 border-t border-line pt-6">
              <h2 className="text-xl font-semibold">
                {t('lesson.stepOf', { n: step.index, total: view.steps.length })}: {step.title}
              </h2>
              <p className="flex gap-3 text-xs text-muted">
                {step.hasCheck && <span>✓ {t('preview.check')}</span>}
                {step.watch && <span>⟳ {t('preview.watch')}</span>}
                <span>{t('preview.node', { node: step.node })}</span>
              </p>
              <LessonHtml html={step.html} sessionId={null} />
              {step.solutionHtml && (
                <details className="rounded-md border border-line p-3">
                  <summary className="cursor-pointer text-sm font-medium">{t('lesson.solution')}</summary>
                  <LessonHtml html={step.solutionHtml} sessionId={null} />
                </details>
              )}
            </section>
          ))}
          <section aria-labelledby="preview-finish" className="flex flex-col gap-3 border-t border-line pt-6">
            <h2 id="preview-finish" className="text-xl font-semibold">
              {t('preview.finish')}
            </h2>
            <LessonHtml html={view.finishHtml} sessionId={null} testId="preview-finish" />
          </section>
        </>
      )}
    </main>
  );
}
