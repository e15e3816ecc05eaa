// A WebSocket that comes back: reconnects after a fixed delay, queues what is sent while
// it is away (bounded), and reports its status. Used by the events feed and the terminals.
//
//   connecting ──open──▶ open ──drop──▶ reconnecting ──open──▶ open …
//        │                 │                 │
//        └──── close() or a final close code ┴──────────────▶ closed

/** Delay before each reconnect attempt (fixed, not exponential: pier's server is local). */
export const RECONNECT_DELAY_MS = 1000;
/** At most this many messages wait while the socket is away; later ones are dropped. */
export const SEND_QUEUE_MAX_MESSAGES = 512;
/** At most this many bytes wait while the socket is away; later messages are dropped. */
export const SEND_QUEUE_MAX_BYTES = 64 * 1024;

/** Where the socket is in its life. */
export type SocketStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** What the socket can send. */
export type SocketData = string | Uint8Array;

/** The part of the browser's WebSocket this client uses (a fake in tests). */
export type WebSocketLike = {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: SocketData): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
};

/** Callbacks of a SocketClient. */
export type SocketHandlers = {
  /**
   * Called on every (re)connect before the queue is flushed; `sendNow` bypasses the queue,
   * for a handshake that must go first.
   */
  onOpen?: (sendNow: (data: SocketData) => void) => void;
  /** Each message as it arrives: a string for text frames, an ArrayBuffer for binary. */
  onMessage: (data: string | ArrayBuffer) => void;
  /** Every status change. */
  onStatus?: (status: SocketStatus) => void;
  /**
   * Called when the socket closes; return false to stop for good (e.g. the server closed
   * with a 44xx "not found / not allowed" code). Defaults to reconnecting unless the code
   * is final (see isFinalCloseCode).
   */
  shouldReconnect?: (code: number, reason: string) => boolean;
};

/** Options of a SocketClient. */
export type SocketOptions = {
  reconnectDelayMs?: number;
  /**
   * With a value above reconnectDelayMs, each failed attempt doubles the delay up to this
   * (reset once a connection opens): backoff for feeds many pages hold, like the dashboard.
   */
  maxReconnectDelayMs?: number;
  maxQueueMessages?: number;
  maxQueueBytes?: number;
  /** Creates the underlying socket; defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocketLike;
  /** Timer functions, replaceable in tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
};

const OPEN = 1;

/**
 * Close codes after which reconnecting is pointless: 1008 (policy), 4400 (bad request),
 * 4401/4403 (not allowed), 4404 (gone), 4410 (ended). pier's server uses 44xx for these.
 */
export function isFinalCloseCode(code: number): boolean {
  return code === 1008 || (code >= 4400 && code < 4500);
}

/** The ws:// or wss:// URL for `path` on the page's own host. */
export function socketUrl(path: string, location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

function byteSize(data: SocketData): number {
  return typeof data === 'string' ? data.length * 3 : data.byteLength; // upper bound for UTF-8
}

/** A reconnecting WebSocket with a bounded send queue. Call close() to end it. */
export class SocketClient {
  readonly #url: string;
  readonly #handlers: SocketHandlers;
  readonly #options: Required<SocketOptions>;
  #socket: WebSocketLike | null = null;
  #status: SocketStatus = 'connecting';
  #queue: SocketData[] = [];
  #queueBytes = 0;
  #timer: unknown = null;
  /** Reconnect attempts since the last open connection (for the backoff). */
  #failures = 0;

  constructor(url: string, handlers: SocketHandlers, options: SocketOptions = {}) {
    this.#url = url;
    this.#handlers = handlers;
    this.#options = {
      reconnectDelayMs: options.reconnectDelayMs ?? RECONNECT_DELAY_MS,
      maxReconnectDelayMs: options.maxReconnectDelayMs ?? options.reconnectDelayMs ?? RECONNECT_DELAY_MS,
      maxQueueMessages: options.maxQueueMessages ?? SEND_QUEUE_MAX_MESSAGES,
      maxQueueBytes: options.maxQueueBytes ?? SEND_QUEUE_MAX_BYTES,
      createSocket: options.createSocket ?? ((u) => new WebSocket(u) as unknown as WebSocketLike),
      setTimer: options.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimer: options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
    };
    this.#connect();
  }

  /** The current status. */
  get status(): SocketStatus {
    return this.#status;
  }

  /** Messages waiting for the socket to come back. */
  get queued(): number {
    return this.#queue.length;
  }

  /**
   * Sends `data` now if the socket is open, else queues it for the next connection.
   * @returns false if the queue is full and `data` was dropped, or the client is closed
   */
  send(data: SocketData): boolean {
    if (this.#status === 'closed') return false;
    if (this.#socket && this.#socket.readyState === OPEN && this.#queue.length === 0) {
      this.#socket.send(data);
      return true;
    }
    const size = byteSize(data);
    if (this.#queue.length >= this.#options.maxQueueMessages || this.#queueBytes + size > this.#options.maxQueueBytes) {
      return false;
    }
    this.#queue.push(data);
    this.#queueBytes += size;
    return true;
  }

  /**
   * Drops the current connection and reconnects after the usual delay: for a socket that
   * looks dead (no answer to a ping), which the browser may take minutes to notice.
   */
  restart(): void {
    const socket = this.#socket;
    if (!socket || this.#status === 'closed') return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    this.#socket = null;
    socket.close(4000, 'no answer');
    this.#scheduleReconnect();
  }

  /** Closes the socket for good; no more callbacks after this. */
  close(): void {
    if (this.#status === 'closed') return;
    if (this.#timer !== null) this.#options.clearTimer(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    this.#socket = null;
    this.#queue = [];
    this.#queueBytes = 0;
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
      socket.close(1000, 'closed by the page');
    }
    this.#setStatus('closed');
  }

  #setStatus(status: SocketStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#handlers.onStatus?.(status);
  }

  #connect(): void {
    this.#timer = null;
    let socket: WebSocketLike;
    try {
      socket = this.#options.createSocket(this.#url);
    } catch (err) {
      console.error('pier: cannot open WebSocket', err);
      this.#scheduleReconnect();
      return;
    }
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.onerror = () => {
      // The close event follows and carries the decision; nothing to do here.
    };
    socket.onopen = () => this.#socketOnOpen(socket);
    socket.onmessage = (ev) => {
      if (this.#socket !== socket) return;
      const data: unknown = ev.data;
      if (typeof data === 'string' || data instanceof ArrayBuffer) this.#handlers.onMessage(data);
    };
    socket.onclose = (ev) => this.#socketOnClose(socket, ev.code, ev.reason);
  }

  #socketOnOpen(socket: WebSocketLike): void {
    if (this.#socket !== socket) return;
    this.#failures = 0;
    this.#setStatus('open');
    this.#handlers.onOpen?.((data) => socket.send(data));
    // onOpen may have closed us, or the socket may have dropped within it.
    if (this.#socket !== socket || socket.readyState !== OPEN) return;
    const queue = this.#queue;
    this.#queue = [];
    this.#queueBytes = 0;
    for (const data of queue) socket.send(data);
  }

  #socketOnClose(socket: WebSocketLike, code: number, reason: string): void {
    if (this.#socket !== socket) return;
    socket.onopen = socket.onmessage = socket.onclose = socket.onerror = null;
    this.#socket = null;
    const again = this.#handlers.shouldReconnect ? this.#handlers.shouldReconnect(code, reason) : !isFinalCloseCode(code);
    if (!again || this.#status === 'closed') {
      this.close();
      return;
    }
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    this.#setStatus('reconnecting');
    const { reconnectDelayMs, maxReconnectDelayMs } = this.#options;
    const delay = Math.min(maxReconnectDelayMs, reconnectDelayMs * 2 ** Math.min(this.#failures, 16));
    this.#failures += 1;
    this.#timer = this.#options.setTimer(() => this.#connect(), Math.max(reconnectDelayMs, delay));
  }
}
