// Test helpers for terminal sockets: a `ws` server on 127.0.0.1:0 serving one Terminal
// through the real socket glue, and a protocol-speaking client that checks every OUTPUT
// frame continues the stream exactly (no gap, no duplicate).
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket, { WebSocketServer } from 'ws';
import {
  decodeServerFrame,
  encodeControl,
  encodeInput,
  isFrameError,
  type ClientControl,
  type ServerControl,
} from '../../protocol/terminal.js';
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

/** A terminal client speaking the protocol, as the browser does (minus xterm). */
export class TerminalClient {
  readonly ws: WebSocket;
  /** Server control messages, in order. */
  readonly controls: ServerControl[] = [];
  /** Stream offset of chunks[0][0], and the next offset expected. */
  start = 0;
  end = 0;
  chunks: Buffer[] = [];
  /** Violations of the stream: gaps or overlaps between OUTPUT frames. */
  readonly violations: string[] = [];
  /** Ack every OUTPUT frame at once. */
  autoAck = true;
  acked = 0;
  /** Resolves with the close code and reason once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
  }

  /** Opens a client socket to `url`. */
  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TerminalClient> {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    const client = new TerminalClient(ws);
    await once(ws, 'open');
    return client;
  }

  /** Sends hello (resuming at `resumeFrom`) and resolves with the server's ready. */
  async hello(resumeFrom?: number, size = { cols: 80, rows: 24 }): Promise<Extract<ServerControl, { type: 'ready' }>> {
    this.start = this.end = this.acked = resumeFrom ?? 0;
    this.send({ type: 'hello', ...(resumeFrom !== undefined ? { resumeFrom } : {}), ...size });
    return (await this.waitControl('ready')) as Extract<ServerControl, { type: 'ready' }>;
  }

  send(message: ClientControl): void {
    this.ws.send(encodeControl(message));
  }
  input(text: string): void {
    this.ws.send(encodeInput(text));
  }
  ack(offset = this.end): void {
    this.acked = offset;
    this.send({ type: 'ack', offset });
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

  #onMessage(data: Buffer, isBinary: boolean): void {
    const frame = decodeServerFrame(isBinary ? data : 'text');
    if (isFrameError(frame)) {
      this.violations.push(`undecodable frame: ${frame.error}`);
      return;
    }
    if (frame.kind === 'control') {
      if (frame.message.type === 'ready' && frame.message.screen !== undefined) {
        this.start = this.end = frame.message.offset;
        this.chunks = [];
      }
      this.controls.push(frame.message);
      return;
    }
    if (frame.offset !== this.end) this.violations.push(`frame at ${frame.offset}, expected ${this.end}`);
    this.chunks.push(Buffer.from(frame.bytes));
    this.end = frame.offset + frame.bytes.length;
    if (this.autoAck) this.ack();
  }
}
