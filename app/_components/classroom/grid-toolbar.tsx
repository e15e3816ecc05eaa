'use client';
// The dashboard's sort and filters (search, only raised hands, only stuck) and the legend
// that names every cell look in words.
import type { Cell } from '../../../protocol/classroom';
import type { GridFilter, GridSort } from '../../_lib/grid-view';
import { usePrefs } from '../prefs-provider';
import { INPUT_CLASS } from './fields';
import { GridCellMark } from './grid-cell';

/** Sort select, search box and the two filter toggles. */
export function GridToolbar({
  sort,
  filter,
  onSort,
  onFilter,
}: {
  sort: GridSort;
  filter: GridFilter;
  onSort: (sort: GridSort) => void;
  onFilter: (filter: GridFilter) => void;
}) {
  const { t } = usePrefs();
  const toggle = (key: 'onlyHands' | 'onlyStuck', label: string, testId: string) => (
    <button
      type="button"
      aria-pressed={filter[key]}
      data-testid={testId}
      onClick={() => onFilter({ ...filter, [key]: !filter[key] })}
      className={`rounded-md border px-2.5 py-1.5 text-sm ${filter[key] ? 'border-accent bg-accent/15 font-medium' : 'border-line hover:bg-raised'}`}
    >
      {label}
    </button>
  );
  return (
    <div className="flex flex-wrap items-center gap-2">
      <input
        type="search"
        value={filter.search}
        onChange={(ev) => onFilter({ ...filter, search: ev.target.value })}
        placeholder={t('dash.search')}
        aria-label={t('dash.search')}
        data-testid="grid-search"
        className={`${INPUT_CLASS} max-w-56 py-1.5 text-sm`}
      />
      <label className="flex items-center gap-1.5 text-sm">
        <span className="text-muted">{t('dash.sort')}</span>
        <select
          value={sort}
          onChange={(ev) => onSort(ev.target.value as GridSort)}
          data-testid="grid-sort"
          className="rounded-md border border-line bg-bg px-2 py-1.5"
        >
          <option value="name">{t('sort.name')}</option>
          <option value="progress">{t('sort.progress')}</option>
          <option value="stuck">{t('sort.stuck')}</option>
        </select>
      </label>
      {toggle('onlyHands', `✋ ${t('dash.onlyHands')}`, 'grid-only-hands')}
      {toggle('onlyStuck', `! ${t('dash.onlyStuck')}`, 'grid-only-stuck')}
    </div>
  );
}

const SAMPLE: Record<string, Cell> = {
  'not-started': { lessonId: 'x', step: 1, status: 'not-started', attempts: 0, startedAt: null, passedAt: null, stuck: false },
  'in-progress': { lessonId: 'x', step: 1, status: 'in-progress', attempts: 2, startedAt: null, passedAt: null, stuck: false },
  passed: { lessonId: 'x', step: 1, status: 'passed', attempts: 0, startedAt: null, passedAt: null, stuck: false },
  solved: { lessonId: 'x', step: 1, status: 'solved', attempts: 0, startedAt: null, passedAt: null, stuck: false },
  stuck: { lessonId: 'x', step: 1, status: 'in-progress', attempts: 4, startedAt: null, passedAt: null, stuck: true },
};

/** What each cell look means, and the presence and hand marks. */
export function GridLegend() {
  const { t } = usePrefs();
  const entries: [keyof typeof SAMPLE, string][] = [
    ['not-started', t('cell.not-started')],
    ['in-progress', `${t('cell.in-progress')} (${t('cell.attempts', { n: 2 })})`],
    ['passed', t('cell.passed')],
    ['solved', t('cell.solved')],
    ['stuck', t('cell.stuck')],
  ];
  return (
    <section aria-labelledby="legend-title" data-testid="grid-legend" className="flex flex-wrap items-center gap-x-4 gap-y-2 text-xs text-muted">
      <h2 id="legend-title" className="font-semibold text-fg">
        {t('legend.title')}
      </h2>
      {entries.map(([key, label]) => (
        <span key={key} className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-flex">
            <GridCellMark cell={SAMPLE[key]!} label={label} size="small" sample />
          </span>
          {label}
        </span>
      ))}
      <span className="flex items-center gap-1.5">
        <span aria-hidden="true" className="size-2.5 rounded-full bg-ok" /> {t('dash.online')}
      </span>
      <span className="flex items-center gap-1.5">
        <span aria-hidden="true" className="size-2.5 rounded-full border border-muted" /> {t('dash.offline')}
      </span>
      <span className="flex items-center gap-1.5">
        <span aria-hidden="true" className="rounded bg-warn px-1 font-semibold text-bg">
          ✋
        </span>
        {t('dash.handUp')}
      </span>
    </section>
  );
}
