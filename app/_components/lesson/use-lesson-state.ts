'use client';
// The session's lesson state (GET /api/sessions/:id/lesson), kept current: polled every
// second while setup is preparing the nodes, and replaced by the answers of step actions.
import { useCallback, useEffect, useState } from 'react';
import type { LessonState } from '../../../protocol/lesson';
import type { ApiFailure } from '../../_lib/api-client';
import { getLessonState } from '../../_lib/lesson-client';

/** How often the state is asked for while the lesson is being prepared (ms). */
export const PREPARING_POLL_MS = 1000;
/** How long to wait before asking again after a failed request (ms). */
export const RETRY_MS = 3000;

/** What useLessonState returns. */
export type LessonStateHandle = {
  state: LessonState | null;
  failure: ApiFailure | null;
  /** Takes a newer state (from a check, solve or open answer, or a live event). */
  update: (state: LessonState) => void;
};

/** The lesson state of `sessionId`; inert when the session has no lesson. */
export function useLessonState(sessionId: string, lessonId: string | null): LessonStateHandle {
  const [state, setState] = useState<LessonState | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!lessonId) return;
    let stopped = false;
    void getLessonState(sessionId).then((result) => {
      if (stopped) return;
      if (result.ok) {
        setFailure(null);
        setState(result.value);
      } else setFailure(result);
    });
    return () => {
      stopped = true;
    };
  }, [sessionId, lessonId, tick]);

  // Ask again while preparing, or after a failure (a 404 means the session is gone: stop).
  const phase = state?.phase;
  useEffect(() => {
    if (!lessonId) return;
    const again = phase === 'preparing' ? PREPARING_POLL_MS : failure && failure.status !== 404 ? RETRY_MS : null;
    if (again === null) return;
    const handle = setTimeout(() => setTick((n) => n + 1), again);
    return () => clearTimeout(handle);
  }, [lessonId, phase, failure, tick]);

  const update = useCallback((next: LessonState) => setState(next), []);
  return { state, failure, update };
}
