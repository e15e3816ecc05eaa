// Adoption after a restart: carries out planAdoption (adoption.ts) over the core — keeps
// sessions whose sandboxes live, marks lost nodes `error`, ends the rest, gives unclaimed
// warm sandboxes back to the pool and destroys this server's other orphans.
import type { EndReason } from '../store/store.js';
import { limitsOf, type SessionCore } from './core.js';
import { planAdoption } from './adoption.js';
import type { Session, SessionFacts } from './session.js';
import type { TerminalOps } from './terminal-ops.js';

/** How long ended sessions stay in the database (ms). */
export const ENDED_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** What `adopt` found after a restart. */
export interface AdoptReport {
  kept: string[];
  ended: { id: string; reason: EndReason }[];
  /** `session/node` whose sandbox was gone: marked `error`. */
  lostNodes: string[];
  /** Sandboxes of this server that belonged to no live session: destroyed. */
  orphans: string[];
  /** Warm sandboxes of this server's pool: kept in it, or destroyed when stale. */
  pool?: { kept: string[]; destroyed: string[] };
}

/**
 * Takes over what a previous server process left (see SessionManager.adopt).
 * @param newSession makes the live Session of a kept row (timers wired to end it)
 */
export async function adoptSessions<T>(c: SessionCore<T>, terminals: TerminalOps<T>, newSession: (facts: SessionFacts) => Session): Promise<AdoptReport> {
  const reconciled = await c.driver.reconcile();
  const listing = await c.driver.list();
  const now = c.clock.now();
  const plan = planAdoption({ rows: c.store.liveSessions(), nodesOf: (id) => c.store.nodesOf(id), listing, serverId: c.serverId, now });
  const report: AdoptReport = { kept: [], ended: [], lostNodes: [], orphans: plan.orphans };
  for (const fate of plan.sessions) {
    const row = fate.session;
    if (fate.action === 'end') {
      await c.endRow(row.id, row.networkId, fate.reason);
      report.ended.push({ id: row.id, reason: fate.reason });
      continue;
    }
    // The network's own outbound policy (a class without internet stays "offline").
    const network = row.networkId === null ? null : await c.driver.getNetwork(row.networkId);
    const session = newSession({ ...fate.session, internet: network?.outbound ?? false });
    for (const { node, sandbox } of fate.live) {
      session.nodes.set(node.name, { name: node.name, sandboxId: sandbox.id, status: 'running', address: sandbox.address, limits: limitsOf(sandbox), ports: [] });
    }
    for (const node of fate.lost) {
      session.nodes.set(node.name, { name: node.name, sandboxId: null, status: 'error', address: '', limits: { ...c.policy.defaultLimits }, ports: [] });
      c.store.putNode(row.id, node.name, null, 'error');
      report.lostNodes.push(`${row.id}/${node.name}`);
    }
    for (const t of c.store.terminalsOf(row.id)) c.addTerminalState(session, { id: t.id, node: t.node, title: t.title, createdAt: t.createdAt });
    c.sessions.set(row.id, session);
    session.timers.schedule(session.expiresAt);
    const lesson = row.lessonId === null ? null : (c.lessons?.get(row.lessonId) ?? null);
    // Setup ran before the restart; the lesson carries on where the owner's progress is.
    if (lesson !== null) c.newLessonSession(session, lesson, (s, node, text) => terminals.typeIntoFirst(s, node, text)).markReady();
    report.kept.push(row.id);
  }
  for (const id of plan.orphans) {
    await c.driver.destroy(id).catch((err: unknown) => c.log.error({ err, sandbox: id }, 'cannot remove an orphan sandbox'));
  }
  // Warm sandboxes no session claims: the pool keeps the fresh ones and destroys the rest
  // (all of them when the pool is off).
  if (plan.pooled.length > 0 || c.pool !== null) {
    const pooled = listing.filter((l) => plan.pooled.includes(l.id));
    report.pool = c.pool !== null ? await c.pool.adopt(pooled) : { kept: [], destroyed: await destroyAll(c, pooled) };
  }
  const pruned = c.store.pruneEnded(now - ENDED_RETENTION_MS);
  c.log.info({ ...report, reconciled: { adopted: reconciled.adopted.length, removed: reconciled.removed.length, orphans: reconciled.orphans.length, skipped: reconciled.skipped }, pruned }, 'sessions adopted');
  return report;
}

/** Destroys warm sandboxes and their networks (the pool is off). */
async function destroyAll<T>(c: SessionCore<T>, pooled: readonly { id: string; network: string }[]): Promise<string[]> {
  for (const s of pooled) {
    await c.driver.destroyNetwork(s.network).catch((err: unknown) => c.log.error({ err, sandbox: s.id }, 'cannot remove a warm sandbox'));
  }
  return pooled.map((s) => s.id);
}
