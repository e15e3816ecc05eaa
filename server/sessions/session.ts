// One live session in memory: its nodes, terminals and timers, the lock that serialises
// its operations, and its wire view. No I/O here; the manager does the work.
import { MAX_NODES, type NodeStatus, type NodeView, type SessionView, type TerminalView } from '../../protocol/http.js';
import type { SessionTimers } from './timers.js';

/** Limits of a node as the view shows them. */
export interface NodeLimitsView {
  memoryBytes: number;
  pids: number;
  cpus: number;
  diskBytes: number;
}

/** One node (sandbox) of a session. */
export interface NodeState {
  name: string;
  /** The node's current sandbox; null before its first one exists. */
  sandboxId: string | null;
  status: NodeStatus;
  /** IPv4 address on the session network; '' when it has no running sandbox. */
  address: string;
  limits: NodeLimitsView;
  /** Listening TCP ports, as last sampled. */
  ports: number[];
}

/** One terminal (tab) of a session. */
export interface TerminalState {
  id: string;
  node: string;
  title: string;
  /** ms since the epoch. */
  createdAt: number;
}

/** The persistent facts of a session. */
export interface SessionFacts {
  id: string;
  owner: string;
  createdAt: number;
  expiresAt: number;
  extendedCount: number;
  lessonId: string | null;
  networkId: string;
  /** The class and member of a class session; null (or absent) for a free playground. */
  classId?: string | null;
  memberId?: string | null;
  /** Whether the session's network reaches the internet (its outbound policy). */
  internet?: boolean;
}

/** How the view is computed: the policy's numbers it shows. */
export interface ViewPolicy {
  /** Cap on the total lifetime from creation (ms). */
  maxLifetimeMs: number;
  /** Warning lead time (ms). */
  warnBeforeMs: number;
}

/**
 * A live session. Operations that change its nodes or terminals run one at a time through
 * `exclusive`; `ended` flips once, first thing when the session ends, so operations
 * waiting for the lock see it and give up.
 */
export class Session {
  readonly id: string;
  readonly owner: string;
  readonly createdAt: number;
  expiresAt: number;
  extendedCount: number;
  readonly lessonId: string | null;
  readonly networkId: string;
  readonly classId: string | null;
  readonly memberId: string | null;
  readonly internet: boolean;
  readonly nodes = new Map<string, NodeState>();
  readonly terminals = new Map<string, TerminalState>();
  readonly timers: SessionTimers;
  ended = false;
  #lock: Promise<unknown> = Promise.resolve();

  constructor(facts: SessionFacts, timers: SessionTimers) {
    this.id = facts.id;
    this.owner = facts.owner;
    this.createdAt = facts.createdAt;
    this.expiresAt = facts.expiresAt;
    this.extendedCount = facts.extendedCount;
    this.lessonId = facts.lessonId;
    this.networkId = facts.networkId;
    this.classId = facts.classId ?? null;
    this.memberId = facts.memberId ?? null;
    this.internet = facts.internet ?? false;
    this.timers = timers;
  }

  /** Runs `fn` after every operation queued before it has finished (failed ones included). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** The first free node name (node1…nodeMAX_NODES), or null when the session is full. */
  nextNodeName(): string | null {
    for (let i = 1; i <= MAX_NODES; i++) if (!this.nodes.has(`node${i}`)) return `node${i}`;
    return null;
  }

  /** Terminals of `node`, oldest first. */
  terminalsOf(node: string): TerminalState[] {
    return [...this.terminals.values()].filter((t) => t.node === node);
  }

  /** A title for a new terminal on `node`: `node1`, then `node1 #2`, `node1 #3`… (first free). */
  nextTerminalTitle(node: string): string {
    const titles = new Set(this.terminalsOf(node).map((t) => t.title));
    if (!titles.has(node)) return node;
    for (let i = 2; ; i++) if (!titles.has(`${node} #${i}`)) return `${node} #${i}`;
  }

  /** Whether "extend" can still push the end back. */
  canExtend(policy: ViewPolicy): boolean {
    return this.expiresAt < this.createdAt + policy.maxLifetimeMs;
  }

  /** The wire view. `namespacesOf` gives a sandbox's namespace ids ({} when unknown). */
  toView(policy: ViewPolicy, namespacesOf: (sandboxId: string) => Record<string, number>): SessionView {
    return {
      id: this.id,
      createdAt: new Date(this.createdAt).toISOString(),
      expiresAt: new Date(this.expiresAt).toISOString(),
      warnBeforeSeconds: Math.round(policy.warnBeforeMs / 1000),
      serverTime: new Date(this.timers.now()).toISOString(),
      idleEndsAt: isoOrNull(this.timers.idleWarningEndsAt()),
      idleTimeoutSeconds: Math.round(this.timers.idleMs / 1000),
      canExtend: this.canExtend(policy),
      lessonId: this.lessonId,
      nodes: [...this.nodes.values()].sort((a, b) => nodeIndex(a.name) - nodeIndex(b.name)).map((n) => this.nodeView(n, namespacesOf)),
      maxNodes: MAX_NODES,
      internet: this.internet,
    };
  }

  /** The wire view of one node. */
  nodeView(node: NodeState, namespacesOf: (sandboxId: string) => Record<string, number>): NodeView {
    return {
      name: node.name,
      status: node.status,
      address: node.address,
      limits: { ...node.limits },
      namespaces: node.sandboxId !== null && node.status === 'running' ? namespacesOf(node.sandboxId) : {},
      terminals: this.terminalsOf(node.name).map(toTerminalView),
      ports: [...node.ports],
    };
  }
}

/** The wire view of a terminal. */
export function toTerminalView(t: TerminalState): TerminalView {
  return { id: t.id, node: t.node, title: t.title, createdAt: new Date(t.createdAt).toISOString() };
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function nodeIndex(name: string): number {
  return Number(name.slice('node'.length));
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

/** The classroom's summary of a live session. */
export function summaryOf(s: Session): LiveSessionSummary {
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
