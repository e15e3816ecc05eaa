'use client';
// The left column's list of nodes: status dot, name, address, per-node Reset, Add node.
import type { NodeStatus, NodeView } from '../../protocol/http';
import { ConfirmAction } from './confirm-action';
import { usePrefs } from './prefs-provider';

const STATUS_DOT: Record<NodeStatus, string> = {
  running: 'bg-ok',
  starting: 'bg-warn animate-pulse',
  resetting: 'bg-warn animate-pulse',
  error: 'bg-danger',
};

/** Props of NodeList. */
export type NodeListProps = {
  nodes: readonly NodeView[];
  selected: string | null;
  maxNodes: number;
  /** Whether an "add node" call is running. */
  adding: boolean;
  onSelect: (node: string) => void;
  onAdd: () => void;
  onReset: (node: string) => void;
};

/** The session's nodes, selectable, with Reset (confirmed) and Add node up to `maxNodes`. */
export function NodeList({ nodes, selected, maxNodes, adding, onSelect, onAdd, onReset }: NodeListProps) {
  const { t } = usePrefs();
  const full = nodes.length >= maxNodes;
  return (
    <section aria-labelledby="nodes-title" className="flex flex-col gap-2">
      <h2 id="nodes-title" className="px-1 text-xs font-semibold uppercase tracking-wide text-muted">
        {t('nodes.title')}
      </h2>
      <ul data-testid="node-list" className="flex flex-col gap-1">
        {nodes.map((node) => {
          const isSelected = node.name === selected;
          return (
            <li
              key={node.name}
              data-testid="node-item"
              data-node={node.name}
              data-status={node.status}
              data-selected={isSelected}
              className={`flex items-center gap-1 rounded-md border pr-1 ${isSelected ? 'border-accent/60 bg-raised' : 'border-transparent hover:bg-raised/60'}`}
            >
              <button
                type="button"
                onClick={() => onSelect(node.name)}
                aria-current={isSelected}
                className="flex min-w-0 flex-1 items-center gap-2 px-2 py-1.5 text-left"
              >
                <span
                  aria-hidden="true"
                  data-testid="node-status-dot"
                  className={`size-2.5 shrink-0 rounded-full ${STATUS_DOT[node.status]}`}
                />
                <span className="flex min-w-0 flex-col leading-tight">
                  <span className="font-mono text-sm font-semibold">{node.name}</span>
                  <span className="truncate font-mono text-xs text-muted" data-testid="node-address">
                    {node.address}
                    <span className="sr-only"> — {t(`nodes.status.${node.status}`)}</span>
                  </span>
                </span>
              </button>
              <ConfirmAction
                testId="node-reset"
                label={t('nodes.reset')}
                question={t('nodes.resetConfirm', { node: node.name })}
                confirmLabel={t('nodes.resetYes')}
                cancelLabel={t('play.cancel')}
                onConfirm={() => onReset(node.name)}
                disabled={node.status === 'resetting' || node.status === 'starting'}
                align="right"
                popoverWidth="w-52"
                className="rounded px-1.5 py-0.5 text-xs text-muted hover:bg-bg hover:text-fg disabled:opacity-40"
              />
            </li>
          );
        })}
      </ul>
      <button
        type="button"
        data-testid="add-node"
        onClick={onAdd}
        disabled={full || adding}
        title={full ? t('nodes.max', { max: maxNodes }) : undefined}
        className="rounded-md border border-dashed border-line px-2 py-1.5 text-sm text-muted transition-colors hover:border-accent hover:text-fg disabled:cursor-not-allowed disabled:opacity-50 disabled:hover:border-line disabled:hover:text-muted"
      >
        {adding ? t('nodes.adding') : `+ ${t('nodes.add')}`}
        <span className="ml-1 text-xs">
          ({nodes.length}/{maxNodes})
        </span>
      </button>
    </section>
  );
}
