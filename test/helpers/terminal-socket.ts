// Test helpers for terminal sockets: a `ws` server on 127.0.0.1:0 serving one Terminal
// through the real socket glue, and a protocol-speaking client (over cli/client's
// TerminalConnection, which checks every OUTPUT frame continues the stream exactly) that
// keeps everything it received.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type WebSocket from 'ws';
import { WebSocketServer } from 'ws';
import type { ClientControl, ServerControl } from '../../protocol/terminal.js';
import { TerminalConnection, type ReadyMessage } from '../../cli/client/terminal-connection.js';
import { serveTerminalSocket, type TerminalSocketOptions } from '../../server/terminals/socket.js';
import type { Terminal } from '../../server/terminals/terminal.js';

/** A server of one terminal: `?ro=1` connects read-only. */
export interface TerminalTestServer {
  url: string;
  wss: WebSocketServer;
  /** Server-side sockets, in connection order. */
  sockets: WebSocket[];
  close(): Promise<void>;
}

/** Starts a `ws` server on 127.0.0.1, port 0, serving `terminal` with serveTerminalSocket(). */
export async function startTerminalServer(
  terminal: Terminal,
  options: Omit<TerminalSocketOptions, 'readOnly'> & { maxPayload?: number } = {},
): Promise<TerminalTestServer> {
  const { maxPayload, ...socketOptions } = options;
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: maxPayload ?? 1024 * 1024, perMessageDeflate: false });
  await once(wss, 'listening');
  const sockets: WebSocket[] = [];
  wss.on('connection', (ws, req) => {
    sockets.push(ws);
    serveTerminalSocket(ws, terminal, { ...socketOptions, readOnly: (req.url ?? '').includes('ro=1') });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    wss,
    sockets,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/**
 * A terminal client speaking the protocol, as the browser does (minus xterm), keeping all
 * it received. The protocol itself (stream check, acks) is cli/client's TerminalConnection.
 */
export class TerminalClient {
  readonly conn: TerminalConnection;
  /** Server control messages, in order. */
  readonly controls: ServerControl[] = [];
  /** Stream offset of chunks[0][0]. */
  start = 0;
  chunks: Buffer[] = [];

  private constructor(conn: TerminalConnection) {
    this.conn = conn;
    conn.onControl = (m) => {
      if (m.type === 'ready' && m.screen !== undefined) {
        this.start = m.offset;
        this.chunks = [];
      }
      this.controls.push(m);
    };
    conn.onOutput = (bytes) => this.chunks.push(Buffer.from(bytes));
  }

  /** Opens a client socket to `url`. */
  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TerminalClient> {
    return new TerminalClient(await TerminalConnection.connect(url, options));
  }

  get ws(): WebSocket {
    return this.conn.ws;
  }
  /** The next stream offset expected. */
  get end(): number {
    return this.conn.end;
  }
  get acked(): number {
    return this.conn.acked;
  }
  /** Ack every OUTPUT frame at once. */
  get autoAck(): boolean {
    return this.conn.autoAck;
  }
  set autoAck(on: boolean) {
    this.conn.autoAck = on;
  }
  /** Violations of the stream: gaps or overlaps between OUTPUT frames, undecodable frames. */
  get violations(): string[] {
    return this.conn.violations;
  }
  /** Resolves with the close code and reason once the socket closed. */
  get closed(): Promise<{ code: number; reason: string }> {
    return this.conn.closed;
  }

  /** Sends hello (resuming at `resumeFrom`) and resolves with the server's ready. */
  async hello(resumeFrom?: number, size = { cols: 80, rows: 24 }): Promise<ReadyMessage> {
    this.start = resumeFrom ?? 0;
    const ready = await this.conn.hello(size, resumeFrom, 5000);
    const i = this.controls.indexOf(ready);
    if (i >= 0) this.controls.splice(i, 1); // waited for: not seen again by waitControl
    return ready;
  }

  send(message: ClientControl): void {
    this.conn.send(message);
  }
  input(text: string): void {
    this.conn.input(text);
  }
  ack(offset = this.end): void {
    this.conn.ack(offset);
  }

  /** Output received since `start`, as text. */
  get text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
  /** Output received since `start`, as bytes. */
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The last `n` bytes or more of the output (cheap on a flood), as text. */
  tail(n = 4096): string {
    const parts: Buffer[] = [];
    let size = 0;
    for (let i = this.chunks.length - 1; i >= 0 && size < n; i--) {
      const c = this.chunks[i] as Buffer;
      parts.unshift(c);
      size += c.length;
    }
    return Buffer.concat(parts).toString('utf8');
  }

  /** Polls until the received output (or only its tail, on a flood) matches `re`. */
  async waitFor(re: RegExp, timeoutMs = 5000, where: 'all' | 'tail' = 'all'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const text = () => (where === 'tail' ? this.tail() : this.text);
    while (!re.test(text())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; got …${JSON.stringify(text().slice(-300))}`);
      await sleep(5);
    }
  }

  /** Waits for the next control message of `type` not yet waited for. */
  async waitControl(type: ServerControl['type'], timeoutMs = 5000): Promise<ServerControl> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.controls.findIndex((c) => c.type === type);
      if (i >= 0) return this.controls.splice(i, 1)[0] as ServerControl;
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms`);
      await sleep(5);
    }
  }
}
