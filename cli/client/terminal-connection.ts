// A Node client of one terminal WebSocket (protocol/terminal.ts), speaking it as the
// browser's socket addon does minus xterm: hello, OUTPUT frames checked to continue the
// stream exactly (no gap, no duplicate), acks, control messages. The core of
// `pier bench terminal` and of the tests' terminal clients.
import WebSocket from 'ws';
import {
  decodeServerFrame,
  encodeControl,
  encodeInput,
  isFrameError,
  type ClientControl,
  type ServerControl,
} from '../../protocol/terminal.js';

/** The server's `ready` message. */
export type ReadyMessage = Extract<ServerControl, { type: 'ready' }>;

/** Terminal size in columns and rows. */
export interface TerminalSize {
  cols: number;
  rows: number;
}

/**
 * One terminal socket. Output and control messages go to `onOutput` / `onControl`
 * (replaceable at any time); every OUTPUT frame is acknowledged on arrival while
 * `autoAck` is on, like a browser that renders instantly.
 *
 *   connecting ──open──► open ──hello──► (ready) attached ──close──► closed
 */
export class TerminalConnection {
  readonly ws: WebSocket;
  /** Stream offset of the next OUTPUT byte expected. */
  end = 0;
  /** Offset acknowledged so far. */
  acked = 0;
  /** Acknowledge every OUTPUT frame as soon as it arrives. */
  autoAck = true;
  /** Breaches of the stream seen so far: gaps, overlaps, undecodable frames. */
  readonly violations: string[] = [];
  /** The close code once the socket closed, else null. */
  closeCode: number | null = null;
  /** Resolves with the close code and reason once the socket closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /**
   * Called with each OUTPUT frame's bytes (a view into the frame: copy to keep it) and the
   * offset of its first byte, after the stream check.
   */
  onOutput: ((bytes: Uint8Array, offset: number) => void) | null = null;
  /** Called with each control message, after a `ready` with a screen reset `end`. */
  onControl: ((message: ServerControl) => void) | null = null;
  #readyWaiters: ((ready: ReadyMessage) => void)[] = [];

  private constructor(ws: WebSocket) {
    this.ws = ws;
    // A 'close' follows every 'error': the socket's end is seen there.
    ws.on('error', () => {});
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        this.closeCode = code;
        resolve({ code, reason: reason.toString() });
      }),
    );
    ws.on('message', (data, isBinary) => this.#socketOnMessage(data as Buffer, isBinary));
  }

  /** Opens a socket to `url` (e.g. with `headers` of a browser); resolves once it is open. */
  static async connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TerminalConnection> {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    const conn = new TerminalConnection(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return conn;
  }

  /**
   * Sends `hello` (resuming at `resumeFrom`, else a fresh screen); resolves with the next
   * `ready`, or rejects after `timeoutMs`.
   */
  hello(size: TerminalSize, resumeFrom?: number, timeoutMs = 10_000): Promise<ReadyMessage> {
    this.end = this.acked = resumeFrom ?? 0;
    const ready = new Promise<ReadyMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready from the terminal within ${timeoutMs} ms`)), timeoutMs);
      this.#readyWaiters.push((r) => (clearTimeout(timer), resolve(r)));
    });
    this.send({ type: 'hello', ...(resumeFrom !== undefined ? { resumeFrom } : {}), ...size });
    return ready;
  }

  /** Sends a control message. */
  send(message: ClientControl): void {
    this.ws.send(encodeControl(message));
  }

  /** Sends keystrokes (strings as UTF-8; `\r` is Enter). */
  input(data: string | Uint8Array): void {
    this.ws.send(encodeInput(data));
  }

  /** Acknowledges every byte before `offset` (default: all received). */
  ack(offset = this.end): void {
    this.acked = offset;
    this.send({ type: 'ack', offset });
  }

  /** Closes the socket and waits for the close (terminating it after `timeoutMs`). */
  async close(timeoutMs = 3000): Promise<void> {
    if (this.closeCode !== null) return;
    this.ws.close();
    const timer = setTimeout(() => this.ws.terminate(), timeoutMs);
    await this.closed;
    clearTimeout(timer);
  }

  #socketOnMessage(data: Buffer, isBinary: boolean): void {
    const frame = decodeServerFrame(isBinary ? data : 'text');
    if (isFrameError(frame)) {
      this.violations.push(`undecodable frame: ${frame.error}`);
      return;
    }
    if (frame.kind === 'control') {
      const m = frame.message;
      // A screen resets the client: output goes on at the ready's offset.
      if (m.type === 'ready' && m.screen !== undefined) this.end = m.offset;
      this.onControl?.(m);
      if (m.type === 'ready') this.#readyWaiters.shift()?.(m);
      return;
    }
    if (frame.offset !== this.end) this.violations.push(`frame at ${frame.offset}, expected ${this.end}`);
    this.end = frame.offset + frame.bytes.length;
    this.onOutput?.(frame.bytes, frame.offset);
    if (this.autoAck) this.ack();
  }
}
