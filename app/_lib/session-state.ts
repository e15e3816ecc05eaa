// The playground's view of one session as a pure reducer: the loaded SessionView, folded
// with live events (protocol/http.ts SessionEvent) and the answers of the page's own calls.
import { skewFrom } from './session-clock';
import type { Announcement, NodeStats, NodeView, SessionEvent, SessionView, TerminalView, Watcher } from '../../protocol/http';

/** Why a session ended, as the `ended` event says (or `ended` when this page ended it). */
export type EndReason = Extract<SessionEvent, { type: 'ended' }>['reason'];

/** Everything the playground renders about its session. */
export type PlaygroundState = {
  session: SessionView | null;
  /** The latest stats sample per node name. */
  stats: Readonly<Record<string, NodeStats>>;
  /** Set once the session is over; the page then shows why. */
  ended: EndReason | null;
  /** How far the server's clock runs ahead of the browser's (ms), learned from each view's `serverTime`. */
  skewMs: number;
  /** Staff watching or typing in this session's terminals now. */
  watchers: readonly Watcher[];
  /** Class announcements not dismissed yet, oldest first (at most MAX_SHOWN_ANNOUNCEMENTS). */
  announcements: readonly Announcement[];
};

/** At most this many announcements wait on screen; older ones drop off. */
export const MAX_SHOWN_ANNOUNCEMENTS = 3;

/** What can change the state. */
export type PlaygroundAction =
  | { type: 'loaded'; session: SessionView; receivedAtMs?: number }
  | { type: 'event'; event: SessionEvent; receivedAtMs: number }
  | { type: 'node'; node: NodeView }
  | { type: 'terminal-added'; terminal: TerminalView }
  | { type: 'terminal-removed'; id: string }
  | { type: 'ended'; reason: EndReason }
  | { type: 'dismiss-announcement'; id: string };

/** The state before the session has loaded. */
export const INITIAL_STATE: PlaygroundState = { session: null, stats: {}, ended: null, skewMs: 0, watchers: [], announcements: [] };

/** The state after `action`. Returns `state` itself when nothing changes. */
export function playgroundReducer(state: PlaygroundState, action: PlaygroundAction): PlaygroundState {
  switch (action.type) {
    case 'loaded':
      return {
        ...state,
        session: action.session,
        stats: keepStatsOf(state.stats, action.session.nodes),
        skewMs: action.receivedAtMs === undefined ? state.skewMs : skewFrom(action.session, action.receivedAtMs),
      };
    case 'node':
      return withSession(state, (s) => ({ ...s, nodes: upsertNode(s.nodes, action.node) }));
    case 'terminal-added':
      return withSession(state, (s) => ({
        ...s,
        nodes: s.nodes.map((n) =>
          n.name === action.terminal.node && !n.terminals.some((t) => t.id === action.terminal.id)
            ? { ...n, terminals: [...n.terminals, action.terminal] }
            : n,
        ),
      }));
    case 'terminal-removed':
      return withSession(state, (s) => ({
        ...s,
        nodes: s.nodes.map((n) =>
          n.terminals.some((t) => t.id === action.id) ? { ...n, terminals: n.terminals.filter((t) => t.id !== action.id) } : n,
        ),
      }));
    case 'ended':
      return state.ended ? state : { ...state, ended: action.reason };
    case 'event':
      return applyEvent(state, action.event, action.receivedAtMs);
    case 'dismiss-announcement':
      return { ...state, announcements: state.announcements.filter((a) => a.id !== action.id) };
  }
}

function applyEvent(state: PlaygroundState, event: SessionEvent, receivedAtMs: number): PlaygroundState {
  switch (event.type) {
    case 'session':
      return playgroundReducer(state, { type: 'loaded', session: event.session, receivedAtMs });
    case 'stats':
      return { ...state, stats: { ...state.stats, [event.stats.node]: event.stats } };
    case 'ports':
      return withSession(state, (s) => ({
        ...s,
        nodes: s.nodes.map((n) => (n.name === event.node ? { ...n, ports: [...event.ports].sort((a, b) => a - b) } : n)),
      }));
    case 'expiring':
      // The deadlines come with the views (an idle warning sends a new one); the clock
      // derives from those alone (app/_lib/session-clock.ts).
      return state;
    case 'ended':
      return playgroundReducer(state, { type: 'ended', reason: event.reason });
    case 'lesson':
      return state; // the lesson pane keeps lesson state (app/_components/lesson/use-lesson-state.ts)
    case 'watchers':
      return { ...state, watchers: event.watchers };
    case 'announcement':
      if (state.announcements.some((a) => a.id === event.announcement.id)) return state;
      return { ...state, announcements: [...state.announcements, event.announcement].slice(-MAX_SHOWN_ANNOUNCEMENTS) };
  }
}

function withSession(state: PlaygroundState, change: (s: SessionView) => SessionView): PlaygroundState {
  return state.session ? { ...state, session: change(state.session) } : state;
}

/** `nodes` with `node` replacing the node of the same name, or appended in name order. */
export function upsertNode(nodes: readonly NodeView[], node: NodeView): NodeView[] {
  const next = nodes.some((n) => n.name === node.name) ? nodes.map((n) => (n.name === node.name ? node : n)) : [...nodes, node];
  return next.sort((a, b) => nodeNumber(a.name) - nodeNumber(b.name));
}

function nodeNumber(name: string): number {
  return Number.parseInt(name.replace(/^node/, ''), 10) || 0;
}

function keepStatsOf(stats: Readonly<Record<string, NodeStats>>, nodes: readonly NodeView[]): Record<string, NodeStats> {
  const names = new Set(nodes.map((n) => n.name));
  return Object.fromEntries(Object.entries(stats).filter(([name]) => names.has(name)));
}

/** Whether another node may be added. */
export function canAddNode(session: SessionView): boolean {
  return session.nodes.length < session.maxNodes;
}
