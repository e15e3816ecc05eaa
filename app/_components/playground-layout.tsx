'use client';
// How the playground fits the screen: below 1024 px the lesson and the terminal take turns
// (a switch under the header), the node panel collapses to a rail (an overlay when opened
// on a narrow screen), and the node and tab on screen survive a reload.
import { useCallback, useEffect, useMemo, useState, type Dispatch, type SetStateAction } from 'react';
import { usePrefs } from './prefs-provider';

/** Below this width (px) the lesson and the terminal take turns. */
export const NARROW_MAX_PX = 1023.98;
/** Below this width (px) the header uses short labels. */
export const COMPACT_MAX_PX = 640;
/** From this width (px) the node panel starts open next to a lesson. */
export const ROOMY_MIN_PX = 1600;
/** localStorage key: the node panel's state the user chose on a wide screen. */
export const NODE_PANEL_KEY = 'pier-node-panel';
/** sessionStorage key prefix: the node and tabs on screen, per session. */
export const TAB_MEMORY_PREFIX = 'pier-tabs:';

/** Which half a narrow screen shows. */
export type NarrowView = 'lesson' | 'terminal';

/** The layout state of the playground. */
export type PlaygroundLayout = {
  narrow: boolean;
  /** A phone-sized screen (< 640 px): the header uses short labels. */
  compact: boolean;
  view: NarrowView;
  show: (view: NarrowView) => void;
  nodesOpen: boolean;
  toggleNodes: () => void;
  closeNodes: () => void;
};

function readStorage(storage: () => Storage, key: string): string | null {
  try {
    return storage().getItem(key);
  } catch {
    return null;
  }
}

function writeStorage(storage: () => Storage, key: string, value: string): void {
  try {
    storage().setItem(key, value);
  } catch {
    /* private mode or full: the layout simply is not remembered */
  }
}

/** The layout; `hasLesson` decides whether the node panel starts open on a wide screen. */
export function useNarrowLayout(hasLesson = false): PlaygroundLayout {
  const [width, setWidth] = useState<number | null>(null);
  const [view, setView] = useState<NarrowView>('lesson');
  const [nodesPref, setNodesPref] = useState<boolean | null>(null);
  useEffect(() => {
    const saved = readStorage(() => localStorage, NODE_PANEL_KEY);
    if (saved === 'open' || saved === 'closed') setNodesPref(saved === 'open');
    const measure = () => setWidth(window.innerWidth);
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, []);
  const narrow = width !== null && width <= NARROW_MAX_PX;
  const compact = width !== null && width < COMPACT_MAX_PX;
  // Narrow: closed until asked for (it covers the terminal). Wide: the user's choice, else
  // open unless a lesson shares a screen that is not roomy.
  const [narrowOpen, setNarrowOpen] = useState(false);
  const nodesOpen = narrow ? narrowOpen : (nodesPref ?? !(hasLesson && (width ?? 0) < ROOMY_MIN_PX));
  const toggleNodes = useCallback(() => {
    if (narrow) {
      setNarrowOpen((v) => !v);
      return;
    }
    const next = !nodesOpen;
    setNodesPref(next);
    writeStorage(() => localStorage, NODE_PANEL_KEY, next ? 'open' : 'closed');
  }, [narrow, nodesOpen]);
  const closeNodes = useCallback(() => setNarrowOpen(false), []);
  const show = useCallback((v: NarrowView) => setView(v), []);
  return useMemo(() => ({ narrow, compact, view, show, nodesOpen, toggleNodes, closeNodes }), [narrow, compact, view, show, nodesOpen, toggleNodes, closeNodes]);
}

type TabMemory = { node: string | null; tabs: Record<string, string> };

function loadTabMemory(sessionId: string): TabMemory {
  if (typeof window === 'undefined') return { node: null, tabs: {} };
  const raw = readStorage(() => sessionStorage, TAB_MEMORY_PREFIX + sessionId);
  try {
    const parsed: unknown = raw === null ? null : JSON.parse(raw);
    if (parsed && typeof parsed === 'object') {
      const { node, tabs } = parsed as { node?: unknown; tabs?: unknown };
      const cleanTabs: Record<string, string> = {};
      if (tabs && typeof tabs === 'object') for (const [k, v] of Object.entries(tabs)) if (typeof v === 'string') cleanTabs[k] = v;
      return { node: typeof node === 'string' ? node : null, tabs: cleanTabs };
    }
  } catch {
    /* a damaged entry is ignored */
  }
  return { node: null, tabs: {} };
}

/** The selected node and each node's active tab, remembered for this session across reloads. */
export function useTabMemory(sessionId: string): {
  selectedNode: string | null;
  setSelectedNode: Dispatch<SetStateAction<string | null>>;
  activeByNode: Record<string, string>;
  setActiveByNode: Dispatch<SetStateAction<Record<string, string>>>;
} {
  const [initial] = useState(() => loadTabMemory(sessionId));
  const [selectedNode, setSelectedNode] = useState<string | null>(initial.node);
  const [activeByNode, setActiveByNode] = useState<Record<string, string>>(initial.tabs);
  useEffect(() => {
    writeStorage(() => sessionStorage, TAB_MEMORY_PREFIX + sessionId, JSON.stringify({ node: selectedNode, tabs: activeByNode }));
  }, [sessionId, selectedNode, activeByNode]);
  return { selectedNode, setSelectedNode, activeByNode, setActiveByNode };
}

/** The thin rail that opens and closes the node panel. */
export function NodePanelToggle({ open, onToggle, count }: { open: boolean; onToggle: () => void; count: number }) {
  const { t } = usePrefs();
  const label = open ? t('layout.hideNodes') : t('layout.showNodes');
  return (
    <button
      type="button"
      data-testid="node-panel-toggle"
      aria-expanded={open}
      aria-controls="node-panel"
      onClick={onToggle}
      title={label}
      aria-label={label}
      className="flex w-7 shrink-0 flex-col items-center gap-2 border-r border-line bg-panel py-3 text-muted hover:text-fg sm:w-9"
    >
      <span aria-hidden="true">{open ? '‹' : '›'}</span>
      <span className="text-xs [writing-mode:vertical-rl]">
        {t('layout.nodes')} · {count}
      </span>
    </button>
  );
}

/** "Lesson | Terminal": which half a narrow screen shows. */
export function ViewSwitch({ view, onChange }: { view: NarrowView; onChange: (view: NarrowView) => void }) {
  const { t } = usePrefs();
  const options: readonly NarrowView[] = ['lesson', 'terminal'];
  return (
    <div role="radiogroup" aria-label={t('layout.view')} data-testid="view-switch" className="flex shrink-0 gap-1 border-b border-line bg-panel px-2 py-1">
      {options.map((v) => (
        <button
          key={v}
          type="button"
          role="radio"
          aria-checked={view === v}
          data-testid={`view-${v}`}
          onClick={() => onChange(v)}
          className={`flex-1 rounded-md px-3 py-1.5 text-sm font-medium ${view === v ? 'bg-accent text-accent-fg' : 'text-muted hover:bg-raised hover:text-fg'}`}
        >
          {v === 'lesson' ? t('layout.lesson') : t('layout.terminal')}
        </button>
      ))}
    </div>
  );
}
