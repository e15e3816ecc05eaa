'use client';
// The main area: the selected node's terminal tabs ("+" opens another) above the terminals.
// Terminals once shown stay mounted (hidden) so their screen and socket survive tab switches.
import { MAX_TERMINALS_PER_NODE, type NodeView } from '../../protocol/http';
import { usePrefs } from './prefs-provider';
import { TerminalView } from './terminal/terminal-view';

/** Props of TerminalTabs. */
export type TerminalTabsProps = {
  node: NodeView;
  /** The active terminal of `node`, if it has any. */
  activeId: string | null;
  /** Every terminal id to keep mounted (the active one among them). */
  mountedIds: readonly string[];
  /** Whether a "new terminal" call is running. */
  opening: boolean;
  onActivate: (terminalId: string) => void;
  onNew: () => void;
  onClose: (terminalId: string) => void;
};

/** Tab bar plus terminal stack. */
export function TerminalTabs({ node, activeId, mountedIds, opening, onActivate, onNew, onClose }: TerminalTabsProps) {
  const { t } = usePrefs();
  const full = node.terminals.length >= MAX_TERMINALS_PER_NODE;
  return (
    <div className="flex min-h-0 min-w-0 flex-1 flex-col">
      <div role="tablist" aria-label={node.name} className="flex h-9 shrink-0 items-end gap-0.5 overflow-x-auto border-b border-line bg-panel px-2">
        {node.terminals.map((term) => {
          const active = term.id === activeId;
          return (
            <div
              key={term.id}
              data-testid="terminal-tab"
              data-terminal-id={term.id}
              data-active={active}
              className={`group flex h-8 shrink-0 items-center rounded-t-md border border-b-0 text-sm ${active ? 'border-line bg-term text-fg' : 'border-transparent text-muted hover:text-fg'}`}
            >
              <button
                type="button"
                role="tab"
                aria-selected={active}
                onClick={() => onActivate(term.id)}
                className="max-w-48 truncate py-1 pr-1 pl-3 font-mono text-xs"
              >
                {term.title}
              </button>
              <button
                type="button"
                data-testid="terminal-tab-close"
                onClick={() => onClose(term.id)}
                aria-label={t('tabs.close', { title: term.title })}
                title={t('tabs.close', { title: term.title })}
                className="mr-1 rounded px-1 text-xs text-muted opacity-60 hover:bg-raised hover:text-fg group-hover:opacity-100"
              >
                ×
              </button>
            </div>
          );
        })}
        <button
          type="button"
          data-testid="new-tab"
          onClick={onNew}
          disabled={full || opening}
          aria-label={t('tabs.new')}
          title={t('tabs.new')}
          className="mb-0.5 h-7 shrink-0 rounded-md px-2.5 text-lg leading-none text-muted hover:bg-raised hover:text-fg disabled:opacity-40"
        >
          +
        </button>
      </div>
      <div className="relative min-h-0 flex-1 bg-term">
        {mountedIds.map((id) => (
          <div key={id} role="tabpanel" className={`absolute inset-0 ${id === activeId ? '' : 'hidden'}`} aria-hidden={id !== activeId}>
            <TerminalView terminalId={id} active={id === activeId} />
          </div>
        ))}
        {!activeId && (
          <div data-testid="no-terminal" className="absolute inset-0 flex flex-col items-center justify-center gap-3 text-sm text-muted">
            <p>{t('tabs.none')}</p>
            <button type="button" onClick={onNew} disabled={opening || full} className="rounded-md bg-accent px-3 py-1.5 font-medium text-accent-fg">
              {t('tabs.open')}
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
