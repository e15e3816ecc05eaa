// The one upgrade router of the server ([ws] README "Multiple servers sharing a single
// HTTP/S server", "Client authentication"). Every HTTP upgrade comes here first:
//
//   port proxy address (Host form or /p/…)  → the port proxy (it authorizes by itself)
//   /ws/…   Origin ≠ Host                   → 403 before upgrading
//           no owner cookie / not the owner → 404 (existence is not revealed)
//           the owner holds maxSocketsPerOwner → 429 (attack 39)
//           /ws/terminals/:id               → terminal socket glue
//           /ws/sessions/:id/events         → session events feed
//           /ws/classes/…, /ws/me/classes/… → the classroom's sockets (server/ws/class-sockets.ts;
//                                             staff or member checks of their own, 404 otherwise)
//   anything else                           → Next's upgrade handler (dev reload), or 404
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { SessionId, TerminalId, type Watcher } from '../../protocol/http.js';
import { MAX_CLIENT_MESSAGE_BYTES, TerminalCloseCode } from '../../protocol/terminal.js';
import { originMatchesHost } from '../http/origin.js';
import { RefusalLog, clipForLog } from '../log-limit.js';
import { ownerOf } from '../http/owner-cookie.js';
import type { PortProxy } from '../proxy/index.js';
import type { SessionManager } from '../sessions/manager.js';
import { EVENTS_MAX_PAYLOAD_BYTES, EventsCloseCode, serveSessionEvents } from './events-socket.js';
import { startHeartbeat } from './heartbeat.js';
import { refuseUpgrade } from './refuse.js';
import { OwnerSocketCounter } from './owner-sockets.js';
import type { ClassSockets } from './class-sockets.js';

/** Default cap on the pier WebSockets one owner holds open (5 nodes × 8 tabs, events, spare tabs). */
export const DEFAULT_MAX_SOCKETS_PER_OWNER = 64;

/**
 * How terminal sockets are served (bound by main.ts to the session core and
 * server/terminals' glue). `prepare` runs before the upgrade completes, so a client's first
 * frame (its `hello`) always finds the socket loop listening; when it throws, the upgrade
 * is refused.
 */
export interface TerminalSocketHandler<P = unknown> {
  /** Gets the live terminal (opening its pty when needed) for `owner`. */
  prepare(terminalId: string, owner: string): Promise<P>;
  /** Serves the prepared terminal on the accepted socket. */
  serve(ws: WebSocket, prepared: P): void;
  /** HTTP status for an upgrade whose `prepare` threw `err`. */
  refusal(err: unknown): number;
}

/** What the router needs. */
export interface UpgradeRouterOptions<P> {
  sessions: Pick<SessionManager<unknown>, 'subscribe' | 'ownership' | 'terminalOwnership'>;
  secret: Buffer;
  log: Logger;
  terminalSocket: TerminalSocketHandler<P>;
  /** The port proxy, when mounted. */
  proxy?: PortProxy | null;
  /** Upgrades that are not pier's (Next's dev reload); absent: refused with 404. */
  fallback?: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | null;
  /** Pier WebSockets one owner may hold open at once (default DEFAULT_MAX_SOCKETS_PER_OWNER). */
  maxSocketsPerOwner?: number;
  /** The classroom: its sockets, presence (an owner's socket on a session or terminal opened; returns its close) and the watchers sent when a session's feed opens. */
  classroom?: {
    sockets: (takeSlot: (socket: Duplex, owner: string) => (() => void) | null) => ClassSockets;
    opened: (owner: string, on: { sessionId: string } | { terminalId: string }) => () => void;
    watchersOf: (sessionId: string) => Watcher[];
  } | null;
}

/** The router: `handle` is the server's 'upgrade' listener. */
export interface UpgradeRouter {
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open pier WebSockets (terminals + events). */
  readonly openSockets: number;
  /** Closes every pier WebSocket (1001) and stops the heartbeats. */
  close(): void;
}

const TERMINAL_PATH = /^\/ws\/terminals\/([^/]+)$/;
const EVENTS_PATH = /^\/ws\/sessions\/([^/]+)\/events$/;

/** Creates the upgrade router. */
export function createUpgradeRouter<P>(o: UpgradeRouterOptions<P>): UpgradeRouter {
  const terminals = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const events = new WebSocketServer({ noServer: true, maxPayload: EVENTS_MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  // Terminal sockets run their own heartbeat (server/terminals/socket.ts).
  const stops = [startHeartbeat(events)];
  const perOwner = new OwnerSocketCounter(o.maxSocketsPerOwner ?? DEFAULT_MAX_SOCKETS_PER_OWNER);
  // Refusals any client can repeat at will: clipped and rate-limited (issue 11 point 5).
  const refusals = new RefusalLog(o.log);

  /** Takes a slot for `owner`, or refuses the upgrade with 429 and answers null. */
  const takeSlot = (socket: Duplex, owner: string): (() => void) | null => {
    const release = perOwner.tryOpen(owner);
    if (release === null) {
      refusals.refused('too many WebSockets for one owner', { owner, open: perOwner.count(owner) });
      refuseUpgrade(socket, 429, 'too many open connections from this browser; close some tabs');
      return null;
    }
    // Whatever happens next (refusal, upgrade, close), the slot comes back when the socket closes.
    socket.once('close', release);
    return release;
  };

  const classroom = o.classroom ?? null;
  const classSockets = classroom ? classroom.sockets(takeSlot) : null;

  /** Accepts the upgrade, then closes at once with `code`: the browser learns it is final. */
  const acceptAndClose = (wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer, code: number, reason: string) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined);
      ws.close(code, reason);
    });
  };

  const prepareTerminal = async (req: IncomingMessage, socket: Duplex, head: Buffer, terminalId: string, owner: string): Promise<void> => {
    let prepared: P;
    try {
      prepared = await o.terminalSocket.prepare(terminalId, owner);
    } catch (err) {
      const status = o.terminalSocket.refusal(err);
      if (status >= 500) o.log.error({ err, terminal: terminalId }, 'cannot open a terminal');
      return refuseUpgrade(socket, status);
    }
    if (socket.destroyed) return;
    terminals.handleUpgrade(req, socket, head, (ws) => {
      terminals.emit('connection', ws, req);
      if (classroom) ws.once('close', classroom.opened(owner, { terminalId }));
      o.terminalSocket.serve(ws, prepared);
    });
  };

  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', (err) => {
      o.log.debug({ err }, 'upgrade socket error');
      socket.destroy();
    });
    try {
      const match = o.proxy?.match(req) ?? null;
      if (match !== null && o.proxy) {
        o.proxy.handleUpgrade(req, socket, head, match);
        return;
      }
      const pathname = new URL(req.url ?? '/', 'http://pier.invalid').pathname;
      if (pathname !== '/ws' && !pathname.startsWith('/ws/')) {
        if (o.fallback) o.fallback(req, socket, head);
        else refuseUpgrade(socket, 404);
        return;
      }
      if (req.headers.origin === undefined || !originMatchesHost(req.headers.origin, req.headers.host)) {
        refusals.refused('cross-origin WebSocket refused', { origin: req.headers.origin, host: req.headers.host, path: pathname });
        refuseUpgrade(socket, 403, 'cross-origin WebSocket refused');
        return;
      }
      const owner = ownerOf(req, o.secret);
      const terminal = TERMINAL_PATH.exec(pathname);
      const feed = EVENTS_PATH.exec(pathname);
      if (terminal) {
        const id = TerminalId.safeParse(terminal[1]);
        const state = owner !== null && id.success ? o.sessions.terminalOwnership(id.data, owner) : null;
        if (state === null || owner === null || !id.success) return refuseUpgrade(socket, 404);
        if (state !== 'live') return acceptAndClose(terminals, req, socket, head, TerminalCloseCode.TERMINAL_CLOSED, state === 'ended' ? 'session ended' : 'terminal closed');
        if (takeSlot(socket, owner) === null) return;
        void prepareTerminal(req, socket, head, id.data, owner);
        return;
      }
      if (feed) {
        const id = SessionId.safeParse(feed[1]);
        const state = owner !== null && id.success ? o.sessions.ownership(id.data, owner) : null;
        if (state === null || owner === null || !id.success) return refuseUpgrade(socket, 404);
        if (state === 'ended') return acceptAndClose(events, req, socket, head, EventsCloseCode.ENDED, 'session ended');
        if (takeSlot(socket, owner) === null) return;
        events.handleUpgrade(req, socket, head, (ws) => {
          events.emit('connection', ws, req);
          if (classroom) ws.once('close', classroom.opened(owner, { sessionId: id.data }));
          void serveSessionEvents(ws, o.sessions, id.data, owner, o.log, classroom ? () => classroom.watchersOf(id.data) : undefined);
        });
        return;
      }
      if (classSockets?.handle(req, socket, head, pathname, owner)) return;
      refuseUpgrade(socket, 404);
    } catch (err) {
      o.log.error({ err, url: clipForLog(req.url) }, 'upgrade failed');
      refuseUpgrade(socket, 500);
    }
  };

  return {
    handle,
    get openSockets() {
      return terminals.clients.size + events.clients.size + (classSockets?.openSockets ?? 0);
    },
    close() {
      refusals.dispose();
      for (const stop of stops) stop();
      classSockets?.close();
      for (const wss of [terminals, events]) {
        for (const ws of wss.clients) ws.close(1001, 'server shutting down');
        wss.close();
      }
    },
  };
}
