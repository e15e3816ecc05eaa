'use client';
// The live dashboard's data: the class (GET /api/classes/:class) and the grid kept current
// over /ws/classes/:class/events (a `grid` on each connect, then changes), with the feed's
// status for the "reconnecting" line and a flag when the class is gone or not ours.
import { useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { ClassEvent, ClassView } from '../../../protocol/classroom';
import type { LessonLang } from '../../../protocol/lesson';
import type { ApiFailure } from '../../_lib/api-client';
import { connectClassEvents } from '../../_lib/class-feeds';
import { getClass } from '../../_lib/classroom-client';
import { listLessons } from '../../_lib/lesson-client';
import { EMPTY_DASHBOARD, applyClassEvent, type DashboardState } from '../../_lib/grid-view';
import type { SocketStatus } from '../../_lib/socket-client';

type Action = ClassEvent | { type: 'view'; view: ClassView };

function reducer(state: DashboardState, action: Action): DashboardState {
  // A view the page fetched or got back from a change counts as a `class` event (its locks too).
  return applyClassEvent(state, action.type === 'view' ? { type: 'class', view: action.view } : action);
}

/** What the dashboard renders. */
export type ClassDashboard = DashboardState & {
  status: SocketStatus;
  /** Set when the class does not exist or the caller may not see it. */
  gone: boolean;
  failure: ApiFailure | null;
  /** Puts a fresh ClassView in place (after the page changed a setting). */
  setView: (view: ClassView) => void;
};

/** The dashboard of class `classId`, lesson titles in `lang`. */
export function useClassDashboard(classId: string, lang: LessonLang): ClassDashboard {
  const [state, dispatch] = useReducer(reducer, EMPTY_DASHBOARD);
  const [status, setStatus] = useState<SocketStatus>('connecting');
  const [gone, setGone] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [titles, setTitles] = useState<Readonly<Record<string, string>>>({});

  // The catalog's titles in the page's language win over the feed's (which may be English).
  useEffect(() => {
    let stopped = false;
    void listLessons(lang).then((result) => {
      if (!stopped && result.ok) setTitles(Object.fromEntries(result.value.lessons.map((l) => [l.id, l.title])));
    });
    return () => {
      stopped = true;
    };
  }, [lang]);

  useEffect(() => {
    let stopped = false;
    void getClass(classId).then((result) => {
      if (stopped) return;
      if (result.ok) dispatch({ type: 'view', view: result.value });
      else if (result.status === 404 || result.status === 403 || result.status === 401) setGone(true);
      else setFailure(result);
    });
    return () => {
      stopped = true;
    };
  }, [classId]);

  useEffect(() => {
    if (gone) return;
    const feed = connectClassEvents(classId, lang, {
      onEvent: dispatch,
      onStatus: setStatus,
      onGone: () => setGone(true),
    });
    return () => feed.close();
  }, [classId, gone, lang]);

  const grid = useMemo(
    () => (state.grid ? { ...state.grid, lessons: state.grid.lessons.map((l) => ({ ...l, title: titles[l.id] ?? l.title })) } : null),
    [state.grid, titles],
  );
  const setView = useCallback((view: ClassView) => dispatch({ type: 'view', view }), []);
  return { ...state, grid, status, gone, failure, setView };
}
