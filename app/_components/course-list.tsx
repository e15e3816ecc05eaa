'use client';
// The home page's course: every lesson in order (GET /api/lessons) with its time, difficulty
// and this browser's progress; "Start" / "Continue" goes back to this browser's playground of
// that lesson while it still runs, else starts one.
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { LessonSummary } from '../../protocol/lesson';
import { createSession, getSession, type ApiFailure } from '../_lib/api-client';
import { errorText } from '../_lib/error-text';
import { listLessons } from '../_lib/lesson-client';
import { rememberSession, rememberedSession, type KeyValueStorage } from '../_lib/lesson-sessions';
import { usePrefs } from './prefs-provider';
import { QueueNotice, useQueuedStart } from './queue-notice';

type Loaded = { phase: 'loading' } | { phase: 'failed'; failure: ApiFailure } | { phase: 'ready'; lessons: LessonSummary[] };

/** localStorage, or null where the browser refuses it. */
function browserStorage(): KeyValueStorage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** One lesson's card. */
function LessonCard({ lesson, index }: { lesson: LessonSummary; index: number }) {
  const { t, lang } = usePrefs();
  const router = useRouter();
  const [starting, setStarting] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const started = lesson.passed > 0;
  const queue = useQueuedStart();

  async function start() {
    setStarting(true);
    setFailure(null);
    const storage = browserStorage();
    const remembered = storage ? rememberedSession(storage, lesson.id) : null;
    if (storage && remembered) {
      const live = await getSession(remembered);
      if (live.ok && live.value.lessonId === lesson.id) {
        router.push(`/play/${remembered}`);
        return;
      }
      rememberSession(storage, lesson.id, null);
    }
    const result = await queue.run(() => createSession(lesson.id));
    if (result === null) {
      setStarting(false);
      return;
    }
    if (!result.ok) {
      setStarting(false);
      setFailure(result);
      return;
    }
    if (storage) rememberSession(storage, lesson.id, result.value.id);
    router.push(`/play/${result.value.id}`);
  }

  const label = starting ? t('course.starting') : lesson.completed ? t('course.review') : started ? t('course.continue') : t('course.start');
  return (
    <li
      data-testid="course-lesson"
      data-lesson={lesson.id}
      data-passed={lesson.passed}
      data-steps={lesson.steps}
      data-completed={lesson.completed}
      data-solved={lesson.solved}
      className="flex flex-col gap-3 rounded-lg border border-line bg-panel p-4 sm:flex-row sm:items-center"
    >
      <span aria-hidden="true" className="font-mono text-2xl font-bold text-muted tabular-nums sm:w-10">
        {String(index + 1).padStart(2, '0')}
      </span>
      <div className="flex min-w-0 flex-1 flex-col gap-1.5">
        <h3 className="font-semibold leading-snug">{lesson.title}</h3>
        <p className="text-sm text-muted">{lesson.description}</p>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-muted">
          <span>{t('course.minutes', { n: lesson.time })}</span>
          <span>{t(`course.difficulty.${lesson.difficulty}`)}</span>
          {lesson.requires.includes('docker') && <span>{t('course.requiresDocker')}</span>}
          <span data-testid="course-progress" className={lesson.completed ? 'font-medium text-ok' : ''}>
            {lesson.completed
              ? `✓ ${lesson.solved > 0 ? t('course.completedWithHelp', { solved: lesson.solved }) : t('course.completed')}`
              : started
                ? t('course.progress', { passed: lesson.passed, steps: lesson.steps })
                : t('course.notStarted')}
          </span>
          {!lesson.completed && lesson.solved > 0 && (
            <span data-testid="course-solved" className="text-warn">
              {t('course.solvedWithHelp', { solved: lesson.solved })}
            </span>
          )}
        </p>
        <div
          role="progressbar"
          aria-valuemin={0}
          aria-valuemax={lesson.steps}
          aria-valuenow={lesson.passed}
          aria-label={t('course.progress', { passed: lesson.passed, steps: lesson.steps })}
          className="h-1 overflow-hidden rounded-full bg-raised"
        >
          <div className="flex h-full">
            <div className="h-full bg-ok" style={{ width: `${lesson.steps ? ((lesson.passed - lesson.solved) / lesson.steps) * 100 : 0}%` }} />
            <div data-testid="course-solved-bar" className="h-full bg-warn" style={{ width: `${lesson.steps ? (lesson.solved / lesson.steps) * 100 : 0}%` }} />
          </div>
        </div>
        {queue.place && <QueueNotice place={queue.place} onCancel={queue.cancel} />}
        {failure && (
          <p role="alert" data-testid="course-start-error" className="text-sm text-danger">
            {errorText(lang, failure)}
          </p>
        )}
      </div>
      <button
        type="button"
        data-testid="course-start"
        aria-label={`${label}: ${lesson.title}`}
        onClick={() => void start()}
        disabled={starting}
        aria-busy={starting}
        className={`shrink-0 rounded-md px-4 py-2 text-sm font-medium disabled:cursor-progress disabled:opacity-70 ${started ? 'bg-accent text-accent-fg' : 'border border-accent text-accent hover:bg-accent hover:text-accent-fg'}`}
      >
        {label}
      </button>
    </li>
  );
}

/** The course list, loaded in the UI language. */
export function CourseList() {
  const { t, lang } = usePrefs();
  const [loaded, setLoaded] = useState<Loaded>({ phase: 'loading' });

  useEffect(() => {
    let stopped = false;
    void listLessons(lang).then((result) => {
      if (stopped) return;
      setLoaded(result.ok ? { phase: 'ready', lessons: result.value.lessons } : { phase: 'failed', failure: result });
    });
    return () => {
      stopped = true;
    };
  }, [lang]);

  if (loaded.phase === 'loading') return <p className="text-sm text-muted">{t('course.loading')}</p>;
  if (loaded.phase === 'failed')
    return (
      <p role="alert" data-testid="course-error" className="text-sm text-danger">
        {t('course.loadFailed', { reason: errorText(lang, loaded.failure) })}
      </p>
    );
  if (loaded.lessons.length === 0) return <p className="text-sm text-muted">{t('course.empty')}</p>;
  return (
    <ol data-testid="course-list" className="flex flex-col gap-3">
      {loaded.lessons.map((lesson, i) => (
        <LessonCard key={lesson.id} lesson={lesson} index={i} />
      ))}
    </ol>
  );
}
