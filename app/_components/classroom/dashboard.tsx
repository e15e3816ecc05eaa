'use client';
// /classes/<id>: the live dashboard. A top line (class, live status, counts, join code and
// projector link), the toolbar and legend, the students × steps grid, the class actions
// beside it on wide screens (below on narrow ones), and a student's panel on click.
import { useCallback, useMemo, useState } from 'react';
import Link from 'next/link';
import { errorText } from '../../_lib/error-text';
import { NO_FILTER, visibleStudents, type GridFilter, type GridSort } from '../../_lib/grid-view';
import { formatJoinCode } from '../../_lib/join-code';
import { usePrefs } from '../prefs-provider';
import { ClassActions } from './class-actions';
import { ClassGrid } from './class-grid';
import { FormNote } from './fields';
import { GridLegend, GridToolbar } from './grid-toolbar';
import { StudentPanel } from './student-panel';
import { useClassDashboard } from './use-class-dashboard';

/** The dashboard of class `classId`. */
export function Dashboard({ classId }: { classId: string }) {
  const { t, lang } = usePrefs();
  const dash = useClassDashboard(classId, lang);
  const [sort, setSort] = useState<GridSort>('name');
  const [filter, setFilter] = useState<GridFilter>(NO_FILTER);
  const [selected, setSelected] = useState<string | null>(null);
  const close = useCallback(() => setSelected(null), []);

  const rows = useMemo(
    () => (dash.grid ? visibleStudents(dash.grid.students, dash.grid.lessons, sort, filter, lang) : []),
    [dash.grid, sort, filter, lang],
  );

  if (dash.gone)
    return (
      <p role="alert" data-testid="dashboard-gone" className="text-danger">
        {t('dash.gone')}
      </p>
    );
  const student = selected ? dash.grid?.students.find((s) => s.id === selected) : undefined;
  const online = dash.grid?.students.filter((s) => s.online).length ?? 0;
  const statusText = dash.status === 'open' ? t('dash.live') : dash.status === 'reconnecting' ? t('dash.reconnecting') : t('dash.connecting');

  return (
    <div data-testid="dashboard" data-class-id={classId} data-feed={dash.status} className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h1 className="text-2xl font-bold">{dash.view?.settings.name ?? ' '}</h1>
        <span
          role="status"
          data-testid={dash.status === 'reconnecting' ? 'dashboard-reconnecting' : 'dashboard-status'}
          className={`flex items-center gap-1.5 rounded px-2 py-0.5 text-xs ${dash.status === 'open' ? 'bg-ok/15 text-ok' : 'bg-warn/15 text-warn'}`}
        >
          <span aria-hidden="true" className={`size-2 rounded-full ${dash.status === 'open' ? 'bg-ok' : 'animate-pulse bg-warn'}`} />
          {statusText}
        </span>
        {dash.grid && <span className="text-sm text-muted">{t('dash.studentsCount', { n: dash.grid.students.length, online })}</span>}
        {dash.view && (
          <span className="ml-auto flex items-center gap-3">
            <span className="text-sm text-muted">{t('code.title')}</span>
            <span data-testid="class-join-code" className="font-mono text-2xl font-bold tracking-widest">
              {formatJoinCode(dash.view.joinCode)}
            </span>
            <Link href={`/classes/${classId}/projector`} data-testid="open-projector" className="rounded-md border border-line px-3 py-1.5 text-sm hover:bg-raised">
              {t('classes.projector')}
            </Link>
          </span>
        )}
      </div>
      {dash.failure && <FormNote kind="error">{errorText(lang, dash.failure)}</FormNote>}
      <div className="flex flex-col gap-4 xl:flex-row">
        <div className="flex min-w-0 flex-1 flex-col gap-3">
          <GridToolbar sort={sort} filter={filter} onSort={setSort} onFilter={setFilter} />
          {!dash.grid ? (
            <p className="text-sm text-muted">{t('page.loading')}</p>
          ) : (
            <ClassGrid
              lessons={dash.grid.lessons}
              students={rows}
              selected={selected}
              onSelect={setSelected}
              empty={dash.grid.students.length === 0 ? 'none' : rows.length === 0 ? 'no-match' : null}
            />
          )}
          <GridLegend />
        </div>
        {dash.view && (
          <div className="shrink-0 rounded-lg border border-line bg-panel p-4 xl:w-80">
            <ClassActions view={dash.view} lessons={dash.grid?.lessons ?? []} announcements={dash.announcements} onView={dash.setView} />
          </div>
        )}
      </div>
      {student && <StudentPanel key={student.id} classId={classId} student={student} onClose={close} />}
    </div>
  );
}
