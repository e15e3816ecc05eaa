// The session core's public face ([sshx] session.rs): creates, changes and ends playground
// sessions — a network, its nodes (sandboxes), their terminals, timers and live events — and
// adopts the sessions a previous server process left running. Knows nothing of HTTP or
// sockets. The work is split by concern: caps.ts (admission), node-lifecycle.ts,
// terminal-ops.ts, adopt-sessions.ts, pool.ts (warm sandboxes), over core.ts's shared state.
import type { Logger } from 'pino';
import type { SandboxDriver, TerminalSize } from '../../sandbox/index.js';
import type { NodeView, SessionEvent, SessionView, TerminalView } from '../../protocol/http.js';
import type { Store, EndReason } from '../store/store.js';
import type { Clock } from './clock.js';
import type { TerminalPool } from './terminal-pool.js';
import type { SessionListener } from './event-bus.js';
import type { LessonSession, LessonSource } from './lesson-session.js';
import type { CheckResult, LessonLang, LessonState, WriteResult } from '../../protocol/lesson.js';
import type { ClassSessionPlan } from '../classroom/classes.js';
import type { StepChange } from '../classroom/events.js';
import { ServerError } from '../errors.js';
import { SessionCore, type CoreOptions } from './core.js';
import { SessionCaps } from './caps.js';
import { NodeLifecycle } from './node-lifecycle.js';
import { TerminalOps } from './terminal-ops.js';
import { adoptSessions, type AdoptReport } from './adopt-sessions.js';
import type { WarmPool } from './pool.js';
import { summaryOf, type LiveSessionSummary } from './session.js';
import type { SessionPolicy } from './policy.js';

export { policyFromConfig, type SessionPolicy } from './policy.js';
export { SESSION_LABEL, SERVER_LABEL, POOL_LABEL } from './adoption.js';
export { TERMINAL_COMMAND, DEFAULT_TERMINAL_SIZE, newId } from './core.js';
export { SERVER_FULL_RETRY_S } from './caps.js';
export { ENDED_RETENTION_MS, type AdoptReport } from './adopt-sessions.js';
export type { SessionListener } from './event-bus.js';
export type { LiveSessionSummary } from './session.js';

/** What the manager needs (the core's options, documented there). */
export type SessionManagerOptions<T> = CoreOptions<T>;

/**
 * Every live session of this server. Methods taking an `owner` answer SESSION_NOT_FOUND
 * both for a session that does not exist and for one of another owner.
 */
export class SessionManager<T> {
  readonly #core: SessionCore<T>;
  readonly #caps: SessionCaps;
  readonly #nodes: NodeLifecycle<T>;
  readonly #terms: TerminalOps<T>;

  constructor(options: SessionManagerOptions<T>) {
    this.#core = new SessionCore(options, {
      onPorts: (id, node, ports) => this.#nodes.portsArrived(id, node, ports),
      onNodeGone: (id, node, sandboxId) => this.#nodes.nodeGone(id, node, sandboxId),
    });
    this.#caps = new SessionCaps(this.#core.sessions, options.policy);
    this.#terms = new TerminalOps(this.#core);
    this.#nodes = new NodeLifecycle(this.#core, this.#terms, (id) => this.#caps.forget(id));
  }

  /** Live sessions. */
  get liveCount(): number {
    return this.#core.sessions.size;
  }

  /** Live sessions of `owner` that count against a cap (see SessionCaps.countFor). */
  countFor(owner: string, classId: string | null = null): number {
    return this.#caps.countFor(owner, classId);
  }

  /** Live free playgrounds started from client `address` (class sessions do not count). */
  countFromAddress(address: string): number {
    return this.#caps.countFromAddress(address);
  }

  /** Live sessions of `owner` (free and class ones), oldest first. */
  sessionsOf(owner: string): LiveSessionSummary[] {
    return [...this.#core.sessions.values()].filter((s) => s.owner === owner && !s.ended).map(summaryOf);
  }

  /** Every live session, oldest first (metrics, the admin page, the queue). */
  liveSessions(): LiveSessionSummary[] { return [...this.#core.sessions.values()].filter((s) => !s.ended).map(summaryOf); }

  /** Live sessions of a class, oldest first. */
  sessionsOfClass(classId: string): LiveSessionSummary[] {
    return [...this.#core.sessions.values()].filter((s) => s.classId === classId && !s.ended).map(summaryOf);
  }

  // ── queries ──────────────────────────────────────────────────────────────────────

  /** The view of a session. @throws SESSION_NOT_FOUND */
  async view(sessionId: string, owner: string): Promise<SessionView> {
    const s = this.#core.owned(sessionId, owner);
    s.timers.touch();
    await this.#core.loadNamespaces(s);
    return this.#core.view(s);
  }

  /** Whether `owner` owns `sessionId`: `live`, `ended` (it existed and ended), or null. */
  ownership(sessionId: string, owner: string): 'live' | 'ended' | null {
    const live = this.#core.sessions.get(sessionId);
    if (live) return live.owner === owner && !live.ended ? 'live' : live.owner === owner ? 'ended' : null;
    const row = this.#core.store.getSession(sessionId);
    return row !== null && row.owner === owner ? 'ended' : null;
  }

  /** Where a terminal is for `owner`: live, closed (session live, tab gone), ended, or null. */
  terminalOwnership(terminalId: string, owner: string): 'live' | 'closed' | 'ended' | null {
    return this.#terms.ownership(terminalId, owner);
  }

  /**
   * Where the port proxy may connect for `owner`: the node's address on the session
   * network; null when the session is not theirs, or the node does not run.
   */
  proxyTarget(sessionId: string, owner: string, nodeName: string): { host: string } | null {
    const s = this.#core.sessions.get(sessionId);
    const node = s?.nodes.get(nodeName);
    if (!s || s.ended || s.owner !== owner || !node || node.status !== 'running' || node.address === '') return null;
    s.timers.touch();
    return { host: node.address };
  }

  /** Checks that `owner`'s live session has node `nodeName` and counts as activity. @throws SESSION_NOT_FOUND, NODE_NOT_FOUND */
  requireNode(sessionId: string, owner: string, nodeName: string): void {
    const s = this.#core.owned(sessionId, owner);
    this.#core.node(s, nodeName);
    s.timers.touch();
  }

  // ── operations ───────────────────────────────────────────────────────────────────

  /**
   * Starts a session for `owner`: a network, node1 and one terminal on it (node1 warm
   * from the pool when one fits). `address` is the client's (free playgrounds only).
   * @throws ServerError SERVER_FULL or HOST_BUSY (503), TOO_MANY_SESSIONS or
   *   TOO_MANY_SESSIONS_FROM_ADDRESS (429); SandboxError
   */
  async create(owner: string, options: { lessonId?: string; plan?: ClassSessionPlan; address?: string } = {}): Promise<SessionView> {
    this.#core.assertOpen();
    const plan = options.plan ?? null;
    return this.#caps.admit(owner, plan, options.address ?? null, () => this.#core.admission(plan?.nodes ?? 1), () => this.#nodes.create(owner, options.lessonId ?? null, plan));
  }

  /** Adds the next node (node2…node5) with one terminal. @throws SESSION_NOT_FOUND, NODE_LIMIT; SandboxError */
  addNode(sessionId: string, owner: string): Promise<NodeView> {
    return this.#nodes.addNode(sessionId, owner);
  }

  /**
   * Replaces a node's sandbox with a fresh one of the same name on the same network. Its
   * terminals keep their ids; their ptys are closed and re-open on the next attach.
   * @throws SESSION_NOT_FOUND, NODE_NOT_FOUND, NODE_BUSY; SandboxError
   */
  resetNode(sessionId: string, owner: string, nodeName: string): Promise<NodeView> {
    return this.#nodes.resetNode(sessionId, owner, nodeName);
  }

  /** Opens a new terminal tab on a node. @throws SESSION_NOT_FOUND, NODE_NOT_FOUND, TERMINAL_LIMIT */
  newTerminal(sessionId: string, owner: string, nodeName: string): Promise<TerminalView> {
    return this.#terms.open(sessionId, owner, nodeName);
  }

  /** Closes a terminal tab and its pty. @throws SESSION_NOT_FOUND, TERMINAL_NOT_FOUND */
  closeTerminal(sessionId: string, owner: string, terminalId: string): Promise<void> {
    return this.#terms.close(sessionId, owner, terminalId);
  }

  /**
   * Pushes the session's end back by the extension (or `byMs`: a class's extend-all), up to
   * the lifetime cap.
   * @throws SESSION_NOT_FOUND, CANNOT_EXTEND
   */
  async extend(sessionId: string, owner: string, byMs: number = this.#core.policy.extensionMs): Promise<SessionView> {
    const c = this.#core;
    const s = c.owned(sessionId, owner);
    s.timers.touch();
    const cap = s.createdAt + c.policy.maxLifetimeMs;
    if (!s.canExtend(c.policy)) throw new ServerError('CANNOT_EXTEND', `session ${s.id} is at its lifetime cap`);
    s.expiresAt = Math.min(s.expiresAt + byMs, cap);
    s.extendedCount += 1;
    c.store.setSessionExpiry(s.id, s.expiresAt, s.extendedCount);
    s.timers.schedule(s.expiresAt);
    c.log.info({ session: s.id, expiresAt: new Date(s.expiresAt).toISOString(), extendedCount: s.extendedCount }, 'session extended');
    c.emitView(s);
    return c.view(s);
  }

  /** Ends a session of `owner` at their request and removes its sandboxes. @throws SESSION_NOT_FOUND */
  async endByOwner(sessionId: string, owner: string): Promise<void> {
    this.#core.owned(sessionId, owner);
    await this.end(sessionId, 'ended');
  }

  /** Ends a session and removes its network and sandboxes. Idempotent. */
  end(sessionId: string, reason: EndReason): Promise<void> {
    return this.#nodes.end(sessionId, reason);
  }

  /** Records activity (terminal input, an attach): the idle timeout starts again. */
  touch(sessionId: string): void {
    this.#core.sessions.get(sessionId)?.timers.touch();
  }

  // ── terminals and events (for the socket layer) ──────────────────────────────────

  /**
   * The live terminal `terminalId` of `owner`, opening a pty in its node when it has none
   * (first attach, a dead shell, or after a restart or reset).
   * @throws TERMINAL_NOT_FOUND (not theirs, closed or ended), NODE_BUSY; SandboxError
   */
  attachTerminal(terminalId: string, owner: string, size?: TerminalSize): Promise<{ terminal: T; sessionId: string }> {
    return this.#terms.attach(terminalId, owner, size);
  }

  /**
   * Subscribes to a session's events and starts sampling its stats while subscribed. The
   * listener gets the current `session` view at once (and `expiring` when due).
   * @returns unsubscribe
   * @throws SESSION_NOT_FOUND
   */
  async subscribe(sessionId: string, owner: string, listener: SessionListener): Promise<() => void> {
    const c = this.#core;
    const s = c.owned(sessionId, owner);
    s.timers.touch();
    await c.loadNamespaces(s);
    if (s.ended) throw new ServerError('SESSION_NOT_FOUND', `session ${sessionId} ended`);
    const remove = c.events.add(s.id, listener);
    const unwatch = c.monitor.watch(s.id);
    listener({ type: 'session', session: c.view(s) });
    const lesson = c.lessonSessions.get(s.id);
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
  openStep(sessionId: string, owner: string, step: number, lang?: LessonLang): Promise<LessonState> {
    return this.#lesson(sessionId, owner).open(step, lang);
  }

  /** Runs a step's check; a pass is stored first. @throws SESSION_NOT_FOUND, LESSON_NOT_FOUND, STEP_* */
  checkStep(sessionId: string, owner: string, step: number, lang?: LessonLang): Promise<CheckResult> {
    return this.#lesson(sessionId, owner).check(step, 'student', lang);
  }

  /** Runs a step's solution and check. @throws SOLVE_DISABLED, SESSION_NOT_FOUND, LESSON_NOT_FOUND, STEP_* */
  solveStep(sessionId: string, owner: string, step: number, lang?: LessonLang): Promise<CheckResult> {
    return this.#lesson(sessionId, owner).solve(step, lang);
  }

  /** Performs a step's {{write}} block in the owner's node. @throws SESSION_NOT_FOUND, LESSON_NOT_FOUND, STEP_*, INVALID_REQUEST, NODE_BUSY */
  writeStep(sessionId: string, owner: string, step: number, block: number, lang: LessonLang): Promise<WriteResult> {
    return this.#lesson(sessionId, owner).write(step, block, lang);
  }

  // ── classroom live (server/classroom/live): staff acting on a student's session ──
  // The classroom authorises the staff member (the class's instructor or an admin) first;
  // these methods only find the session's owner so the owner-checked operations can run.

  /** The owner of live session `sessionId`, or null when it is not live. */
  liveOwnerOf(sessionId: string): string | null {
    const s = this.#core.sessions.get(sessionId);
    return s && !s.ended ? s.owner : null;
  }

  /** The live session and owner of terminal `terminalId`, or null. */
  terminalSession(terminalId: string): { sessionId: string; owner: string; node: string } | null {
    return this.#terms.sessionOf(terminalId);
  }

  /** Sends a classroom event (watchers, announcement) to the session's events sockets. */
  publishClassEvent(sessionId: string, event: Extract<SessionEvent, { type: 'watchers' | 'announcement' }>): void {
    if (this.#core.sessions.get(sessionId)?.ended === false) this.#core.emit(sessionId, event);
  }

  // ── restart ──────────────────────────────────────────────────────────────────────

  /**
   * Takes over what a previous server process left: reconciles the host, keeps sessions
   * whose sandboxes live, marks lost nodes `error`, ends expired sessions and those with
   * no node left, gives unclaimed warm sandboxes to the pool (which keeps the fresh ones),
   * and destroys this server's sandboxes that no session claims. Then starts the pool.
   */
  async adopt(): Promise<AdoptReport> {
    const report = await adoptSessions(this.#core, this.#terms, (facts) => this.#core.newSession(facts, (id, reason) => this.end(id, reason)));
    this.#core.pool?.start();
    return report;
  }

  /**
   * Stops timers, sampling and the pool's refills and closes every terminal (their ptys).
   * Sandboxes stay (warm ones too): a restarted server adopts them. Waits for ends under way.
   */
  async close(): Promise<void> {
    const c = this.#core;
    c.closed = true;
    c.monitor.close();
    await c.pool?.close();
    for (const s of c.sessions.values()) s.timers.dispose();
    c.terminals.closeAll('shutdown');
    c.events.clear();
    await Promise.all([...c.ending]);
  }

  #lesson(sessionId: string, owner: string): LessonSession {
    const s = this.#core.owned(sessionId, owner);
    s.timers.touch();
    const ls = this.#core.lessonSessions.get(s.id);
    if (!ls) throw new ServerError('LESSON_NOT_FOUND', `session ${s.id} has no lesson`);
    return ls;
  }
}
