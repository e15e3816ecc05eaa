'use client';
// The selected node's resources: memory, CPU, processes and disk as bars against the
// node's limits (from `stats` events), and its namespace ids.
import type { NodeStats, NodeView } from '../../protocol/http';
import { formatBytes, formatPercent, usageLevel, usagePercent } from '../_lib/format';
import type { MessageKey } from '../_lib/i18n';
import { usePrefs } from './prefs-provider';

type Bar = { stat: string; label: MessageKey; used: number; limit: number; text: string };

/** The bars for one stats sample. */
function barsOf(stats: NodeStats): Bar[] {
  return [
    {
      stat: 'memory',
      label: 'stats.memory',
      used: stats.memoryBytes,
      limit: stats.memoryLimitBytes,
      text: `${formatBytes(stats.memoryBytes)} / ${formatBytes(stats.memoryLimitBytes)}`,
    },
    {
      stat: 'cpu',
      label: 'stats.cpu',
      used: stats.cpuPercent,
      limit: stats.cpuLimitPercent,
      text: `${formatPercent(stats.cpuPercent)} / ${formatPercent(stats.cpuLimitPercent)}`,
    },
    { stat: 'pids', label: 'stats.pids', used: stats.pids, limit: stats.pidsLimit, text: `${stats.pids} / ${stats.pidsLimit}` },
    {
      stat: 'disk',
      label: 'stats.disk',
      used: stats.diskUsedBytes,
      limit: stats.diskLimitBytes,
      text: `${formatBytes(stats.diskUsedBytes)} / ${formatBytes(stats.diskLimitBytes)}`,
    },
  ];
}

const LEVEL_COLOUR = { ok: 'bg-ok', warn: 'bg-warn', critical: 'bg-danger' } as const;

/** Usage bars and namespaces of `node`; `stats` is its latest sample, if any. */
export function StatsPanel({ node, stats }: { node: NodeView; stats: NodeStats | undefined }) {
  const { t } = usePrefs();
  const namespaces = Object.entries(node.namespaces).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section aria-labelledby="stats-title" data-testid="stats-panel" data-node={node.name} className="flex flex-col gap-3">
      <h2 id="stats-title" className="px-1 text-xs font-semibold uppercase tracking-wide text-muted">
        {t('stats.title')} · <span className="font-mono normal-case">{node.name}</span>
      </h2>
      {stats ? (
        <ul className="flex flex-col gap-2.5 px-1">
          {barsOf(stats).map((bar) => {
            const percent = usagePercent(bar.used, bar.limit);
            const label = t(bar.label);
            return (
              <li key={bar.stat} data-testid="stat-bar" data-stat={bar.stat} data-percent={percent.toFixed(1)}>
                <div className="mb-1 flex items-baseline justify-between gap-2 text-xs">
                  <span className="text-fg">{label}</span>
                  <span className="font-mono tabular-nums text-muted">{bar.text}</span>
                </div>
                <div
                  role="meter"
                  aria-label={label}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.round(percent)}
                  aria-valuetext={bar.text}
                  className="h-1.5 overflow-hidden rounded-full bg-raised"
                >
                  <div
                    className={`h-full rounded-full transition-[width] duration-500 ${LEVEL_COLOUR[usageLevel(percent)]}`}
                    style={{ width: `${percent}%` }}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      ) : (
        <p data-testid="stats-waiting" className="px-1 text-xs text-muted">
          {t('stats.waiting')}
        </p>
      )}
      {namespaces.length > 0 && (
        <div className="px-1">
          <h3 className="mb-1 text-xs text-muted">{t('stats.namespaces')}</h3>
          <dl data-testid="namespaces" className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 font-mono text-xs">
            {namespaces.map(([kind, id]) => (
              <div key={kind} className="contents">
                <dt className="text-muted">{kind}</dt>
                <dd className="tabular-nums">{id}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </section>
  );
}
