'use client';
// The lesson beside the terminals: introduction, then one step at a time with a progress bar
// and a step list; "Check" runs the step's check in the node and shows its FAIL/HINT lines;
// watch steps check themselves every few seconds; "Solve" when the lesson allows it; the
// next step unlocks when a check passes; the finish page at the end.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CheckResult, LessonState, LessonView, StepView } from '../../../protocol/lesson';
import type { ApiFailure } from '../../_lib/api-client';
import { errorText } from '../../_lib/error-text';
import { initialPage, lessonFinished, stepUnlocked, type LessonActionSpec, type LessonPage } from '../../_lib/lesson-actions';
import { checkStep, getLesson, getLessonState, openStep, solveStep, writeStep } from '../../_lib/lesson-client';
import { ConfirmAction } from '../confirm-action';
import { usePrefs } from '../prefs-provider';
import { LessonHtml } from './lesson-html';
import { NextLesson, useLessonScroll } from './lesson-scroll';

/**
 * How often the pane asks for the lesson state while a `watch: true` step is open (ms). The
 * server re-runs the watched check itself (from the step's open on) and announces a pass as a
 * `lesson` event; this poll only covers a feed that is down.
 */
export const WATCH_INTERVAL_MS = 3000;

/** Props of LessonPane. */
export type LessonPaneProps = {
  sessionId: string;
  lessonId: string;
  state: LessonState | null;
  stateFailure: ApiFailure | null;
  onState: (state: LessonState) => void;
  onExec: (spec: LessonActionSpec) => void;
};


/** The lesson pane's content for the session's lesson. */
export function LessonPane({ sessionId, lessonId, state, stateFailure, onState, onExec }: LessonPaneProps) {
  const { t, lang } = usePrefs();
  const [view, setView] = useState<LessonView | null>(null);
  const [viewFailure, setViewFailure] = useState<ApiFailure | null>(null);
  const [page, setPage] = useState<LessonPage | null>(null);
  const [results, setResults] = useState<Record<number, CheckResult>>({});
  const [busy, setBusy] = useState<'check' | 'solve' | null>(null);
  const [actionFailure, setActionFailure] = useState<ApiFailure | null>(null);
  const [solved, setSolved] = useState<Record<number, boolean>>({});

  // The lesson in the UI language.
  useEffect(() => {
    let stopped = false;
    void getLesson(lessonId, lang).then((result) => {
      if (stopped) return;
      if (result.ok) {
        setView(result.value);
        setViewFailure(null);
      } else setViewFailure(result);
    });
    return () => {
      stopped = true;
    };
  }, [lessonId, lang]);

  // The first page, once both the lesson and the student's progress are known.
  useEffect(() => {
    if (view && state && page === null) setPage(initialPage(state, view.steps.length));
  }, [view, state, page]);

  const ready = state?.phase === 'ready';
  const stepNo = page?.kind === 'step' ? page.step : null;
  const step: StepView | null = stepNo !== null && view ? (view.steps[stepNo - 1] ?? null) : null;
  const passed = stepNo !== null && !!state?.passed.includes(stepNo);
  const solvedStep = passed && !!state?.solved.includes(stepNo);

  // Tell the server a step was opened (it starts the step's scripts once).
  const opened = useRef(new Set<number>());
  useEffect(() => {
    if (stepNo === null || !ready || opened.current.has(stepNo)) return;
    opened.current.add(stepNo);
    void openStep(sessionId, stepNo, lang).then((result) => {
      if (result.ok) onState(result.value);
    });
  }, [sessionId, stepNo, ready, onState, lang]);

  const took = useCallback(
    (result: CheckResult) => {
      setResults((r) => ({ ...r, [result.step]: result }));
      onState(result.state);
    },
    [onState],
  );

  // Watch steps: the server checks while the step is open; follow its state until it passes.
  const watching = !!step && step.watch && step.hasCheck && ready && !passed;
  useEffect(() => {
    if (!watching) return;
    let running = false;
    const handle = setInterval(() => {
      if (running) return;
      running = true;
      void getLessonState(sessionId)
        .then((result) => {
          if (result.ok) onState(result.value);
        })
        .finally(() => (running = false));
    }, WATCH_INTERVAL_MS);
    return () => clearInterval(handle);
  }, [watching, sessionId, onState]);

  async function act(kind: 'check' | 'solve', n: number) {
    setBusy(kind);
    setActionFailure(null);
    const result = await (kind === 'check' ? checkStep(sessionId, n, lang) : solveStep(sessionId, n, lang));
    setBusy(null);
    if (result.ok) {
      took(result.value);
      if (kind === 'solve') setSolved((s) => ({ ...s, [n]: true }));
    } else setActionFailure(result);
  }

  /** A step's {{write}} block, through the server into the node; a failure shows like a failed action. */
  async function writeBlock(n: number, spec: LessonActionSpec): Promise<boolean> {
    if (spec.block === null) return false;
    const result = await writeStep(sessionId, n, spec.block, lang);
    if (!result.ok) {
      setActionFailure(result);
      return false;
    }
    return result.value.written;
  }

  function go(next: LessonPage) {
    setActionFailure(null);
    setPage(next);
  }

  /** Next from a step: check-less steps are reported done (check) before moving on. */
  async function next(n: number, count: number) {
    if (view?.steps[n - 1]?.hasCheck === false && !state?.passed.includes(n)) {
      const result = await checkStep(sessionId, n, lang);
      if (result.ok) onState(result.value.state);
    }
    go(n >= count ? { kind: 'finish' } : { kind: 'step', step: n + 1 });
  }

  const failure = viewFailure ?? (state ? null : stateFailure);
  const resultKey = stepNo !== null ? `${stepNo}:${results[stepNo]?.passed ?? ''}:${results[stepNo]?.failures.length ?? ''}:${passed}` : '';
  const { scrollRef, resultRef } = useLessonScroll(page, resultKey);
  if (failure) {
    return (
      <p role="alert" data-testid="lesson-load-error" className="p-4 text-sm text-danger">
        {t('lesson.loadFailed', { reason: errorText(lang, failure) })}
      </p>
    );
  }
  if (!view || !state || !page) {
    return (
      <p role="status" className="p-4 text-sm text-muted">
        {t('lesson.loading')}
      </p>
    );
  }

  const count = view.steps.length;
  const passedCount = view.steps.filter((s) => state.passed.includes(s.index)).length;
  const result = stepNo !== null ? results[stepNo] : undefined;
  const finished = lessonFinished(state, count);

  return (
    <div data-testid="lesson-pane" data-lesson={view.id} className="flex min-h-0 flex-1 flex-col">
      <div className="flex flex-col gap-2 border-b border-line px-4 pt-3 pb-3">
        <h2 data-testid="lesson-title" className="text-base font-semibold leading-snug">
          {view.title}
        </h2>
        <div
          role="progressbar"
          data-testid="lesson-progress"
          data-passed={passedCount}
          data-total={count}
          aria-valuemin={0}
          aria-valuemax={count}
          aria-valuenow={passedCount}
          aria-label={t('lesson.progress', { passed: passedCount, total: count })}
          className="h-1.5 overflow-hidden rounded-full bg-raised"
        >
          <div className="h-full rounded-full bg-ok transition-[width]" style={{ width: `${(passedCount / count) * 100}%` }} />
        </div>
        <p className="text-xs text-muted">{t('lesson.progress', { passed: passedCount, total: count })}</p>
        <nav aria-label={t('lesson.steps')}>
          <ol className="flex flex-wrap gap-1">
            <li>
              <button
                type="button"
                data-testid="lesson-intro-item"
                aria-current={page.kind === 'intro' ? 'page' : undefined}
                onClick={() => go({ kind: 'intro' })}
                className={`rounded px-1.5 py-0.5 text-xs ${page.kind === 'intro' ? 'bg-accent text-accent-fg' : 'text-muted hover:text-fg'}`}
              >
                {t('lesson.intro')}
              </button>
            </li>
            {view.steps.map((s) => {
              const isPassed = state.passed.includes(s.index);
              const isSolved = isPassed && state.solved.includes(s.index);
              const open = stepUnlocked(state, s.index);
              const current = stepNo === s.index;
              return (
                <li key={s.index}>
                  <button
                    type="button"
                    data-testid="lesson-step-item"
                    data-step={s.index}
                    data-state={isSolved ? 'solved' : isPassed ? 'passed' : open ? 'open' : 'locked'}
                    aria-current={current ? 'step' : undefined}
                    disabled={!open}
                    onClick={() => go({ kind: 'step', step: s.index })}
                    title={open ? (isSolved ? `${s.title} (${t('lesson.solvedMark')})` : s.title) : t('lesson.locked')}
                    className={`min-w-7 rounded px-1.5 py-0.5 text-xs tabular-nums disabled:cursor-not-allowed disabled:opacity-40 ${current ? 'bg-accent text-accent-fg' : isPassed ? 'text-ok hover:bg-raised' : 'text-muted hover:text-fg'}`}
                  >
                    {isSolved ? '◐' : isPassed ? '✓' : ''}
                    {s.index}
                  </button>
                </li>
              );
            })}
          </ol>
        </nav>
      </div>

      <div ref={scrollRef} data-testid="lesson-scroll" className="min-h-0 flex-1 overflow-y-auto px-4 py-3">
        {page.kind === 'intro' && (
          <article data-testid="lesson-intro" className="flex flex-col gap-4">
            <LessonHtml html={view.introHtml} sessionId={sessionId} onExec={onExec} />
            <button
              type="button"
              data-testid="lesson-begin"
              onClick={() => go(finished ? { kind: 'finish' } : { kind: 'step', step: Math.min(state.current, count) })}
              className="self-start rounded-md bg-accent px-4 py-1.5 text-sm font-medium text-accent-fg"
            >
              {passedCount > 0 ? t('course.continue') : t('lesson.begin')}
            </button>
          </article>
        )}

        {page.kind === 'step' && step && (
          <article data-testid="lesson-step" data-step={step.index} data-passed={passed} className="flex flex-col gap-4">
            <header>
              <p className="text-xs text-muted">{t('lesson.stepOf', { n: step.index, total: count })}</p>
              <h3 className="text-lg font-semibold leading-snug">{step.title}</h3>
            </header>
            <LessonHtml html={step.html} sessionId={sessionId} onExec={onExec} onWrite={(spec) => writeBlock(step.index, spec)} testId="lesson-step-html" />

            {solved[step.index] && step.solutionHtml && (
              <details open data-testid="lesson-solution" className="rounded-md border border-line p-3">
                <summary className="cursor-pointer text-sm font-medium">{t('lesson.solution')}</summary>
                <LessonHtml html={step.solutionHtml} sessionId={sessionId} onExec={onExec} />
              </details>
            )}

            {step.hasCheck ? (
              <div ref={resultRef} className="flex scroll-mb-4 flex-col gap-3">
                {watching && (
                  <p data-testid="lesson-watching" className="flex items-center gap-2 text-xs text-muted">
                    <span aria-hidden="true" className="size-1.5 animate-pulse rounded-full bg-accent" />
                    {t('lesson.watching')}
                  </p>
                )}
                <div className="flex flex-wrap gap-2">
                  <button
                    type="button"
                    data-testid="lesson-check"
                    disabled={!ready || busy !== null}
                    aria-busy={busy === 'check'}
                    onClick={() => void act('check', step.index)}
                    className="rounded-md bg-accent px-4 py-1.5 text-sm font-medium text-accent-fg disabled:opacity-50"
                  >
                    {busy === 'check' ? t('lesson.checking') : t('lesson.check')}
                  </button>
                  {view.solve && !passed && (
                    // Solve is not a pass: asked first; what it ran is shown below once done.
                    <ConfirmAction
                      testId="lesson-solve"
                      label={busy === 'solve' ? t('lesson.solving') : t('lesson.solve')}
                      question={t('lesson.solveConfirm')}
                      confirmLabel={t('lesson.solveYes')}
                      cancelLabel={t('play.cancel')}
                      disabled={!ready || busy !== null}
                      onConfirm={() => void act('solve', step.index)}
                      className="rounded-md border border-line px-3 py-1.5 text-sm text-muted hover:text-fg disabled:opacity-50"
                    />
                  )}
                </div>
                {passed ? (
                  <p role="status" data-testid="lesson-check-result" data-passed="true" data-solved={solvedStep} className="rounded-md border border-ok/40 bg-ok/10 px-3 py-2 text-sm text-ok">
                    {solvedStep ? t('lesson.solvedWithHelp') : t('lesson.passed')}
                  </p>
                ) : (
                  result &&
                  !result.passed && (
                    <div role="alert" data-testid="lesson-check-result" data-passed="false" className="flex flex-col gap-2 rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm">
                      <p className="font-medium text-danger">{result.failures.length > 0 ? t('lesson.notYet') : t('lesson.failedNoReason')}</p>
                      {result.failures.length > 0 && (
                        <ul data-testid="lesson-failures" className="list-disc pl-5">
                          {result.failures.map((line, i) => (
                            <li key={i}>{line}</li>
                          ))}
                        </ul>
                      )}
                      {result.timedOut && <p className="text-warn">{t('lesson.timedOut')}</p>}
                      {result.hints.length > 0 && (
                        <div data-testid="lesson-hints">
                          <p className="font-medium text-muted">{t('lesson.hints')}</p>
                          <ul className="list-disc pl-5 text-muted">
                            {result.hints.map((line, i) => (
                              <li key={i}>{line}</li>
                            ))}
                          </ul>
                        </div>
                      )}
                    </div>
                  )
                )}
              </div>
            ) : (
              <p className="text-sm text-muted">{t('lesson.noCheck')}</p>
            )}

            {actionFailure && (
              <p role="alert" data-testid="lesson-action-error" className="text-sm text-danger">
                {errorText(lang, actionFailure)}
              </p>
            )}

            <div className="flex items-center justify-between gap-2 border-t border-line pt-3">
              <button
                type="button"
                data-testid="lesson-prev"
                onClick={() => go(step.index === 1 ? { kind: 'intro' } : { kind: 'step', step: step.index - 1 })}
                className="rounded-md px-2 py-1 text-sm text-muted hover:text-fg"
              >
                ‹ {step.index === 1 ? t('lesson.intro') : t('lesson.prev')}
              </button>
              <button
                type="button"
                data-testid="lesson-next"
                disabled={step.hasCheck && !passed}
                title={step.hasCheck && !passed ? t('lesson.locked') : undefined}
                onClick={() => void next(step.index, count)}
                className="rounded-md bg-accent px-4 py-1.5 text-sm font-medium text-accent-fg disabled:cursor-not-allowed disabled:opacity-40"
              >
                {step.index >= count ? t('lesson.toFinish') : t('lesson.next')} ›
              </button>
            </div>
          </article>
        )}

        {page.kind === 'finish' && (
          <article data-testid="lesson-finish" className="flex flex-col gap-4">
            <h3 className="text-lg font-semibold text-ok">{finished ? `✓ ${t('lesson.finished')}` : t('preview.finish')}</h3>
            <LessonHtml html={view.finishHtml} sessionId={sessionId} onExec={onExec} />
            <NextLesson lessonId={view.id} />
          </article>
        )}
      </div>
    </div>
  );
}

/**
 * Covers the terminals while the lesson's setup runs ("preparing…" with its progress), and
 * says clearly when setup failed.
 */
export function LessonPreparing({ state }: { state: LessonState | null }) {
  const { t } = usePrefs();
  if (!state || state.phase === 'ready') return null;
  if (state.phase === 'failed') {
    return (
      <div role="alert" data-testid="lesson-setup-failed" className="absolute inset-x-0 top-0 z-10 border-b border-danger/40 bg-danger/10 px-4 py-3 text-sm text-danger">
        <p className="font-medium">{t('lesson.setupFailed', { message: state.message ?? '' })}</p>
        <p className="text-muted">{t('lesson.setupFailedHelp')}</p>
      </div>
    );
  }
  const percent = Math.round(state.progress * 100);
  return (
    <div data-testid="lesson-preparing" className="absolute inset-0 z-10 flex items-center justify-center bg-bg/85 backdrop-blur-sm">
      <div role="status" className="flex w-72 flex-col gap-3">
        <p className="font-medium">{t('lesson.preparing')}</p>
        <div role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} className="h-2 overflow-hidden rounded-full bg-raised">
          <div className="h-full rounded-full bg-accent transition-[width]" style={{ width: `${Math.max(4, percent)}%` }} />
        </div>
        {state.message && <p className="text-xs text-muted">{state.message}</p>}
      </div>
    </div>
  );
}
