// The session core ([sshx] session.rs): creates, changes and ends playground sessions —
// a network, its nodes (sandboxes), their terminals, timers and live events — and adopts
// the sessions a previous server process left running. Knows nothing of HTTP or sockets.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isSandboxError, type SandboxDriver, type SandboxInfo, type SandboxLimits, type SandboxTty, type TerminalSize } from '../../sandbox/index.js';
import type { LoadedLesson } from '../lessons/model.js';
import { MAX_TERMINALS_PER_NODE, type NodeStats, type NodeView, type SessionEvent, type SessionView, type TerminalView } from '../../protocol/http.js';
import { ServerError } from '../errors.js';
import type { Store, EndReason } from '../store/store.js';
import { systemClock, type Clock } from './clock.js';
import { SessionMonitor, type MonitoredNode } from './monitor.js';
import { NodeProcs } from './node-procs.js';
import { Session, toTerminalView, type NodeLimitsView, type NodeState, type TerminalState } from './session.js';
import { TerminalPool, type TerminalMeta } from './terminal-pool.js';
import { SessionTimers } from './timers.js';
import type { SessionPolicy } from './policy.js';
export { policyFromConfig, type SessionPolicy } from './policy.js';
import { planAdoption, SERVER_LABEL, SESSION_LABEL } from './adoption.js';
import { SessionEventBus, type SessionListener } from './event-bus.js';
import { LessonSession, type LessonSource } from './lesson-session.js';
import { lessonLimits } from '../lessons/runner/limits.js';
import type { CheckResult, LessonState } from '../../protocol/lesson.js';
import type { ClassSessionPlan } from '../classroom/classes.js';
import type { StepChange } from '../classroom/events.js';

export { SESSION_LABEL, SERVER_LABEL } from './adoption.js';
/** The shell of every terminal. */
export const TERMINAL_COMMAND = ['/bin/bash', '-l'];
/** Size of a pty before the client says its own. */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { cols: 80, rows: 24 };
/** How long ended sessions stay in the database (ms). */
export const ENDED_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** Seconds a client is told to wait when the server is full. */
export const SERVER_FULL_RETRY_S = 60;

export type { SessionListener } from './event-bus.js';

/** What `adopt` found after a restart. */
export interface AdoptReport {
  kept: string[];
  ended: { id: string; reason: EndReason }[];
  /** `session/node` whose sandbox was gone: marked `error`. */
  lostNodes: string[];
  /** Sandboxes of this server that belonged to no live session: destroyed. */
  orphans: string[];
}

/** What the manager needs. */
export interface SessionManagerOptions<T> {
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
}

/** A live session as the classroom lists it (a student's sessions, a class's terminals). */
export interface LiveSessionSummary {
  id: string;
  owner: string;
  lessonId: string | null;
  classId: string | null;
  memberId: string | null;
  createdAt: number;
  expiresAt: number;
  /** Last terminal input, attach or API call (ms). */
  lastActivity: number;
  nodes: number;
  terminals: { id: string; node: string; title: string }[];
}

/** A new id: 32 lowercase hex characters (128 random bits). */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

const limitsOf = (info: SandboxInfo): NodeLimitsView => ({
  memoryBytes: info.limits.memoryBytes,
  pids: info.limits.pids,
  cpus: info.limits.cpus,
  diskBytes: info.limits.diskBytes,
});

/**
 * Every live session of this server. Methods taking an `owner` answer SESSION_NOT_FOUND
 * both for a session that does not exist and for one of another owner.
 */
export class SessionManager<T> {
  readonly #driver: SandboxDriver;
  readonly #store: Store;
  readonly #policy: SessionPolicy;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #serverId: string;
  readonly #terminals: TerminalPool<T>;
  readonly #procs: NodeProcs;
  readonly #monitor: SessionMonitor;
  readonly #sessions = new Map<string, Session>();
  /** Terminal id → session id, for attaching by terminal id alone. */
  readonly #terminalIndex = new Map<string, string>();
  readonly #events: SessionEventBus;
  /** Creations in flight, per owner (they count against the caps). */
  readonly #creating = new Map<string, number>();
  /** Client address of each free playground (class sessions have none), for maxSessionsPerAddress. */
  readonly #addressOf = new Map<string, string>();
  /** Free playground creations in flight, per client address. */
  readonly #creatingFrom = new Map<string, number>();
  readonly #admission: (nodes: number) => void;
  /** Ends in flight, so `close` can wait for them. */
  readonly #ending = new Set<Promise<void>>();
  readonly #lessons: LessonSource | null;
  readonly #typeInto: ((terminal: T, text: string) => void) | null;
  readonly #onStepActivity: ((change: StepChange) => void) | null;
  /** Session id → its lesson, for sessions started with a lessonId. */
  readonly #lessonSessions = new Map<string, LessonSession>();
  #closed = false;

  constructor(options: SessionManagerOptions<T>) {
    this.#driver = options.driver;
    this.#store = options.store;
    this.#policy = options.policy;
    this.#log = options.log;
    this.#clock = options.clock ?? systemClock;
    this.#serverId = options.serverId;
    this.#terminals = options.terminals;
    this.#events = new SessionEventBus(options.log);
    this.#lessons = options.lessons ?? null;
    this.#typeInto = options.typeInto ?? null;
    this.#onStepActivity = options.onStepActivity ?? null;
    this.#admission = options.admission ?? (() => undefined);
    this.#procs = new NodeProcs(options.driver);
    this.#monitor = new SessionMonitor(options.driver, this.#procs, {
      nodesOf: (id) => this.#monitoredNodes(id),
      onStats: (id, stats) => this.#statsArrived(id, stats),
      onPorts: (id, node, ports) => this.#portsArrived(id, node, ports),
      onNodeGone: (id, node, sandboxId) => this.#nodeGone(id, node, sandboxId),
    });
  }

  /** Live sessions. */
  get liveCount(): number {
    return this.#sessions.size;
  }

  /**
   * Live sessions of `owner` that count against a cap: free playgrounds (`classId` null,
   * the anonymous maxSessionsPerOwner), or one class's sessions (its maxSessionsPerStudent).
   */
  countFor(owner: string, classId: string | null = null): number {
    let n = 0;
    for (const s of this.#sessions.values()) if (s.owner === owner && !s.ended && s.classId === classId) n++;
    return n;
  }

  /** Live free playgrounds started from client `address` (class sessions do not count). */
  countFromAddress(address: string): number {
    let n = 0;
    for (const [id, a] of this.#addressOf) if (a === address && this.#sessions.get(id)?.ended === false) n++;
    return n;
  }

  /** Live sessions of `owner` (free and class ones), oldest first. */
  sessionsOf(owner: string): LiveSessionSummary[] {
    return [...this.#sessions.values()].filter((s) => s.owner === owner && !s.ended).map(summaryOf);
  }

  /** Live sessions of a class, oldest first. */
  sessionsOfClass(classId: string): LiveSessionSummary[] {
    return [...this.#sessions.values()].filter((s) => s.classId === classId && !s.ended).map(summaryOf);
  }

  // ── queries ──────────────────────────────────────────────────────────────────────

  /** The view of a session. @throws SESSION_NOT_FOUND */
  async view(sessionId: string, owner: string): Promise<SessionView> {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    await this.#loadNamespaces(s);
    return this.#view(s);
  }

  /**
   * Whether `owner` owns `sessionId`: `live`, `ended` (it existed and ended), or null (no
   * such session, or not theirs).
   */
  ownership(sessionId: string, owner: string): 'live' | 'ended' | null {
    const live = this.#sessions.get(sessionId);
    if (live) return live.owner === owner && !live.ended ? 'live' : live.owner === owner ? 'ended' : null;
    const row = this.#store.getSession(sessionId);
    return row !== null && row.owner === owner ? 'ended' : null;
  }

  /**
   * Where a terminal is: its session's state for `owner`. `closed` when its session is live
   * and the owner's, but the terminal is gone; `ended` when its session ended.
   */
  terminalOwnership(terminalId: string, owner: string): 'live' | 'closed' | 'ended' | null {
    const sessionId = this.#terminalIndex.get(terminalId);
    if (sessionId !== undefined) {
      const s = this.#sessions.get(sessionId);
      if (s && s.owner === owner) return s.ended ? 'ended' : 'live';
      return null;
    }
    const row = this.#store.getTerminal(terminalId);
    if (row === null) return null;
    const session = this.#store.getSession(row.sessionId);
    if (session === null || session.owner !== owner) return null;
    return session.endedAt !== null ? 'ended' : 'closed';
  }

  /**
   * Where the port proxy may connect for `owner`: the node's address on the session
   * network; null when the session is not theirs, or the node does not run.
   */
  proxyTarget(sessionId: string, owner: string, nodeName: string): { host: string } | null {
    const s = this.#sessions.get(sessionId);
    const node = s?.nodes.get(nodeName);
    if (!s || s.ended || s.owner !== owner || !node || node.status !== 'running' || node.address === '') return null;
    s.timers.touch();
    return { host: node.address };
  }

  /**
   * Checks that `owner`'s live session has node `nodeName` (any status) and counts as
   * activity, e.g. before handing out a port link.
   * @throws ServerError SESSION_NOT_FOUND, NODE_NOT_FOUND
   */
  requireNode(sessionId: string, owner: string, nodeName: string): void {
    const s = this.#owned(sessionId, owner);
    this.#node(s, nodeName);
    s.timers.touch();
  }

  // ── operations ───────────────────────────────────────────────────────────────────

  /**
   * Starts a session for `owner`: a network, node1 and one terminal on it.
   * `address` is the client's (free playgrounds only: maxSessionsPerAddress).
   * @throws ServerError SERVER_FULL or HOST_BUSY (503), TOO_MANY_SESSIONS or
   *   TOO_MANY_SESSIONS_FROM_ADDRESS (429); SandboxError
   */
  async create(owner: string, options: { lessonId?: string; plan?: ClassSessionPlan; address?: string } = {}): Promise<SessionView> {
    this.#assertOpen();
    const creating = [...this.#creating.values()].reduce((a, b) => a + b, 0);
    if (this.#sessions.size + creating >= this.#policy.maxSessions) {
      throw new ServerError('SERVER_FULL', `${this.#sessions.size} live and ${creating} starting sessions (max ${this.#policy.maxSessions})`, {
        retryAfterSeconds: SERVER_FULL_RETRY_S,
      });
    }
    // A class session counts against its class's cap for the student, a free one against
    // the anonymous cap per browser; creations in flight count too (keyed the same way).
    const plan = options.plan ?? null;
    const key = plan === null ? owner : `${owner}\n${plan.classId}`;
    const cap = plan === null ? this.#policy.maxSessionsPerOwner : plan.maxSessions;
    const live = this.countFor(owner, plan?.classId ?? null);
    if (live + (this.#creating.get(key) ?? 0) >= cap) {
      throw new ServerError('TOO_MANY_SESSIONS', `owner has ${live} live sessions${plan ? ` in class ${plan.classId}` : ''} (max ${cap})`);
    }
    // Fresh cookies from one address do not bypass the per-browser cap: free playgrounds
    // count per client address too (a class's sessions are bounded by the class instead).
    const address = plan === null ? (options.address ?? null) : null;
    if (address !== null) {
      const fromAddress = this.countFromAddress(address) + (this.#creatingFrom.get(address) ?? 0);
      if (fromAddress >= this.#policy.maxSessionsPerAddress) {
        throw new ServerError('TOO_MANY_SESSIONS_FROM_ADDRESS', `${fromAddress} free playgrounds from ${address} (max ${this.#policy.maxSessionsPerAddress})`);
      }
    }
    this.#admission(plan?.nodes ?? 1);
    bump(this.#creating, key, 1);
    if (address !== null) bump(this.#creatingFrom, address, 1);
    try {
      const view = await this.#create(owner, options.lessonId ?? null, plan);
      if (address !== null) this.#addressOf.set(view.id, address);
      return view;
    } finally {
      bump(this.#creating, key, -1);
      if (address !== null) bump(this.#creatingFrom, address, -1);
    }
  }

  async #create(owner: string, lessonId: string | null, plan: ClassSessionPlan | null): Promise<SessionView> {
    // Without a catalog (unit tests of the core) a lessonId is only a label.
    const lesson = lessonId === null || this.#lessons === null ? null : this.#lessons.get(lessonId);
    if (lessonId !== null && this.#lessons !== null && lesson === null) throw new ServerError('LESSON_NOT_FOUND', `no lesson ${lessonId}`);
    // A lesson's nodes all start at once, with its limits clamped to the server's.
    // A class session: the class's node count, limits and length (ClassSessionPlan, already
    // clamped to the server's caps).
    const names = Array.from({ length: plan?.nodes ?? lesson?.meta.nodes ?? 1 }, (_, i) => `node${i + 1}`);
    const limits = plan?.limits ?? (lesson === null ? {} : lessonLimits(lesson.meta.limits, this.#policy.defaultLimits));
    const id = newId();
    const createdAt = this.#clock.now();
    const expiresAt = createdAt + (plan?.lifetimeMs ?? this.#policy.lifetimeMs);
    // Each session network carries its own outbound policy (an nft set element per bridge):
    // a class's sessions reach the internet only when the deployment and the class allow it.
    const network = await this.#driver.createNetwork({ outbound: this.#policy.outboundAllowed && (plan === null || plan.internet) });
    // Saved before the sandbox exists: a crash from here on leaves a row that adoption ends.
    this.#store.transaction(() => {
      this.#store.insertSession({ id, owner, createdAt, expiresAt, lessonId, networkId: network.id, classId: plan?.classId ?? null, memberId: plan?.memberId ?? null });
      for (const name of names) this.#store.putNode(id, name, null, 'starting');
    });
    let infos: SandboxInfo[];
    try {
      infos = await Promise.all(names.map((name) => this.#createSandbox(id, network.id, name, limits)));
    } catch (err) {
      this.#store.endSession(id, this.#clock.now(), 'error');
      await this.#driver.destroyNetwork(network.id).catch((e: unknown) => this.#log.error({ err: e, session: id }, 'cannot remove the network of a failed session'));
      throw err;
    }
    const session = this.#newSession({ id, owner, createdAt, expiresAt, extendedCount: 0, lessonId, networkId: network.id, classId: plan?.classId ?? null, memberId: plan?.memberId ?? null });
    const terminals: TerminalState[] = [];
    infos.forEach((info, i) => {
      const name = names[i]!;
      session.nodes.set(name, { name, sandboxId: info.id, status: 'running', address: info.address, limits: limitsOf(info), ports: [] });
      terminals.push({ id: newId(), node: name, title: name, createdAt });
    });
    this.#store.transaction(() => {
      infos.forEach((info, i) => this.#store.putNode(id, names[i]!, info.id, 'running'));
      for (const terminal of terminals) this.#store.insertTerminal({ ...terminal, sessionId: id });
    });
    for (const terminal of terminals) this.#addTerminalState(session, terminal);
    this.#sessions.set(id, session);
    if (lesson !== null) {
      const ls = this.#newLessonSession(session, lesson);
      void ls.prepare(new Map(infos.map((info, i) => [names[i]!, info.id])));
    }
    session.timers.schedule(expiresAt);
    if (this.#closed) {
      // The server began closing while this sandbox started: keep it for the next start.
      session.timers.dispose();
      throw new ServerError('SHUTTING_DOWN', 'server closed during create');
    }
    this.#log.info({ session: id, owner, network: network.id, sandboxes: infos.map((i) => i.id), lessonId }, 'session created');
    return this.#view(session);
  }

  /**
   * Adds the next node (node2…node5) on the session's network, with one terminal.
   * @throws SESSION_NOT_FOUND, NODE_LIMIT; SandboxError
   */
  async addNode(sessionId: string, owner: string): Promise<NodeView> {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    return s.exclusive(async () => {
      this.#assertLive(s);
      const name = s.nextNodeName();
      if (name === null) throw new ServerError('NODE_LIMIT', `session ${s.id} has ${s.nodes.size} nodes`);
      this.#admission(1);
      const node: NodeState = { name, sandboxId: null, status: 'starting', address: '', limits: { ...this.#policy.defaultLimits }, ports: [] };
      s.nodes.set(name, node);
      this.#store.putNode(s.id, name, null, 'starting');
      this.#emitView(s);
      let info: SandboxInfo;
      try {
        info = await this.#createSandbox(s.id, s.networkId, name);
      } catch (err) {
        s.nodes.delete(name);
        this.#store.deleteNode(s.id, name);
        this.#emitView(s);
        throw err;
      }
      if (s.ended) {
        await this.#driver.destroy(info.id);
        throw new ServerError('SESSION_NOT_FOUND', `session ${s.id} ended while ${name} started`);
      }
      Object.assign(node, { sandboxId: info.id, status: 'running', address: info.address, limits: limitsOf(info) });
      const terminal: TerminalState = { id: newId(), node: name, title: name, createdAt: this.#clock.now() };
      this.#store.transaction(() => {
        this.#store.putNode(s.id, name, info.id, 'running');
        this.#store.insertTerminal({ ...terminal, sessionId: s.id });
      });
      this.#addTerminalState(s, terminal);
      this.#log.info({ session: s.id, node: name, sandbox: info.id }, 'node added');
      await this.#loadNamespaces(s);
      this.#emitView(s);
      return s.nodeView(node, (id) => this.#procs.cachedNamespaces(id));
    });
  }

  /**
   * Replaces a node's sandbox with a fresh one of the same name on the same network. Its
   * terminals keep their ids; their ptys are closed and re-open on the next attach.
   * @throws SESSION_NOT_FOUND, NODE_NOT_FOUND, NODE_BUSY; SandboxError
   */
  async resetNode(sessionId: string, owner: string, nodeName: string): Promise<NodeView> {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    const node = this.#node(s, nodeName);
    if (node.status === 'starting' || node.status === 'resetting') throw new ServerError('NODE_BUSY', `${nodeName} is ${node.status}`);
    return s.exclusive(async () => {
      this.#assertLive(s);
      const old = node.sandboxId;
      Object.assign(node, { status: 'resetting', address: '', ports: [] });
      this.#store.putNode(s.id, node.name, old, 'resetting');
      this.#emitView(s);
      for (const t of s.terminalsOf(node.name)) this.#terminals.close(t.id, 'reset');
      let info: SandboxInfo;
      try {
        if (old !== null) {
          this.#forgetSandbox(old);
          await this.#driver.destroy(old);
        }
        info = await this.#createSandbox(s.id, s.networkId, node.name);
      } catch (err) {
        Object.assign(node, { status: 'error', sandboxId: null });
        this.#store.putNode(s.id, node.name, null, 'error');
        this.#emitView(s);
        throw err;
      }
      if (s.ended) {
        await this.#driver.destroy(info.id);
        throw new ServerError('SESSION_NOT_FOUND', `session ${s.id} ended while ${node.name} was reset`);
      }
      Object.assign(node, { sandboxId: info.id, status: 'running', address: info.address, limits: limitsOf(info) });
      this.#store.putNode(s.id, node.name, info.id, 'running');
      this.#log.info({ session: s.id, node: node.name, old, sandbox: info.id }, 'node reset');
      // A lesson node starts again the way the lesson set it up: its assets and setup.
      const lesson = this.#lessonSessions.get(s.id);
      if (lesson) void lesson.prepare(new Map([[node.name, info.id]]));
      await this.#loadNamespaces(s);
      this.#emitView(s);
      return s.nodeView(node, (id) => this.#procs.cachedNamespaces(id));
    });
  }

  /** Opens a new terminal tab on a node. @throws SESSION_NOT_FOUND, NODE_NOT_FOUND, TERMINAL_LIMIT */
  async newTerminal(sessionId: string, owner: string, nodeName: string): Promise<TerminalView> {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    return s.exclusive(async () => {
      this.#assertLive(s);
      this.#node(s, nodeName);
      if (s.terminalsOf(nodeName).length >= MAX_TERMINALS_PER_NODE) {
        throw new ServerError('TERMINAL_LIMIT', `${nodeName} has ${MAX_TERMINALS_PER_NODE} terminals`);
      }
      const terminal: TerminalState = { id: newId(), node: nodeName, title: s.nextTerminalTitle(nodeName), createdAt: this.#clock.now() };
      this.#store.insertTerminal({ ...terminal, sessionId: s.id });
      this.#addTerminalState(s, terminal);
      this.#emitView(s);
      return toTerminalView(terminal);
    });
  }

  /** Closes a terminal tab and its pty. @throws SESSION_NOT_FOUND, TERMINAL_NOT_FOUND */
  async closeTerminal(sessionId: string, owner: string, terminalId: string): Promise<void> {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    return s.exclusive(async () => {
      this.#assertLive(s);
      if (!s.terminals.has(terminalId)) throw new ServerError('TERMINAL_NOT_FOUND', `no terminal ${terminalId} in ${s.id}`);
      s.terminals.delete(terminalId);
      this.#terminalIndex.delete(terminalId);
      this.#store.deleteTerminal(terminalId);
      this.#terminals.close(terminalId, 'closed');
      this.#emitView(s);
    });
  }

  /**
   * Pushes the session's end back by the extension (or `byMs`: a class's extend-all), up to
   * the lifetime cap.
   * @throws SESSION_NOT_FOUND, CANNOT_EXTEND
   */
  async extend(sessionId: string, owner: string, byMs: number = this.#policy.extensionMs): Promise<SessionView> {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    const cap = s.createdAt + this.#policy.maxLifetimeMs;
    if (!s.canExtend(this.#policy)) throw new ServerError('CANNOT_EXTEND', `session ${s.id} is at its lifetime cap`);
    s.expiresAt = Math.min(s.expiresAt + byMs, cap);
    s.extendedCount += 1;
    this.#store.setSessionExpiry(s.id, s.expiresAt, s.extendedCount);
    s.timers.schedule(s.expiresAt);
    this.#log.info({ session: s.id, expiresAt: new Date(s.expiresAt).toISOString(), extendedCount: s.extendedCount }, 'session extended');
    this.#emitView(s);
    return this.#view(s);
  }

  /** Ends a session of `owner` at their request and removes its sandboxes. @throws SESSION_NOT_FOUND */
  async endByOwner(sessionId: string, owner: string): Promise<void> {
    this.#owned(sessionId, owner);
    await this.end(sessionId, 'ended');
  }

  /**
   * Ends a session: tells its listeners, closes its terminals, removes its network and
   * every sandbox on it. Idempotent; resolves when the sandboxes are gone.
   */
  async end(sessionId: string, reason: EndReason): Promise<void> {
    const s = this.#sessions.get(sessionId);
    if (!s || s.ended) return;
    s.ended = true;
    s.timers.dispose();
    this.#lessonSessions.get(s.id)?.dispose();
    this.#lessonSessions.delete(s.id);
    this.#store.endSession(s.id, this.#clock.now(), reason);
    this.#events.emit(s.id, { type: 'ended', reason });
    this.#events.clear(s.id);
    for (const t of s.terminals.values()) {
      this.#terminals.close(t.id, 'ended');
      this.#terminalIndex.delete(t.id);
    }
    const done = s
      .exclusive(async () => {
        for (const n of s.nodes.values()) if (n.sandboxId !== null) this.#forgetSandbox(n.sandboxId);
        await this.#driver.destroyNetwork(s.networkId);
      })
      .catch((err: unknown) => this.#log.error({ err, session: s.id }, 'cannot remove the sandboxes of an ended session'))
      .finally(() => {
        this.#sessions.delete(s.id);
        this.#addressOf.delete(s.id);
        this.#ending.delete(done);
      });
    this.#ending.add(done);
    this.#log.info({ session: s.id, reason }, 'session ended');
    await done;
  }

  /** Records activity (terminal input, an attach): the idle timeout starts again. */
  touch(sessionId: string): void {
    this.#sessions.get(sessionId)?.timers.touch();
  }

  // ── terminals and events (for the socket layer) ──────────────────────────────────

  /**
   * The live terminal `terminalId` of `owner`, opening a pty in its node when it has none
   * (first attach, a dead shell, or after a restart or reset).
   * @throws TERMINAL_NOT_FOUND (not theirs, closed or ended), NODE_BUSY; SandboxError
   */
  async attachTerminal(terminalId: string, owner: string, size: TerminalSize = DEFAULT_TERMINAL_SIZE): Promise<{ terminal: T; sessionId: string }> {
    const sessionId = this.#terminalIndex.get(terminalId);
    const s = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
    const t = s?.terminals.get(terminalId);
    if (!s || !t || s.owner !== owner || s.ended) throw new ServerError('TERMINAL_NOT_FOUND', `no terminal ${terminalId} for this owner`);
    s.timers.touch();
    const node = this.#node(s, t.node);
    if (node.status !== 'running' || node.sandboxId === null) throw new ServerError('NODE_BUSY', `${node.name} is ${node.status}`);
    const sandboxId = node.sandboxId;
    const meta: TerminalMeta = { id: t.id, sessionId: s.id, node: t.node, title: t.title, size };
    const terminal = await this.#terminals.ensure(meta, (): Promise<SandboxTty> => this.#driver.execTty(sandboxId, { cmd: TERMINAL_COMMAND, size }));
    return { terminal, sessionId: s.id };
  }

  /**
   * Subscribes to a session's events and starts sampling its stats while subscribed. The
   * listener gets the current `session` view at once (and `expiring` when due).
   * @returns unsubscribe
   * @throws SESSION_NOT_FOUND
   */
  async subscribe(sessionId: string, owner: string, listener: SessionListener): Promise<() => void> {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    await this.#loadNamespaces(s);
    if (s.ended) throw new ServerError('SESSION_NOT_FOUND', `session ${sessionId} ended`);
    const remove = this.#events.add(s.id, listener);
    const unwatch = this.#monitor.watch(s.id);
    listener({ type: 'session', session: this.#view(s) });
    const lesson = this.#lessonSessions.get(s.id);
    if (lesson) listener({ type: 'lesson', state: lesson.state() });
    if (s.timers.warning()) listener({ type: 'expiring', secondsLeft: s.timers.secondsLeft(), reason: s.timers.idleWarningEndsAt() === null ? 'lifetime' : 'idle' });
    return () => {
      unwatch();
      remove();
    };
  }

  // ── lessons ──────────────────────────────────────────────────────────────────────

  /** The lesson state of `owner`'s session. @throws SESSION_NOT_FOUND, LESSON_NOT_FOUND */
  lessonState(sessionId: string, owner: string): LessonState {
    return this.#lesson(sessionId, owner).state();
  }

  /** Opens a step (background/foreground scripts, watch). @throws SESSION_NOT_FOUND, LESSON_NOT_FOUND, STEP_* */
  openStep(sessionId: string, owner: string, step: number): Promise<LessonState> {
    return this.#lesson(sessionId, owner).open(step);
  }

  /** Runs a step's check; a pass is stored first. @throws SESSION_NOT_FOUND, LESSON_NOT_FOUND, STEP_* */
  checkStep(sessionId: string, owner: string, step: number): Promise<CheckResult> {
    return this.#lesson(sessionId, owner).check(step);
  }

  /** Runs a step's solution and check. @throws SOLVE_DISABLED, SESSION_NOT_FOUND, LESSON_NOT_FOUND, STEP_* */
  solveStep(sessionId: string, owner: string, step: number): Promise<CheckResult> {
    return this.#lesson(sessionId, owner).solve(step);
  }

  // ── classroom live (server/classroom/live): staff acting on a student's session ──
  // The classroom authorises the staff member (the class's instructor or an admin) first;
  // these methods only find the session's owner so the owner-checked operations can run.

  /** The owner of live session `sessionId`, or null when it is not live. */
  liveOwnerOf(sessionId: string): string | null {
    const s = this.#sessions.get(sessionId);
    return s && !s.ended ? s.owner : null;
  }

  /** The live session and owner of terminal `terminalId`, or null. */
  terminalSession(terminalId: string): { sessionId: string; owner: string; node: string } | null {
    const sessionId = this.#terminalIndex.get(terminalId);
    const s = sessionId === undefined ? undefined : this.#sessions.get(sessionId);
    const t = s?.terminals.get(terminalId);
    return s && t && !s.ended ? { sessionId: s.id, owner: s.owner, node: t.node } : null;
  }

  /** Sends a classroom event (watchers, announcement) to the session's events sockets. */
  publishClassEvent(sessionId: string, event: Extract<SessionEvent, { type: 'watchers' | 'announcement' }>): void {
    if (this.#sessions.get(sessionId)?.ended === false) this.#emit(sessionId, event);
  }

  // ── restart ──────────────────────────────────────────────────────────────────────

  /**
   * Takes over what a previous server process left: reconciles the host, keeps sessions
   * whose sandboxes live, marks lost nodes `error`, ends expired sessions and those with
   * no node left, and destroys this server's sandboxes that no session claims.
   */
  async adopt(): Promise<AdoptReport> {
    const reconciled = await this.#driver.reconcile();
    const listing = await this.#driver.list();
    this.#procs.learn(listing);
    const now = this.#clock.now();
    const plan = planAdoption({ rows: this.#store.liveSessions(), nodesOf: (id) => this.#store.nodesOf(id), listing, serverId: this.#serverId, now });
    const report: AdoptReport = { kept: [], ended: [], lostNodes: [], orphans: plan.orphans };
    for (const fate of plan.sessions) {
      const row = fate.session;
      if (fate.action === 'end') {
        await this.#endRow(row.id, row.networkId, fate.reason);
        report.ended.push({ id: row.id, reason: fate.reason });
        continue;
      }
      const session = this.#newSession(fate.session);
      for (const { node, sandbox } of fate.live) {
        session.nodes.set(node.name, { name: node.name, sandboxId: sandbox.id, status: 'running', address: sandbox.address, limits: limitsOf(sandbox), ports: [] });
      }
      for (const node of fate.lost) {
        session.nodes.set(node.name, { name: node.name, sandboxId: null, status: 'error', address: '', limits: { ...this.#policy.defaultLimits }, ports: [] });
        this.#store.putNode(row.id, node.name, null, 'error');
        report.lostNodes.push(`${row.id}/${node.name}`);
      }
      for (const t of this.#store.terminalsOf(row.id)) this.#addTerminalState(session, { id: t.id, node: t.node, title: t.title, createdAt: t.createdAt });
      this.#sessions.set(row.id, session);
      session.timers.schedule(session.expiresAt);
      const lesson = row.lessonId === null ? null : (this.#lessons?.get(row.lessonId) ?? null);
      // Setup ran before the restart; the lesson carries on where the owner's progress is.
      if (lesson !== null) this.#newLessonSession(session, lesson).markReady();
      report.kept.push(row.id);
    }
    for (const id of plan.orphans) {
      await this.#driver.destroy(id).catch((err: unknown) => this.#log.error({ err, sandbox: id }, 'cannot remove an orphan sandbox'));
    }
    const pruned = this.#store.pruneEnded(now - ENDED_RETENTION_MS);
    this.#log.info({ ...report, reconciled: { adopted: reconciled.adopted.length, removed: reconciled.removed.length, orphans: reconciled.orphans.length, skipped: reconciled.skipped }, pruned }, 'sessions adopted');
    return report;
  }

  /**
   * Stops timers and sampling and closes every terminal (their ptys). Sandboxes stay: a
   * restarted server adopts them. Waits for ends already under way.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#monitor.close();
    for (const s of this.#sessions.values()) s.timers.dispose();
    this.#terminals.closeAll('shutdown');
    this.#events.clear();
    await Promise.all([...this.#ending]);
  }

  // ── internals ────────────────────────────────────────────────────────────────────

  #assertOpen(): void {
    if (this.#closed) throw new ServerError('SHUTTING_DOWN', 'the session manager is closed');
  }

  #assertLive(s: Session): void {
    if (s.ended) throw new ServerError('SESSION_NOT_FOUND', `session ${s.id} has ended`);
  }

  #owned(sessionId: string, owner: string): Session {
    const s = this.#sessions.get(sessionId);
    if (!s || s.owner !== owner || s.ended) throw new ServerError('SESSION_NOT_FOUND', `no live session ${sessionId} for this owner`);
    return s;
  }

  #node(s: Session, name: string): NodeState {
    const node = s.nodes.get(name);
    if (!node) throw new ServerError('NODE_NOT_FOUND', `no ${name} in session ${s.id}`);
    return node;
  }

  #newSession(facts: ConstructorParameters<typeof Session>[0]): Session {
    let session: Session;
    const timers = new SessionTimers(this.#clock, this.#policy, {
      onExpire: () => void this.end(session.id, 'expired'),
      onIdle: () => void this.end(session.id, 'idle'),
      onWarn: (secondsLeft, reason) => {
        this.#emit(session.id, { type: 'expiring', secondsLeft, reason });
        if (reason === 'idle') this.#emitView(session); // the view carries the idle deadline
      },
      onIdleCleared: () => this.#emitView(session),
    });
    session = new Session(facts, timers);
    return session;
  }

  #createSandbox(sessionId: string, networkId: string, hostname: string, limits: Partial<SandboxLimits> = {}): Promise<SandboxInfo> {
    return this.#driver.create({ network: networkId, hostname, limits, labels: { [SESSION_LABEL]: sessionId, [SERVER_LABEL]: this.#serverId } });
  }

  #newLessonSession(s: Session, lesson: LoadedLesson): LessonSession {
    const ls = new LessonSession({
      driver: this.#driver,
      store: this.#store,
      log: this.#log.child({ session: s.id }),
      lessons: this.#lessons ?? { get: () => null },
      lesson,
      owner: s.owner,
      sandboxOf: (name) => {
        const node = s.nodes.get(name);
        return node && node.status === 'running' ? node.sandboxId : null;
      },
      publish: (state) => this.#emit(s.id, { type: 'lesson', state }),
      typeInto: (name, text) => this.#typeIntoFirstTerminal(s, name, text),
      now: () => this.#clock.now(),
      onActivity: (lessonId, step) => this.#onStepActivity?.({ owner: s.owner, lessonId, step }),
    });
    this.#lessonSessions.set(s.id, ls);
    return ls;
  }

  /** Types `text` into the first terminal of node `name`, opening its pty when needed. */
  async #typeIntoFirstTerminal(s: Session, name: string, text: string): Promise<void> {
    const t = s.terminalsOf(name)[0];
    const node = s.nodes.get(name);
    if (!t || !node || node.sandboxId === null || this.#typeInto === null) return;
    const sandboxId = node.sandboxId;
    const meta: TerminalMeta = { id: t.id, sessionId: s.id, node: t.node, title: t.title, size: DEFAULT_TERMINAL_SIZE };
    const terminal = await this.#terminals.ensure(meta, (): Promise<SandboxTty> => this.#driver.execTty(sandboxId, { cmd: TERMINAL_COMMAND, size: DEFAULT_TERMINAL_SIZE }));
    this.#typeInto(terminal, text);
  }

  #lesson(sessionId: string, owner: string): LessonSession {
    const s = this.#owned(sessionId, owner);
    s.timers.touch();
    const ls = this.#lessonSessions.get(s.id);
    if (!ls) throw new ServerError('LESSON_NOT_FOUND', `session ${s.id} has no lesson`);
    return ls;
  }

  #addTerminalState(s: Session, t: TerminalState): void {
    s.terminals.set(t.id, t);
    this.#terminalIndex.set(t.id, s.id);
  }

  #forgetSandbox(sandboxId: string): void {
    this.#procs.forget(sandboxId);
    this.#monitor.forget(sandboxId);
  }

  /** Ends a session that has no live object (found ended or broken at adoption). */
  async #endRow(sessionId: string, networkId: string | null, reason: EndReason): Promise<void> {
    this.#store.endSession(sessionId, this.#clock.now(), reason);
    if (networkId === null) return;
    await this.#driver.destroyNetwork(networkId).catch((err: unknown) => {
      if (!isSandboxError(err, 'NETWORK_NOT_FOUND')) this.#log.error({ err, session: sessionId }, 'cannot remove the network of an ended session');
    });
  }

  async #loadNamespaces(s: Session): Promise<void> {
    await Promise.all([...s.nodes.values()].map((n) => (n.sandboxId !== null && n.status === 'running' ? this.#procs.namespaces(n.sandboxId) : null)));
  }

  #view(s: Session): SessionView {
    return s.toView(this.#policy, (id) => this.#procs.cachedNamespaces(id));
  }

  #emit(sessionId: string, event: SessionEvent): void {
    this.#events.emit(sessionId, event);
  }

  #emitView(s: Session): void {
    if (this.#events.has(s.id)) this.#emit(s.id, { type: 'session', session: this.#view(s) });
  }

  #monitoredNodes(sessionId: string): MonitoredNode[] {
    const s = this.#sessions.get(sessionId);
    if (!s || s.ended) return [];
    const out: MonitoredNode[] = [];
    for (const n of s.nodes.values()) if (n.status === 'running' && n.sandboxId !== null) out.push({ name: n.name, sandboxId: n.sandboxId, cpus: n.limits.cpus });
    return out;
  }

  #statsArrived(sessionId: string, stats: NodeStats): void {
    this.#emit(sessionId, { type: 'stats', stats });
  }

  #portsArrived(sessionId: string, nodeName: string, ports: number[]): void {
    const node = this.#sessions.get(sessionId)?.nodes.get(nodeName);
    if (!node || (node.ports.length === ports.length && node.ports.every((p, i) => p === ports[i]))) return;
    node.ports = ports;
    this.#emit(sessionId, { type: 'ports', node: nodeName, ports });
  }

  #nodeGone(sessionId: string, nodeName: string, sandboxId: string): void {
    const s = this.#sessions.get(sessionId);
    const node = s?.nodes.get(nodeName);
    if (!s || s.ended || !node || node.sandboxId !== sandboxId || node.status !== 'running') return;
    this.#log.warn({ session: sessionId, node: nodeName, sandbox: sandboxId }, 'node sandbox is no longer running');
    this.#forgetSandbox(sandboxId);
    Object.assign(node, { status: 'error', address: '', ports: [] });
    this.#store.putNode(s.id, node.name, sandboxId, 'error');
    this.#emitView(s);
  }
}

/** The classroom's summary of a live session. */
function summaryOf(s: Session): LiveSessionSummary {
  return {
    id: s.id,
    owner: s.owner,
    lessonId: s.lessonId,
    classId: s.classId,
    memberId: s.memberId,
    createdAt: s.createdAt,
    expiresAt: s.expiresAt,
    lastActivity: s.timers.lastActivity,
    nodes: s.nodes.size,
    terminals: [...s.terminals.values()].map((t) => ({ id: t.id, node: t.node, title: t.title })),
  };
}

/** Adds `by` to a counter of `map`, dropping the key at zero. */
function bump(map: Map<string, number>, key: string, by: number): void {
  const n = (map.get(key) ?? 0) + by;
  if (n > 0) map.set(key, n);
  else map.delete(key);
}
