// Terminals of the session core: attaching to one (its pty opens in the node on first use),
// opening and closing tabs, and typing a lesson's foreground script into a node's first one.
import { MAX_TERMINALS_PER_NODE, type TerminalView } from '../../protocol/http.js';
import type { TerminalSize } from '../../sandbox/index.js';
import { ServerError } from '../errors.js';
import { DEFAULT_TERMINAL_SIZE, newId, type SessionCore } from './core.js';
import { toTerminalView, type Session, type TerminalState } from './session.js';
import type { TerminalMeta } from './terminal-pool.js';

/** Terminal operations over the core's sessions. */
export class TerminalOps<T> {
  readonly #core: SessionCore<T>;

  constructor(core: SessionCore<T>) {
    this.#core = core;
  }

  /**
   * The live terminal `terminalId` of `owner`, opening a pty in its node when it has none.
   * @throws TERMINAL_NOT_FOUND (not theirs, closed or ended), NODE_BUSY; SandboxError
   */
  async attach(terminalId: string, owner: string, size: TerminalSize = DEFAULT_TERMINAL_SIZE): Promise<{ terminal: T; sessionId: string }> {
    const c = this.#core;
    const sessionId = c.terminalIndex.get(terminalId);
    const s = sessionId === undefined ? undefined : c.sessions.get(sessionId);
    const t = s?.terminals.get(terminalId);
    if (!s || !t || s.owner !== owner || s.ended) throw new ServerError('TERMINAL_NOT_FOUND', `no terminal ${terminalId} for this owner`);
    s.timers.touch();
    const node = c.node(s, t.node);
    if (node.status !== 'running' || node.sandboxId === null) throw new ServerError('NODE_BUSY', `${node.name} is ${node.status}`);
    const meta: TerminalMeta = { id: t.id, sessionId: s.id, node: t.node, title: t.title, size };
    const terminal = await c.ensureTerminal(meta, node.sandboxId);
    return { terminal, sessionId: s.id };
  }

  /** Opens a new terminal tab on a node. @throws SESSION_NOT_FOUND, NODE_NOT_FOUND, TERMINAL_LIMIT */
  async open(sessionId: string, owner: string, nodeName: string): Promise<TerminalView> {
    const c = this.#core;
    const s = c.owned(sessionId, owner);
    s.timers.touch();
    return s.exclusive(async () => {
      c.assertLive(s);
      c.node(s, nodeName);
      if (s.terminalsOf(nodeName).length >= MAX_TERMINALS_PER_NODE) {
        throw new ServerError('TERMINAL_LIMIT', `${nodeName} has ${MAX_TERMINALS_PER_NODE} terminals`);
      }
      const terminal: TerminalState = { id: newId(), node: nodeName, title: s.nextTerminalTitle(nodeName), createdAt: c.clock.now() };
      c.store.insertTerminal({ ...terminal, sessionId: s.id });
      c.addTerminalState(s, terminal);
      c.emitView(s);
      return toTerminalView(terminal);
    });
  }

  /** Closes a terminal tab and its pty. @throws SESSION_NOT_FOUND, TERMINAL_NOT_FOUND */
  async close(sessionId: string, owner: string, terminalId: string): Promise<void> {
    const c = this.#core;
    const s = c.owned(sessionId, owner);
    s.timers.touch();
    return s.exclusive(async () => {
      c.assertLive(s);
      if (!s.terminals.has(terminalId)) throw new ServerError('TERMINAL_NOT_FOUND', `no terminal ${terminalId} in ${s.id}`);
      s.terminals.delete(terminalId);
      c.terminalIndex.delete(terminalId);
      c.store.deleteTerminal(terminalId);
      c.terminals.close(terminalId, 'closed');
      c.emitView(s);
    });
  }

  /** Types `text` into the first terminal of node `name`, opening its pty when needed. */
  async typeIntoFirst(s: Session, name: string, text: string): Promise<void> {
    const c = this.#core;
    const t = s.terminalsOf(name)[0];
    const node = s.nodes.get(name);
    if (!t || !node || node.sandboxId === null || c.typeInto === null) return;
    const meta: TerminalMeta = { id: t.id, sessionId: s.id, node: t.node, title: t.title, size: DEFAULT_TERMINAL_SIZE };
    c.typeInto(await c.ensureTerminal(meta, node.sandboxId), text);
  }

  /**
   * Where a terminal is: its session's state for `owner`. `closed` when its session is live
   * and the owner's, but the terminal is gone; `ended` when its session ended.
   */
  ownership(terminalId: string, owner: string): 'live' | 'closed' | 'ended' | null {
    const c = this.#core;
    const sessionId = c.terminalIndex.get(terminalId);
    if (sessionId !== undefined) {
      const s = c.sessions.get(sessionId);
      if (s && s.owner === owner) return s.ended ? 'ended' : 'live';
      return null;
    }
    const row = c.store.getTerminal(terminalId);
    if (row === null) return null;
    const session = c.store.getSession(row.sessionId);
    if (session === null || session.owner !== owner) return null;
    return session.endedAt !== null ? 'ended' : 'closed';
  }

  /** The live session and owner of terminal `terminalId`, or null. */
  sessionOf(terminalId: string): { sessionId: string; owner: string; node: string } | null {
    const c = this.#core;
    const sessionId = c.terminalIndex.get(terminalId);
    const s = sessionId === undefined ? undefined : c.sessions.get(sessionId);
    const t = s?.terminals.get(terminalId);
    return s && t && !s.ended ? { sessionId: s.id, owner: s.owner, node: t.node } : null;
  }
}
