'use client';
// One student × step of the dashboard grid: each status has its own shape and symbol as
// well as its colour (not started ·, in progress with its failed checks, passed ✓, passed
// with Solve ✓ on a hatched outline, stuck !), and a full sentence for screen readers.
import type { Cell, CellStatus } from '../../../protocol/classroom';
import { minutesSince } from '../../_lib/grid-view';
import { usePrefs } from '../prefs-provider';

const LOOK: Record<CellStatus, string> = {
  'not-started': 'border border-dashed border-line text-muted',
  'in-progress': 'border-2 border-warn bg-warn/15 text-warn',
  passed: 'bg-ok text-bg',
  solved: 'border-2 border-ok text-ok pier-hatched',
};

/** The cell's visible mark. */
function mark(cell: Cell): string {
  if (cell.status === 'passed' || cell.status === 'solved') return '✓';
  if (cell.status === 'in-progress') return cell.attempts > 0 ? String(Math.min(cell.attempts, 99)) : '…';
  return '·';
}

/** A cell's status, attempts and time in words. */
export function useCellText() {
  const { t } = usePrefs();
  return (cell: Cell, nowMs: number): string => {
    const parts = [t(`cell.${cell.status}`)];
    if (cell.stuck) parts.push(t('cell.stuck'));
    if (cell.attempts > 0) parts.push(t('cell.attempts', { n: cell.attempts }));
    const minutes = cell.status === 'in-progress' ? minutesSince(cell.startedAt, nowMs) : null;
    if (minutes !== null) parts.push(t('cell.minutes', { n: minutes }));
    return parts.join(', ');
  };
}

/** The square of one cell; `label` says everything a sighted user reads from it; `sample` for the legend. */
export function GridCellMark({
  cell,
  label,
  studentId,
  size = 'normal',
  sample = false,
}: {
  cell: Cell;
  label: string;
  studentId?: string;
  size?: 'normal' | 'small';
  sample?: boolean;
}) {
  const box = size === 'small' ? 'size-5 text-[10px]' : 'size-7 text-xs';
  return (
    <span
      role="img"
      aria-label={label}
      title={label}
      data-testid={sample ? undefined : 'grid-cell'}
      data-student={studentId}
      data-lesson={sample ? undefined : cell.lessonId}
      data-step={sample ? undefined : cell.step}
      data-status={cell.status}
      data-attempts={sample ? undefined : cell.attempts}
      data-stuck={cell.stuck}
      className={`relative inline-flex ${box} items-center justify-center rounded font-bold tabular-nums ${LOOK[cell.status]} ${cell.stuck ? 'ring-2 ring-danger ring-offset-1 ring-offset-bg' : ''}`}
    >
      {mark(cell)}
      {cell.stuck && (
        <span aria-hidden="true" className="absolute -top-1.5 -right-1.5 flex size-3.5 items-center justify-center rounded-full bg-danger text-[9px] text-white">
          !
        </span>
      )}
    </span>
  );
}
