// Node lifecycle of the session core: a session's start (its network and first nodes, warm
// from the pool when one fits), adding and resetting nodes, a node whose sandbox died, and
// a session's end. Operations on one session run through its `exclusive` lock.
import type { SandboxInfo } from '../../sandbox/index.js';
import type { NodeView, SessionView } from '../../protocol/http.js';
import { ServerError } from '../errors.js';
import type { EndReason } from '../store/store.js';
import type { ClassSessionPlan } from '../classroom/classes.js';
import { lessonLimits } from '../lessons/runner/limits.js';
import { limitsOf, newId, type SessionCore } from './core.js';
import type { NodeState, Session, TerminalState } from './session.js';
import type { TerminalOps } from './terminal-ops.js';

/** Sessions' nodes: start, add, reset, lose, end. */
export class NodeLifecycle<T> {
  readonly #core: SessionCore<T>;
  readonly #terminals: TerminalOps<T>;
  /** Called when a session has ended (the caps forget its address). */
  readonly #onEnded: (sessionId: string) => void;

  constructor(core: SessionCore<T>, terminals: TerminalOps<T>, onEnded: (sessionId: string) => void) {
    this.#core = core;
    this.#terminals = terminals;
    this.#onEnded = onEnded;
  }

  /** Starts a session (admission already done). @throws LESSON_NOT_FOUND, SHUTTING_DOWN; SandboxError */
  async create(owner: string, lessonId: string | null, plan: ClassSessionPlan | null): Promise<SessionView> {
    const c = this.#core;
    // Without a catalog (unit tests of the core) a lessonId is only a label.
    const lesson = lessonId === null || c.lessons === null ? null : c.lessons.get(lessonId);
    if (lessonId !== null && c.lessons !== null && lesson === null) throw new ServerError('LESSON_NOT_FOUND', `no lesson ${lessonId}`);
    // A lesson's nodes all start at once, with its limits clamped to the server's.
    // A class session: the class's node count, limits and length (ClassSessionPlan, already
    // clamped to the server's caps).
    const names = Array.from({ length: plan?.nodes ?? lesson?.meta.nodes ?? 1 }, (_, i) => `node${i + 1}`);
    const limits = plan?.limits ?? (lesson === null ? {} : lessonLimits(lesson.meta.limits, c.policy.defaultLimits));
    const id = newId();
    const createdAt = c.clock.now();
    const expiresAt = createdAt + (plan?.lifetimeMs ?? c.policy.lifetimeMs);
    // Each session network carries its own outbound policy (an nft set element per bridge):
    // a class's sessions reach the internet only when the deployment and the class allow it.
    const outbound = c.policy.outboundAllowed && (plan === null || plan.internet);
    // A warm node1 comes with its own network (created with the same outbound policy): the
    // session adopts both; the other nodes start cold on that network.
    const warm = c.pool?.claim({ limits, outbound }) ?? null;
    const networkId = warm?.networkId ?? (await c.driver.createNetwork({ outbound })).id;
    // Saved before the sandbox exists: a crash from here on leaves a row that adoption ends.
    c.store.transaction(() => {
      c.store.insertSession({ id, owner, createdAt, expiresAt, lessonId, networkId, classId: plan?.classId ?? null, memberId: plan?.memberId ?? null });
      names.forEach((name, i) => c.store.putNode(id, name, i === 0 && warm ? warm.sandbox.id : null, i === 0 && warm ? 'running' : 'starting'));
    });
    let infos: SandboxInfo[];
    try {
      if (warm) await c.pool!.handOver(warm, id);
      infos = await Promise.all(names.map((name, i) => (i === 0 && warm ? warm.sandbox : c.createSandbox(id, networkId, name, limits))));
    } catch (err) {
      c.store.endSession(id, c.clock.now(), 'error');
      await c.driver.destroyNetwork(networkId).catch((e: unknown) => c.log.error({ err: e, session: id }, 'cannot remove the network of a failed session'));
      throw err;
    }
    const session = c.newSession({ id, owner, createdAt, expiresAt, extendedCount: 0, lessonId, networkId, classId: plan?.classId ?? null, memberId: plan?.memberId ?? null, internet: outbound }, (sid, reason) => this.end(sid, reason));
    const terminals: TerminalState[] = [];
    infos.forEach((info, i) => {
      const name = names[i]!;
      session.nodes.set(name, { name, sandboxId: info.id, status: 'running', address: info.address, limits: limitsOf(info), ports: [] });
      terminals.push({ id: newId(), node: name, title: name, createdAt });
    });
    c.store.transaction(() => {
      infos.forEach((info, i) => c.store.putNode(id, names[i]!, info.id, 'running'));
      for (const terminal of terminals) c.store.insertTerminal({ ...terminal, sessionId: id });
    });
    for (const terminal of terminals) c.addTerminalState(session, terminal);
    c.sessions.set(id, session);
    if (lesson !== null) {
      // A shell started before the lesson's setup would miss what setup changes: none.
      if (warm) c.pool!.dropShell(warm.sandbox.id);
      const ls = c.newLessonSession(session, lesson, (s, node, text) => this.#terminals.typeIntoFirst(s, node, text));
      void ls.prepare(new Map(infos.map((info, i) => [names[i]!, info.id])));
    }
    session.timers.schedule(expiresAt);
    if (c.closed) {
      // The server began closing while this sandbox started: keep it for the next start.
      session.timers.dispose();
      throw new ServerError('SHUTTING_DOWN', 'server closed during create');
    }
    c.log.info({ session: id, owner, network: networkId, sandboxes: infos.map((i) => i.id), lessonId, warm: warm !== null }, 'session created');
    return c.view(session);
  }

  /** Adds the next node (node2…node5) with one terminal. @throws SESSION_NOT_FOUND, NODE_LIMIT; SandboxError */
  async addNode(sessionId: string, owner: string): Promise<NodeView> {
    const c = this.#core;
    const s = c.owned(sessionId, owner);
    s.timers.touch();
    return s.exclusive(async () => {
      c.assertLive(s);
      const name = s.nextNodeName();
      if (name === null) throw new ServerError('NODE_LIMIT', `session ${s.id} has ${s.nodes.size} nodes`);
      c.admission(1);
      const node: NodeState = { name, sandboxId: null, status: 'starting', address: '', limits: { ...c.policy.defaultLimits }, ports: [] };
      s.nodes.set(name, node);
      c.store.putNode(s.id, name, null, 'starting');
      c.emitView(s);
      let info: SandboxInfo;
      try {
        info = await c.createSandbox(s.id, s.networkId, name);
      } catch (err) {
        s.nodes.delete(name);
        c.store.deleteNode(s.id, name);
        c.emitView(s);
        throw err;
      }
      if (s.ended) {
        await c.driver.destroy(info.id);
        throw new ServerError('SESSION_NOT_FOUND', `session ${s.id} ended while ${name} started`);
      }
      Object.assign(node, { sandboxId: info.id, status: 'running', address: info.address, limits: limitsOf(info) });
      const terminal: TerminalState = { id: newId(), node: name, title: name, createdAt: c.clock.now() };
      c.store.transaction(() => {
        c.store.putNode(s.id, name, info.id, 'running');
        c.store.insertTerminal({ ...terminal, sessionId: s.id });
      });
      c.addTerminalState(s, terminal);
      c.log.info({ session: s.id, node: name, sandbox: info.id }, 'node added');
      await c.loadNamespaces(s);
      c.emitView(s);
      return s.nodeView(node, (id) => c.facts.cachedNamespaces(id));
    });
  }

  /** Replaces a node's sandbox with a fresh one. @throws SESSION_NOT_FOUND, NODE_NOT_FOUND, NODE_BUSY; SandboxError */
  async resetNode(sessionId: string, owner: string, nodeName: string): Promise<NodeView> {
    const c = this.#core;
    const s = c.owned(sessionId, owner);
    s.timers.touch();
    const node = c.node(s, nodeName);
    if (node.status === 'starting' || node.status === 'resetting') throw new ServerError('NODE_BUSY', `${nodeName} is ${node.status}`);
    return s.exclusive(async () => {
      c.assertLive(s);
      const old = node.sandboxId;
      Object.assign(node, { status: 'resetting', address: '', ports: [] });
      c.store.putNode(s.id, node.name, old, 'resetting');
      c.emitView(s);
      for (const t of s.terminalsOf(node.name)) c.terminals.close(t.id, 'reset');
      let info: SandboxInfo;
      try {
        if (old !== null) {
          c.forgetSandbox(old);
          await c.driver.destroy(old);
        }
        info = await c.createSandbox(s.id, s.networkId, node.name);
      } catch (err) {
        Object.assign(node, { status: 'error', sandboxId: null });
        c.store.putNode(s.id, node.name, null, 'error');
        c.emitView(s);
        throw err;
      }
      if (s.ended) {
        await c.driver.destroy(info.id);
        throw new ServerError('SESSION_NOT_FOUND', `session ${s.id} ended while ${node.name} was reset`);
      }
      Object.assign(node, { sandboxId: info.id, status: 'running', address: info.address, limits: limitsOf(info) });
      c.store.putNode(s.id, node.name, info.id, 'running');
      c.log.info({ session: s.id, node: node.name, old, sandbox: info.id }, 'node reset');
      // A lesson node starts again the way the lesson set it up: its assets and setup.
      const lesson = c.lessonSessions.get(s.id);
      if (lesson) void lesson.prepare(new Map([[node.name, info.id]]));
      await c.loadNamespaces(s);
      c.emitView(s);
      return s.nodeView(node, (id) => c.facts.cachedNamespaces(id));
    });
  }

  /**
   * Ends a session: tells its listeners, closes its terminals, removes its network and
   * every sandbox on it. Idempotent; resolves when the sandboxes are gone.
   */
  async end(sessionId: string, reason: EndReason): Promise<void> {
    const c = this.#core;
    const s = c.sessions.get(sessionId);
    if (!s || s.ended) return;
    s.ended = true;
    s.timers.dispose();
    c.lessonSessions.get(s.id)?.dispose();
    c.lessonSessions.delete(s.id);
    c.store.endSession(s.id, c.clock.now(), reason);
    c.events.emit(s.id, { type: 'ended', reason });
    c.events.clear(s.id);
    for (const t of s.terminals.values()) {
      c.terminals.close(t.id, 'ended');
      c.terminalIndex.delete(t.id);
    }
    const done = s
      .exclusive(async () => {
        for (const n of s.nodes.values()) if (n.sandboxId !== null) c.forgetSandbox(n.sandboxId);
        await c.driver.destroyNetwork(s.networkId);
      })
      .catch((err: unknown) => c.log.error({ err, session: s.id }, 'cannot remove the sandboxes of an ended session'))
      .finally(() => {
        c.sessions.delete(s.id);
        this.#onEnded(s.id);
        c.ending.delete(done);
      });
    c.ending.add(done);
    c.log.info({ session: s.id, reason }, 'session ended');
    await done;
  }

  /** The monitor's news: the node's listening ports (emitted when they changed). */
  portsArrived(sessionId: string, nodeName: string, ports: number[]): void {
    const node = this.#core.sessions.get(sessionId)?.nodes.get(nodeName);
    if (!node || (node.ports.length === ports.length && node.ports.every((p, i) => p === ports[i]))) return;
    node.ports = ports;
    this.#core.emit(sessionId, { type: 'ports', node: nodeName, ports });
  }

  /** The monitor's news: the node's sandbox no longer runs; it shows as `error`. */
  nodeGone(sessionId: string, nodeName: string, sandboxId: string): void {
    const c = this.#core;
    const s = c.sessions.get(sessionId);
    const node = s?.nodes.get(nodeName);
    if (!s || s.ended || !node || node.sandboxId !== sandboxId || node.status !== 'running') return;
    c.log.warn({ session: sessionId, node: nodeName, sandbox: sandboxId }, 'node sandbox is no longer running');
    c.forgetSandbox(sandboxId);
    Object.assign(node, { status: 'error', address: '', ports: [] });
    c.store.putNode(s.id, node.name, sandboxId, 'error');
    c.emitView(s);
  }
}

/** Re-exported for the manager's callers. */
export type { Session };
