// What a starting server does with the sessions a previous process left ([bwrap] plan,
// then act): a pure plan from the saved rows and the sandboxes that run now, which the
// session manager then carries out.
import type { SandboxListing } from '../../sandbox/index.js';
import type { EndReason, NodeRow, SessionRow } from '../store/store.js';

/** Sandbox label naming the session a node belongs to. */
export const SESSION_LABEL = 'pier.session';
/** Sandbox label naming the server (its database) that owns the sandbox. */
export const SERVER_LABEL = 'pier.server';
/** Sandbox label of a warm sandbox (server/sessions/pool.ts): its pool key; dropped on claim. */
export const POOL_LABEL = 'pier.pool';

/** The fate of one saved session. */
export type SessionFate =
  | { action: 'end'; session: SessionRow; reason: EndReason }
  | {
      action: 'keep';
      session: SessionRow & { networkId: string };
      /** Nodes whose sandbox still runs, with it. */
      live: { node: NodeRow; sandbox: SandboxListing }[];
      /** Nodes whose sandbox is gone: to be shown as `error` (a reset recreates them). */
      lost: NodeRow[];
    };

/** The whole plan. */
export interface AdoptionPlan {
  sessions: SessionFate[];
  /** Sandboxes of this server that no saved live session claims: to destroy. */
  orphans: string[];
  /** Warm sandboxes of this server (POOL_LABEL) that no session claims: for the pool to judge. */
  pooled: string[];
}

/**
 * Decides what to do with each live session row: end it when it has expired (or never got
 * a network), end it when none of its nodes runs any more, else keep it with its running
 * nodes and mark the others lost. Sandboxes labelled with `serverId` that neither a row's
 * session label nor a row's node names are orphans, or `pooled` when they carry POOL_LABEL
 * (a warm sandbox claimed just before a crash is named by its session's node row, so it is
 * the session's). Sandboxes of other servers are never touched.
 * @param now ms since the epoch
 */
export function planAdoption(input: {
  rows: readonly SessionRow[];
  nodesOf: (sessionId: string) => NodeRow[];
  listing: readonly SandboxListing[];
  serverId: string;
  now: number;
}): AdoptionPlan {
  const running = new Map(input.listing.filter((l) => l.status === 'running').map((l) => [l.id, l]));
  const sessions: SessionFate[] = input.rows.map((row): SessionFate => {
    if (row.networkId === null || row.expiresAt <= input.now) return { action: 'end', session: row, reason: 'expired' };
    const live: { node: NodeRow; sandbox: SandboxListing }[] = [];
    const lost: NodeRow[] = [];
    for (const node of input.nodesOf(row.id)) {
      const sandbox = node.sandboxId === null ? undefined : running.get(node.sandboxId);
      if (sandbox && node.status === 'running') live.push({ node, sandbox });
      else lost.push(node);
    }
    if (live.length === 0) return { action: 'end', session: row, reason: 'error' };
    return { action: 'keep', session: { ...row, networkId: row.networkId }, live, lost };
  });
  // A session ended by the plan takes its sandboxes with its network; only unclaimed ones are orphans.
  const claimed = new Set(input.rows.map((r) => r.id));
  const named = new Set(input.rows.flatMap((r) => input.nodesOf(r.id).map((n) => n.sandboxId)));
  const unclaimed = input.listing.filter((l) => l.labels[SERVER_LABEL] === input.serverId && !claimed.has(l.labels[SESSION_LABEL] ?? '') && !named.has(l.id));
  const pooled = unclaimed.filter((l) => l.labels[POOL_LABEL] !== undefined && l.status === 'running').map((l) => l.id);
  const orphans = unclaimed.filter((l) => !pooled.includes(l.id)).map((l) => l.id);
  return { sessions, orphans, pooled };
}
