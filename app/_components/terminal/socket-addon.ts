// An xterm addon that connects a Terminal to its pty over /ws/terminals/:id, speaking
// protocol/terminal.ts: hello with the offset already on screen, OUTPUT written without
// duplicates, acks of rendered bytes, resize, ping; reconnects on its own.
import type { IDisposable, ITerminalAddon, Terminal } from '@xterm/xterm';
import {
  MAX_INPUT_FRAME_BYTES,
  TerminalCloseCode,
  decodeServerFrame,
  encodeControl,
  encodeInput,
  isFrameError,
  type ClientControl,
  type ServerControl,
} from '../../../protocol/terminal';
import { SocketClient, isFinalCloseCode, type SocketOptions, type SocketStatus } from '../../_lib/socket-client';
import { ACK_INTERVAL_MS, TerminalStream } from '../../_lib/terminal-stream';

/** How often a ping checks that an open connection is alive (ms). */
export const PING_INTERVAL_MS = 20_000;
/** A connection silent this long after a ping is presumed dead and replaced (ms). */
export const PONG_TIMEOUT_MS = 10_000;

/** What the terminal's connection is doing, for the indicator. */
export type TerminalConnectionStatus = SocketStatus | 'exited';

/** Callbacks and settings of a SocketAddon. */
export type SocketAddonOptions = {
  /** ws:// URL of the terminal socket. */
  url: string;
  /** Output bytes already on screen (from a snapshot restored after a reload); default 0. */
  startOffset?: number;
  onStatus?: (status: TerminalConnectionStatus) => void;
  /** Every `ready`: whether this viewer may type. */
  onReady?: (info: { readOnly: boolean }) => void;
  /** The shell exited; the socket is closed for good. */
  onExit?: (info: { code: number | null; signal: number | null }) => void;
  /** The server reported a failed request, or closed the terminal for good. */
  onError?: (info: { code: string; message: string }) => void;
  /** Passed to the SocketClient (tests). */
  socketOptions?: SocketOptions;
};

/** The path of a terminal's socket. */
export function terminalPath(terminalId: string): string {
  return `/ws/terminals/${encodeURIComponent(terminalId)}`;
}

/** Splits `bytes` into INPUT frames of at most MAX_INPUT_FRAME_BYTES each. */
export function inputFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += MAX_INPUT_FRAME_BYTES) {
    frames.push(encodeInput(bytes.subarray(at, at + MAX_INPUT_FRAME_BYTES)));
  }
  return frames;
}

const utf8 = new TextEncoder();

/** Binary strings from xterm's onBinary (mouse reports) are bytes, one per char. */
function binaryStringBytes(data: string): Uint8Array {
  const bytes = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 1) bytes[i] = data.charCodeAt(i) & 0xff;
  return bytes;
}

/** What the page is told for the close codes that end a terminal's connection. */
const CLOSE_ERROR: Record<number, 'NOT_FOUND' | 'TERMINAL_CLOSED' | 'TERMINAL_RESET'> = {
  [TerminalCloseCode.NOT_FOUND]: 'NOT_FOUND',
  [TerminalCloseCode.TERMINAL_CLOSED]: 'TERMINAL_CLOSED',
  [TerminalCloseCode.TERMINAL_RESET]: 'TERMINAL_RESET',
};

/** Connects one xterm Terminal to one pier terminal. Load with terminal.loadAddon(). */
export class SocketAddon implements ITerminalAddon {
  readonly #options: SocketAddonOptions;
  readonly #stream: TerminalStream;
  #terminal: Terminal | null = null;
  #client: SocketClient | null = null;
  #disposables: IDisposable[] = [];
  #readOnly = false;
  /** Whether this connection's `ready` has come: OUTPUT before it has no baseline. */
  #attached = false;
  #ackTimer: ReturnType<typeof setTimeout> | null = null;
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #pongDeadline: ReturnType<typeof setTimeout> | null = null;

  constructor(options: SocketAddonOptions) {
    this.#options = options;
    this.#stream = new TerminalStream(options.startOffset ?? 0);
  }

  /** Output bytes xterm has drawn: the offset a snapshot of the screen corresponds to. */
  get renderedOffset(): number {
    return this.#stream.rendered;
  }

  /** Called by xterm on loadAddon(). */
  activate(terminal: Terminal): void {
    this.#terminal = terminal;
    this.#disposables.push(
      terminal.onData((data) => this.#sendInput(utf8.encode(data))),
      terminal.onBinary((data) => this.#sendInput(binaryStringBytes(data))),
      terminal.onResize(({ cols, rows }) => this.#sendControlIfOpen({ type: 'resize', cols, rows })),
    );
    this.#client = new SocketClient(
      this.#options.url,
      {
        onOpen: (sendNow) => {
          const resumeFrom = this.#stream.resumeFrom();
          const size = { cols: terminal.cols, rows: terminal.rows };
          const hello: ClientControl = resumeFrom === undefined ? { type: 'hello', ...size } : { type: 'hello', resumeFrom, ...size };
          sendNow(encodeControl(hello));
        },
        onMessage: (data) => this.#socketOnMessage(data),
        onStatus: (status) => this.#socketOnStatus(status),
        shouldReconnect: (code, reason) => this.#socketShouldReconnect(code, reason),
      },
      this.#options.socketOptions,
    );
    this.#disposables.push({ dispose: () => this.#client?.close() });
  }

  /** Closes the socket and removes every listener. */
  dispose(): void {
    this.#stopTimers();
    for (const d of this.#disposables) d.dispose();
    this.#disposables = [];
    this.#client = null;
    this.#terminal = null;
  }

  #sendInput(bytes: Uint8Array): void {
    // Read-only viewers' input would be dropped by the server; do not send it at all.
    if (this.#readOnly || bytes.length === 0) return;
    for (const frame of inputFrames(bytes)) this.#client?.send(frame);
  }

  /** Control messages that only make sense on the current connection (the next hello carries the rest). */
  #sendControlIfOpen(message: ClientControl): void {
    if (this.#client?.status === 'open') this.#client.send(encodeControl(message));
  }

  #socketOnStatus(status: SocketStatus): void {
    this.#attached = false;
    if (status === 'open') this.#startPing();
    else this.#stopTimers();
    this.#options.onStatus?.(status);
  }

  #socketShouldReconnect(code: number, reason: string): boolean {
    if (code === TerminalCloseCode.TERMINAL_CLOSED || code === TerminalCloseCode.NOT_FOUND || code === TerminalCloseCode.TERMINAL_RESET) {
      this.#options.onError?.({ code: CLOSE_ERROR[code] ?? 'TERMINAL_CLOSED', message: reason });
      return false;
    }
    if (isFinalCloseCode(code)) {
      console.error(`pier: terminal socket closed with ${code} ${reason}`);
      this.#options.onError?.({ code: String(code), message: reason });
      return false;
    }
    return true;
  }

  #socketOnMessage(data: string | ArrayBuffer): void {
    this.#gotSign();
    const frame = decodeServerFrame(data);
    if (isFrameError(frame)) {
      console.warn(`pier: bad terminal frame (${frame.error}): ${frame.message}`);
      return;
    }
    if (frame.kind === 'output') this.#writeOutput(frame.offset, frame.bytes);
    else this.#handleControl(frame.message);
  }

  #writeOutput(offset: number, bytes: Uint8Array): void {
    const terminal = this.#terminal;
    if (!terminal) return;
    if (!this.#attached) {
      console.warn('pier: terminal output before ready, ignored');
      return;
    }
    const { data, end, gap } = this.#stream.accept(offset, bytes);
    if (gap > 0) console.warn(`pier: ${gap} bytes of terminal output were skipped by the server`);
    if (data.byteLength === 0) return;
    terminal.write(data, () => this.#rendered(end));
  }

  #handleControl(message: ServerControl): void {
    const terminal = this.#terminal;
    if (!terminal) return;
    switch (message.type) {
      case 'ready': {
        this.#attached = true;
        this.#readOnly = message.readOnly;
        terminal.options.disableStdin = message.readOnly;
        const { reset } = this.#stream.ready(message.offset, message.screen !== undefined);
        if (reset) {
          // ESC c (RIS) resets in order with any output still queued in xterm, unlike
          // terminal.reset(), which would act before those queued writes are parsed.
          terminal.write('\x1bc');
          terminal.write(message.screen ?? '', () => this.#rendered(message.offset));
        } else if (this.#stream.ackPending()) {
          this.#sendAck();
        }
        this.#options.onReady?.({ readOnly: message.readOnly });
        return;
      }
      case 'exit':
        this.#options.onExit?.({ code: message.code, signal: message.signal });
        this.#stopTimers();
        this.#client?.close();
        this.#options.onStatus?.('exited');
        return;
      case 'error':
        console.warn(`pier: terminal error ${message.code}: ${message.message}`);
        if (message.code !== 'READ_ONLY') this.#options.onError?.({ code: message.code, message: message.message });
        return;
      case 'pong':
        return; // #gotSign already noted that the connection is alive
    }
  }

  /** xterm drew everything up to `end`: acknowledge at once past the byte threshold, else soon. */
  #rendered(end: number): void {
    this.#stream.markRendered(end);
    if (this.#stream.ackDueNow()) this.#sendAck();
    else if (this.#stream.ackPending() && this.#ackTimer === null) {
      this.#ackTimer = setTimeout(() => {
        this.#ackTimer = null;
        if (this.#stream.ackPending()) this.#sendAck();
      }, ACK_INTERVAL_MS);
    }
  }

  #sendAck(): void {
    if (this.#client?.status !== 'open') return; // the next hello's resumeFrom says it instead
    if (this.#ackTimer !== null) clearTimeout(this.#ackTimer);
    this.#ackTimer = null;
    this.#client.send(encodeControl({ type: 'ack', offset: this.#stream.takeAck() }));
  }

  #startPing(): void {
    this.#stopPing();
    this.#pingTimer = setInterval(() => {
      this.#sendControlIfOpen({ type: 'ping', t: Date.now() });
      if (this.#pongDeadline === null) {
        this.#pongDeadline = setTimeout(() => {
          this.#pongDeadline = null;
          console.warn('pier: terminal socket silent after a ping; reconnecting');
          this.#client?.restart();
        }, PONG_TIMEOUT_MS);
      }
    }, PING_INTERVAL_MS);
  }

  /** Any message proves the connection alive. */
  #gotSign(): void {
    if (this.#pongDeadline !== null) clearTimeout(this.#pongDeadline);
    this.#pongDeadline = null;
  }

  #stopPing(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    this.#gotSign();
  }

  #stopTimers(): void {
    this.#stopPing();
    if (this.#ackTimer !== null) clearTimeout(this.#ackTimer);
    this.#ackTimer = null;
  }
}
