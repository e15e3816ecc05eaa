// The admin's read-only view of any live terminal: WS /ws/admin/terminals/:terminal. Only a
// signed-in admin, only from pier's own origin; the socket speaks protocol/terminal.ts but
// input is refused (readOnly), as a class instructor's "watch".
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { MAX_CLIENT_MESSAGE_BYTES } from '../../protocol/terminal.js';
import { TerminalId } from '../../protocol/http.js';
import type { Classroom } from '../classroom/service.js';
import { isServerError } from '../errors.js';
import { originMatchesHost } from '../http/origin.js';
import type { SessionManager } from '../sessions/manager.js';
import { serveTerminalSocket } from '../terminals/socket.js';
import type { Terminal } from '../terminals/terminal.js';
import { refuseUpgrade } from '../ws/refuse.js';

const PATH = /^\/ws\/admin\/terminals\/([^/]+)$/;

/** What the handler needs. */
export interface AdminTerminalOptions {
  classroom: Pick<Classroom, 'staffOf'>;
  sessions: Pick<SessionManager<Terminal>, 'terminalSession' | 'attachTerminal'>;
  log: Logger;
}

/** Creates the upgrade handler: returns false for paths that are not its own. */
export function createAdminTerminals(o: AdminTerminalOptions): { handle(req: IncomingMessage, socket: Duplex, head: Buffer): boolean; close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES, perMessageDeflate: false });
  const open = async (req: IncomingMessage, socket: Duplex, head: Buffer, terminalId: string): Promise<void> => {
    if (req.headers.origin === undefined || !originMatchesHost(req.headers.origin, req.headers.host)) return refuseUpgrade(socket, 403, 'cross-origin WebSocket refused');
    const staff = o.classroom.staffOf(req);
    if (staff === null) return refuseUpgrade(socket, 401);
    if (staff.role !== 'admin') return refuseUpgrade(socket, 403);
    const where = TerminalId.safeParse(terminalId).success ? o.sessions.terminalSession(terminalId) : null;
    if (where === null) return refuseUpgrade(socket, 404);
    let terminal: Terminal;
    try {
      terminal = (await o.sessions.attachTerminal(terminalId, where.owner)).terminal;
    } catch (err) {
      return refuseUpgrade(socket, isServerError(err) ? err.status : 503);
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      serveTerminalSocket(ws, terminal, { readOnly: true, log: o.log.child({ area: 'terminal', staff: staff.username, mode: 'admin-watch' }) });
      o.log.info({ terminal: terminalId, session: where.sessionId, staff: staff.username }, 'admin watching a terminal');
    });
  };
  return {
    handle(req, socket, head) {
      const m = PATH.exec(new URL(req.url ?? '/', 'http://pier.invalid').pathname);
      if (!m) return false;
      open(req, socket, head, m[1]!).catch((err: unknown) => {
        o.log.error({ err }, 'admin terminal upgrade failed');
        refuseUpgrade(socket, 500);
      });
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
