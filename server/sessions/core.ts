// The state the session manager's parts share ([sshx] session.rs, split by concern): the
// live sessions and their indexes, the collaborators, and the small helpers every part
// uses (lookups that check the owner, views, events). No operation lives here: admission,
// node lifecycle, terminals and adoption are their own modules over this core.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isSandboxError, type SandboxDriver, type SandboxInfo, type SandboxLimits, type SandboxTty, type TerminalSize } from '../../sandbox/index.js';
import type { LoadedLesson } from '../lessons/model.js';
import type { SessionEvent, SessionView } from '../../protocol/http.js';
import { ServerError } from '../errors.js';
import type { Store, EndReason } from '../store/store.js';
import { systemClock, type Clock } from './clock.js';
import { SessionMonitor, type MonitoredNode } from './monitor.js';
import { NodeFacts } from './node-facts.js';
import { Session, type NodeLimitsView, type NodeState, type SessionFacts, type TerminalState } from './session.js';
import type { TerminalMeta, TerminalPool } from './terminal-pool.js';
import { SessionTimers } from './timers.js';
import type { SessionPolicy } from './policy.js';
import { SERVER_LABEL, SESSION_LABEL } from './adoption.js';
import { SessionEventBus } from './event-bus.js';
import { LessonSession, type LessonSource } from './lesson-session.js';
import type { StepChange } from '../classroom/events.js';
import type { WarmPool } from './pool.js';

/** The shell of every terminal. */
export const TERMINAL_COMMAND = ['/bin/bash', '-l'];
/** Size of a pty before the client says its own. */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { cols: 80, rows: 24 };

/** A new id: 32 lowercase hex characters (128 random bits). */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** The limits a node's view shows, from its sandbox. */
export const limitsOf = (info: SandboxInfo): NodeLimitsView => ({
  memoryBytes: info.limits.memoryBytes,
  pids: info.limits.pids,
  cpus: info.limits.cpus,
  diskBytes: info.limits.diskBytes,
});

/** What the session manager and its core are made from. */
export interface CoreOptions<T> {
  driver: SandboxDriver;
  store: Store;
  policy: SessionPolicy;
  log: Logger;
  /** Opens and closes terminal objects over ptys (server/terminals). */
  terminals: TerminalPool<T>;
  /** Identifies this server's sandboxes (a value kept in the database). */
  serverId: string;
  clock?: Clock;
  /**
   * Checked before each new sandbox (create, addNode) with the number of nodes to start:
   * throws (HOST_BUSY, server/sessions/admission) when the host cannot take them.
   */
  admission?: (nodes: number) => void;
  /** The lesson catalog: a lessonId it does not know is refused (LESSON_NOT_FOUND). Without it, a lessonId is only a label. */
  lessons?: LessonSource;
  /** Types text into a live terminal as if the student typed it (foreground scripts). */
  typeInto?: (terminal: T, text: string) => void;
  /** Told after a lesson step's activity is stored (opened, failed, passed, solved): the classroom's grid. */
  onStepActivity?: (change: StepChange) => void;
  /** Warm sandboxes a Start claims (pool.ts); absent or null: every start is cold. */
  pool?: WarmPool | null;
}

/** Shared state of the session manager's parts. Fields are the parts' to use, not the API. */
export class SessionCore<T> {
  readonly driver: SandboxDriver;
  readonly store: Store;
  readonly policy: SessionPolicy;
  readonly log: Logger;
  readonly clock: Clock;
  readonly serverId: string;
  readonly terminals: TerminalPool<T>;
  readonly facts: NodeFacts;
  readonly monitor: SessionMonitor;
  readonly sessions = new Map<string, Session>();
  /** Terminal id → session id, for attaching by terminal id alone. */
  readonly terminalIndex = new Map<string, string>();
  readonly events: SessionEventBus;
  readonly admission: (nodes: number) => void;
  /** Ends in flight, so `close` can wait for them. */
  readonly ending = new Set<Promise<void>>();
  readonly lessons: LessonSource | null;
  readonly typeInto: ((terminal: T, text: string) => void) | null;
  readonly onStepActivity: ((change: StepChange) => void) | null;
  /** Session id → its lesson, for sessions started with a lessonId. */
  readonly lessonSessions = new Map<string, LessonSession>();
  /** Ready sandboxes that a Start claims (null: every start is cold). */
  readonly pool: WarmPool | null;
  closed = false;

  constructor(options: CoreOptions<T>, host: { onNodeGone: (sessionId: string, node: string, sandboxId: string) => void; onPorts: (sessionId: string, node: string, ports: number[]) => void }) {
    this.driver = options.driver;
    this.store = options.store;
    this.policy = options.policy;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.serverId = options.serverId;
    this.terminals = options.terminals;
    this.events = new SessionEventBus(options.log);
    this.lessons = options.lessons ?? null;
    this.typeInto = options.typeInto ?? null;
    this.onStepActivity = options.onStepActivity ?? null;
    this.admission = options.admission ?? (() => undefined);
    this.pool = options.pool ?? null;
    this.facts = new NodeFacts(options.driver);
    this.monitor = new SessionMonitor(options.driver, {
      nodesOf: (id) => this.monitoredNodes(id),
      onStats: (id, stats) => this.emit(id, { type: 'stats', stats }),
      onPorts: host.onPorts,
      onNodeGone: host.onNodeGone,
    });
  }

  assertOpen(): void {
    if (this.closed) throw new ServerError('SHUTTING_DOWN', 'the session manager is closed');
  }

  assertLive(s: Session): void {
    if (s.ended) throw new ServerError('SESSION_NOT_FOUND', `session ${s.id} has ended`);
  }

  /** `owner`'s live session. @throws SESSION_NOT_FOUND */
  owned(sessionId: string, owner: string): Session {
    const s = this.sessions.get(sessionId);
    if (!s || s.owner !== owner || s.ended) throw new ServerError('SESSION_NOT_FOUND', `no live session ${sessionId} for this owner`);
    return s;
  }

  /** @throws NODE_NOT_FOUND */
  node(s: Session, name: string): NodeState {
    const node = s.nodes.get(name);
    if (!node) throw new ServerError('NODE_NOT_FOUND', `no ${name} in session ${s.id}`);
    return node;
  }

  /** A live Session object with its timers wired to end it. */
  newSession(facts: SessionFacts, end: (id: string, reason: EndReason) => Promise<void>): Session {
    let session: Session;
    const timers = new SessionTimers(this.clock, this.policy, {
      onExpire: () => void end(session.id, 'expired'),
      onIdle: () => void end(session.id, 'idle'),
      onWarn: (secondsLeft, reason) => {
        this.emit(session.id, { type: 'expiring', secondsLeft, reason });
        if (reason === 'idle') this.emitView(session); // the view carries the idle deadline
      },
      onIdleCleared: () => this.emitView(session),
    });
    session = new Session(facts, timers);
    return session;
  }

  /** A cold sandbox for node `hostname` of a session. */
  async createSandbox(sessionId: string, networkId: string, hostname: string, limits: Partial<SandboxLimits> = {}): Promise<SandboxInfo> {
    // The pool's refills wait while a cold start runs: the student's Start goes first.
    this.pool?.busy(1);
    try {
      return await this.driver.create({ network: networkId, hostname, limits, labels: { [SESSION_LABEL]: sessionId, [SERVER_LABEL]: this.serverId } });
    } finally {
      this.pool?.busy(-1);
    }
  }

  newLessonSession(s: Session, lesson: LoadedLesson, typeIntoFirst: (s: Session, node: string, text: string) => Promise<void>): LessonSession {
    const ls = new LessonSession({
      driver: this.driver,
      store: this.store,
      log: this.log.child({ session: s.id }),
      lessons: this.lessons ?? { get: () => null },
      lesson,
      owner: s.owner,
      sandboxOf: (name) => {
        const node = s.nodes.get(name);
        return node && node.status === 'running' ? node.sandboxId : null;
      },
      publish: (state) => this.emit(s.id, { type: 'lesson', state }),
      typeInto: (name, text) => typeIntoFirst(s, name, text),
      now: () => this.clock.now(),
      onActivity: (lessonId, step) => this.onStepActivity?.({ owner: s.owner, lessonId, step }),
    });
    this.lessonSessions.set(s.id, ls);
    return ls;
  }

  /** Opens (or finds) the live terminal of `meta` over a new shell in `sandboxId`. */
  ensureTerminal(meta: TerminalMeta, sandboxId: string): Promise<T> {
    return this.terminals.ensure(meta, (): Promise<SandboxTty> => this.pool?.takeShell(sandboxId, meta.size) ?? this.driver.execTty(sandboxId, { cmd: TERMINAL_COMMAND, size: meta.size }));
  }

  addTerminalState(s: Session, t: TerminalState): void {
    s.terminals.set(t.id, t);
    this.terminalIndex.set(t.id, s.id);
  }

  forgetSandbox(sandboxId: string): void {
    this.pool?.dropShell(sandboxId);
    this.facts.forget(sandboxId);
    this.monitor.forget(sandboxId);
  }

  /** Ends a session that has no live object (found ended or broken at adoption). */
  async endRow(sessionId: string, networkId: string | null, reason: EndReason): Promise<void> {
    this.store.endSession(sessionId, this.clock.now(), reason);
    if (networkId === null) return;
    await this.driver.destroyNetwork(networkId).catch((err: unknown) => {
      if (!isSandboxError(err, 'NETWORK_NOT_FOUND')) this.log.error({ err, session: sessionId }, 'cannot remove the network of an ended session');
    });
  }

  async loadNamespaces(s: Session): Promise<void> {
    await Promise.all([...s.nodes.values()].map((n) => (n.sandboxId !== null && n.status === 'running' ? this.facts.namespaces(n.sandboxId) : null)));
  }

  view(s: Session): SessionView {
    return s.toView(this.policy, (id) => this.facts.cachedNamespaces(id));
  }

  emit(sessionId: string, event: SessionEvent): void {
    this.events.emit(sessionId, event);
  }

  emitView(s: Session): void {
    if (this.events.has(s.id)) this.emit(s.id, { type: 'session', session: this.view(s) });
  }

  monitoredNodes(sessionId: string): MonitoredNode[] {
    const s = this.sessions.get(sessionId);
    if (!s || s.ended) return [];
    const out: MonitoredNode[] = [];
    for (const n of s.nodes.values()) if (n.status === 'running' && n.sandboxId !== null) out.push({ name: n.name, sandboxId: n.sandboxId, cpus: n.limits.cpus });
    return out;
  }
}
