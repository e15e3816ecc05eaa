'use client';
// The playground page: loads the session, keeps it live over the events socket, and lays
// out header, lesson slot, node column (nodes, stats, ports) and the terminal tabs; in a
// class session also the watchers banner, announcements and the raise-hand button.
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import Link from 'next/link';
import type { NodeView } from '../../protocol/http';
import * as api from '../_lib/api-client';
import { errorText } from '../_lib/error-text';
import { connectSessionEvents, eventsPath } from '../_lib/events-socket';
import { INITIAL_STATE, playgroundReducer } from '../_lib/session-state';
import { socketUrl, type SocketStatus } from '../_lib/socket-client';
import { pruneTerminalResume } from '../_lib/terminal-resume-store';
import { ConfirmAction } from './confirm-action';
import { ExpiryBanner } from './expiry-banner';
import { execChunks, type LessonActionSpec } from '../_lib/lesson-actions';
import { LessonPane, LessonPreparing } from './lesson/lesson-pane';
import { useLessonState } from './lesson/use-lesson-state';
import { LessonSlot } from './lesson-slot';
import { forgetTerminalInput, sendToTerminal } from './terminal/terminal-input';
import { NodeList } from './node-list';
import { AnnouncementToasts, RaiseHand, WatcherBanner, useSessionClass } from './playground-class-bar';
import { PlaygroundLoading } from './playground-loading';
import { PortLinks } from './port-links';
import { usePrefs } from './prefs-provider';
import { PrefsSwitches } from './prefs-switches';
import { SessionEnded } from './session-ended';
import { SessionTimer } from './session-timer';
import { InternetBadge } from './internet-badge';
import { StatsPanel } from './stats-panel';
import { TerminalTabs } from './terminal-tabs';
import { useSessionClock } from './use-countdown';
import { NodePanelToggle, ViewSwitch, useNarrowLayout, useTabMemory } from './playground-layout';

/** Pause between Ctrl-C and the command of an `{{exec interrupt}}`, so the shell has its prompt back (ms). */
export const INTERRUPT_PAUSE_MS = 150;

/** How long after the countdown reaches zero the page asks the server whether it is over (ms). */
export const EXPIRY_RECHECK_DELAY_MS = 3000;

type Busy = { adding?: boolean; resetting?: boolean; opening?: boolean; extending?: boolean; ending?: boolean };

/** The whole playground for `sessionId`. */
export function Playground({ sessionId }: { sessionId: string }) {
  const { t, lang } = usePrefs();
  const [state, dispatch] = useReducer(playgroundReducer, INITIAL_STATE);
  const [missing, setMissing] = useState(false);
  const [loadFailure, setLoadFailure] = useState<api.ApiFailure | null>(null);
  // The node and tab on screen survive a reload (sessionStorage, per session).
  const { selectedNode, setSelectedNode, activeByNode, setActiveByNode } = useTabMemory(sessionId);
  const [visited, setVisited] = useState<readonly string[]>([]);
  const [eventsStatus, setEventsStatus] = useState<SocketStatus>('connecting');
  const [busy, setBusy] = useState<Busy>({});
  const [notice, setNotice] = useState<api.ApiFailure | null>(null);
  const { session, ended } = state;
  const clock = useSessionClock(session, state.skewMs);
  const layout = useNarrowLayout(Boolean(session?.lessonId));
  const lesson = useLessonState(sessionId, session?.lessonId ?? null);
  const classId = useSessionClass(sessionId, Boolean(session?.lessonId));
  const updateLesson = lesson.update;

  const load = useCallback(async () => {
    const result = await api.getSession(sessionId);
    if (result.ok) {
      setLoadFailure(null);
      dispatch({ type: 'loaded', session: result.value, receivedAtMs: Date.now() });
    } else if (result.status === 404) {
      setMissing(true);
    } else {
      setLoadFailure(result);
    }
    return result;
  }, [sessionId]);

  // The session itself, once; afterwards the events feed keeps it current.
  useEffect(() => {
    void load();
  }, [load]);

  // The live events feed, for as long as the session runs.
  useEffect(() => {
    if (ended || missing) return;
    let wasDown = false;
    const feed = connectSessionEvents(socketUrl(eventsPath(sessionId), window.location), {
      onEvent: (event) => {
        if (event.type === 'lesson') updateLesson(event.state);
        else dispatch({ type: 'event', event, receivedAtMs: Date.now() });
      },
      onStatus: (status) => {
        setEventsStatus(status);
        // Catch up on anything missed while the feed was down.
        if (status === 'open' && wasDown) void load();
        if (status === 'reconnecting') wasDown = true;
      },
      onGone: () => void load(),
    });
    return () => feed.close();
  }, [sessionId, ended, missing, load, updateLesson]);

  // If the countdown runs out and no `ended` event came (feed down), ask the server.
  const expiresAt = session?.expiresAt;
  useEffect(() => {
    if (!expiresAt || ended) return;
    const delay = Date.parse(expiresAt) - (Date.now() + state.skewMs) + EXPIRY_RECHECK_DELAY_MS;
    if (!Number.isFinite(delay)) return;
    const handle = setTimeout(() => {
      void load().then((result) => {
        if (!result.ok && result.status === 404) dispatch({ type: 'ended', reason: 'expired' });
      });
    }, Math.max(0, Math.min(delay, 2 ** 31 - 1)));
    return () => clearTimeout(handle);
  }, [expiresAt, ended, state.skewMs, load]);

  // Forget saved terminal screens of terminals that no longer exist (all of them once the
  // session is over; the effect runs after the terminals' own cleanup saved them).
  useEffect(() => {
    if (ended || missing) pruneTerminalResume([]);
  }, [ended, missing]);
  // While it runs, forget those of closed terminals.
  const terminalIds = useMemo(() => session?.nodes.flatMap((n) => n.terminals.map((term) => term.id)) ?? [], [session]);
  useEffect(() => {
    if (!session) return;
    pruneTerminalResume(terminalIds);
    forgetTerminalInput(terminalIds);
  }, [session, terminalIds]);

  const node: NodeView | undefined = session?.nodes.find((n) => n.name === selectedNode) ?? session?.nodes[0];
  const activeId = node ? (node.terminals.find((term) => term.id === activeByNode[node.name])?.id ?? node.terminals[0]?.id ?? null) : null;

  // Remember every terminal shown, so switching back keeps its screen and connection.
  useEffect(() => {
    if (activeId) setVisited((v) => (v.includes(activeId) ? v : [...v, activeId]));
  }, [activeId]);
  const mountedIds = useMemo(() => {
    const alive = new Set(terminalIds);
    const ids = visited.filter((id) => alive.has(id));
    return activeId && !ids.includes(activeId) ? [...ids, activeId] : ids;
  }, [visited, terminalIds, activeId]);

  // Lesson actions type into a node's terminal: terminal N of the node, or its active one
  // (a terminal is opened when the node has none); that node and tab come to the front.
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const activeByNodeRef = useRef(activeByNode);
  activeByNodeRef.current = activeByNode;
  const execInTerminal = useCallback(
    async (spec: LessonActionSpec) => {
      const target = sessionRef.current?.nodes.find((n) => n.name === spec.node);
      if (!target) {
        setNotice({ ok: false, status: 0, code: 'LESSON_NODE_MISSING', message: t('lesson.nodeMissing', { node: spec.node }) });
        return;
      }
      let terminalId =
        spec.terminal !== null
          ? target.terminals[spec.terminal - 1]?.id
          : (target.terminals.find((term) => term.id === activeByNodeRef.current[target.name])?.id ?? target.terminals[0]?.id);
      if (!terminalId) {
        const opened = await api.createTerminal(sessionId, target.name);
        if (!opened.ok) {
          setNotice(opened);
          return;
        }
        dispatch({ type: 'terminal-added', terminal: opened.value });
        terminalId = opened.value.id;
      }
      const id = terminalId;
      setSelectedNode(target.name);
      setActiveByNode((m) => ({ ...m, [target.name]: id }));
      layout.show('terminal'); // on a narrow screen, show where the command runs
      execChunks(spec).forEach((chunk, i) => setTimeout(() => sendToTerminal(id, chunk), i * INTERRUPT_PAUSE_MS));
    },
    [sessionId, t, setSelectedNode, setActiveByNode, layout.show],
  );
  // Stable, so the lesson HTML is not re-wired on every stats event.
  const onLessonExec = useCallback((spec: LessonActionSpec) => void execInTerminal(spec), [execInTerminal]);

  /** Runs one API call with its busy flag; failures show as a notice (a gone session reloads). */
  async function run<T>(flag: keyof Busy, call: () => Promise<api.ApiResult<T>>, onOk: (value: T) => void): Promise<api.ApiResult<T>> {
    setBusy((b) => ({ ...b, [flag]: true }));
    setNotice(null);
    const result = await call();
    setBusy((b) => ({ ...b, [flag]: false }));
    if (result.ok) onOk(result.value);
    else if (result.status === 404 && result.code === 'SESSION_NOT_FOUND') void load();
    else setNotice(result);
    return result;
  }

  const addNode = () =>
    run('adding', () => api.addNode(sessionId), (added) => {
      dispatch({ type: 'node', node: added });
      setSelectedNode(added.name);
    });

  const resetNode = (name: string) => {
    const current = session?.nodes.find((n) => n.name === name);
    if (current) dispatch({ type: 'node', node: { ...current, status: 'resetting' } });
    void run('resetting', () => api.resetNode(sessionId, name), (fresh) => dispatch({ type: 'node', node: fresh })).then((result) => {
      if (!result.ok) void load(); // undo the optimistic "resetting"
    });
  };

  const newTab = () => {
    if (!node) return;
    void run('opening', () => api.createTerminal(sessionId, node.name), (term) => {
      dispatch({ type: 'terminal-added', terminal: term });
      setActiveByNode((m) => ({ ...m, [term.node]: term.id }));
    });
  };

  const closeTab = (id: string) =>
    run('opening', () => api.closeTerminal(sessionId, id), () => dispatch({ type: 'terminal-removed', id }));

  const extend = () => run('extending', () => api.extendSession(sessionId), (s) => dispatch({ type: 'loaded', session: s, receivedAtMs: Date.now() }));

  const end = () => run('ending', () => api.endSession(sessionId), () => dispatch({ type: 'ended', reason: 'ended' }));

  if (ended) return <SessionEnded reason={ended} message={t(`ended.${ended}`)} />;
  // 404 for a well-formed id: someone else's playground (a shared link) or one that is over.
  if (missing) return <SessionEnded reason="not-found" message={t('play.notYours')} />;
  if (!session) {
    if (!loadFailure) return <PlaygroundLoading />;
    return (
      <div role="alert" className="flex h-dvh flex-col items-center justify-center gap-4 px-6 text-center">
        <p>{errorText(lang, loadFailure)}</p>
        <button type="button" onClick={() => void load()} className="rounded-md bg-accent px-4 py-2 font-medium text-accent-fg">
          {t('page.retry')}
        </button>
      </div>
    );
  }

  if (!clock) return null; // set whenever the session is

  const lessonOpen = session.lessonId !== null;
  // Narrow screens show the lesson or the terminal, with a switch between them.
  const showLesson = layout.narrow ? lessonOpen && layout.view === 'lesson' : true;
  const showTerminal = !layout.narrow || !lessonOpen || layout.view === 'terminal';
  return (
    <div data-testid="playground" data-session-id={session.id} data-narrow={layout.narrow} className="flex h-dvh min-h-[480px] flex-col overflow-hidden">
      <header className="flex min-h-12 shrink-0 flex-wrap items-center gap-x-2 gap-y-1 border-b border-line bg-panel px-2 py-1 sm:gap-x-3 sm:px-4">
        <Link href="/" aria-label={t('header.home')} className="font-mono text-lg font-bold tracking-tight">
          pier
        </Link>
        <InternetBadge internet={session.internet} />
        <div className="ml-auto flex flex-wrap items-center justify-end gap-x-2 gap-y-1 sm:gap-x-3">
          {classId && <RaiseHand classId={classId} lessonId={session.lessonId} />}
          <SessionTimer session={session} clock={clock} extending={busy.extending ?? false} onExtend={() => void extend()} />
          <ConfirmAction
            testId="end-session"
            label={busy.ending ? t('play.ending') : layout.compact ? t('play.endShort') : t('play.endSession')}
            question={t('play.endConfirm')}
            confirmLabel={t('play.endYes')}
            cancelLabel={t('play.cancel')}
            onConfirm={() => void end()}
            disabled={busy.ending}
            className="rounded-md border border-danger/50 px-2 py-1 text-sm text-danger hover:bg-danger/10 disabled:opacity-50 sm:px-3"
          />
          <PrefsSwitches compact={layout.compact} />
        </div>
      </header>
      <WatcherBanner watchers={state.watchers} />
      <AnnouncementToasts announcements={state.announcements} onDismiss={(id) => dispatch({ type: 'dismiss-announcement', id })} />
      <ExpiryBanner clock={clock} canExtend={session.canExtend} extending={busy.extending ?? false} onExtend={() => void extend()} onKeepWorking={() => void load()} />
      {eventsStatus === 'reconnecting' && (
        <div role="status" data-testid="events-reconnecting" className="border-b border-line bg-raised px-4 py-1 text-xs text-muted">
          {t('play.eventsReconnecting')}
        </div>
      )}
      {notice && (
        <div role="alert" data-testid="action-error" className="flex items-center justify-between border-b border-danger/40 bg-danger/10 px-4 py-1.5 text-sm text-danger">
          <span>{errorText(lang, notice)}</span>
          <button type="button" onClick={() => setNotice(null)} aria-label="×" className="px-2">
            ×
          </button>
        </div>
      )}
      {layout.narrow && lessonOpen && <ViewSwitch view={layout.view} onChange={layout.show} />}
      <div className="relative flex min-h-0 flex-1">
        <div className={showLesson ? `flex min-w-0 ${layout.narrow && lessonOpen ? 'flex-1' : ''}` : 'hidden'}>
          <LessonSlot lessonId={session.lessonId} full={layout.narrow && lessonOpen}>
            {session.lessonId && (
              <LessonPane
                sessionId={session.id}
                lessonId={session.lessonId}
                state={lesson.state}
                stateFailure={lesson.failure}
                onState={lesson.update}
                onExec={onLessonExec}
              />
            )}
          </LessonSlot>
        </div>
        <div className={showTerminal ? 'flex min-w-0 flex-1' : 'hidden'}>
          <NodePanelToggle open={layout.nodesOpen} onToggle={layout.toggleNodes} count={session.nodes.length} />
          <aside
            id="node-panel"
            data-testid="node-panel"
            data-open={layout.nodesOpen}
            aria-label={t('layout.nodes')}
            className={
              layout.nodesOpen
                ? `flex w-60 shrink-0 flex-col gap-5 overflow-y-auto border-r border-line bg-panel p-3 ${layout.narrow ? 'absolute inset-y-0 left-7 z-20 shadow-xl sm:left-9' : ''}`
                : 'hidden'
            }
          >
            <NodeList
              nodes={session.nodes}
              selected={node?.name ?? null}
              maxNodes={session.maxNodes}
              adding={busy.adding ?? false}
              onSelect={(name) => {
                setSelectedNode(name);
                if (layout.narrow) layout.closeNodes();
              }}
              onAdd={() => void addNode()}
              onReset={resetNode}
            />
            {node && (
              <>
                <StatsPanel node={node} stats={state.stats[node.name]} />
                <PortLinks sessionId={session.id} node={node.name} ports={node.ports} />
              </>
            )}
          </aside>
          <main id="main" tabIndex={-1} className="relative flex min-w-0 flex-1 flex-col">
            <LessonPreparing state={lesson.state} />
            {node && (
              <TerminalTabs
                node={node}
                activeId={activeId}
                mountedIds={mountedIds}
                opening={busy.opening ?? false}
                onActivate={(id) => setActiveByNode((m) => ({ ...m, [node.name]: id }))}
                onNew={newTab}
                onClose={(id) => void closeTab(id)}
              />
            )}
          </main>
        </div>
      </div>
    </div>
  );
}
