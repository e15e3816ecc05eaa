// The thin loop between one terminal WebSocket and a Terminal: decode a frame, call one
// Terminal method, encode the reply; plus heartbeats and send back-pressure. [sshx] socket.rs
import type { WebSocket, RawData } from 'ws';
import {
  MAX_OUTPUT_FRAME_BYTES,
  TerminalCloseCode,
  decodeClientFrame,
  encodeControl,
  encodeOutput,
  isFrameError,
  type ClientControl,
  type FrameErrorCode,
  type ServerControl,
  type TerminalErrorCode,
} from '../../protocol/terminal.js';
import type { Terminal } from './terminal.js';
import type { Disposable, Viewer } from './types.js';

/** A server ping goes out this often; a socket that has not answered the last one is dropped (ms). */
export const HEARTBEAT_MS = 25_000;
/** A socket that sends no `hello` within this long is closed (ms). */
export const HELLO_TIMEOUT_MS = 10_000;
/** Output to a viewer waits while its socket holds more than this, unsent, in memory (bytes). */
export const MAX_BUFFERED_BYTES = 128 * 1024;

/** Minimal logger (pino's `(fields, message)` shape). */
export interface SocketLog {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/** Who the viewer is and how the socket is run. */
export interface TerminalSocketOptions {
  /** The viewer may only watch (an instructor's default): input and resizes are dropped. */
  readOnly: boolean;
  heartbeatMs?: number;
  helloTimeoutMs?: number;
  maxBufferedBytes?: number;
  log?: SocketLog;
}

/**
 * What each undecodable frame does: close with a code (a protocol violation) or answer an
 * `error` and go on (a malformed request). One table, [ws] style.
 */
const ON_FRAME_ERROR: Record<FrameErrorCode, TerminalCloseCode | TerminalErrorCode> = {
  NOT_BINARY: TerminalCloseCode.PROTOCOL_ERROR,
  EMPTY_FRAME: TerminalCloseCode.PROTOCOL_ERROR,
  UNKNOWN_TYPE: TerminalCloseCode.PROTOCOL_ERROR,
  WRONG_DIRECTION: TerminalCloseCode.PROTOCOL_ERROR,
  TRUNCATED: TerminalCloseCode.PROTOCOL_ERROR,
  BAD_OFFSET: TerminalCloseCode.PROTOCOL_ERROR,
  FRAME_TOO_LARGE: TerminalCloseCode.FRAME_TOO_LARGE,
  BAD_UTF8: 'BAD_UTF8',
  BAD_JSON: 'BAD_JSON',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
};

/**
 * The close code for why the server closed a terminal: a reset node's terminals are
 * reopened by the page (a new shell on the new sandbox); others are over.
 */
function closeCodeOf(reason: string): TerminalCloseCode {
  if (reason === 'shutdown') return TerminalCloseCode.GOING_AWAY;
  if (reason === 'reset') return TerminalCloseCode.TERMINAL_RESET;
  return TerminalCloseCode.TERMINAL_CLOSED;
}

const silent: SocketLog = { warn: () => {}, debug: () => {} };

/**
 * Serves `terminal` to one accepted WebSocket until either ends. The socket must have been
 * authenticated (and its Origin checked) by the upgrade handler; `options.readOnly` carries
 * its rights. Closing the socket detaches the viewer; the terminal lives on.
 *
 *   awaiting-hello ──hello──► attached ──close / error / missed pong──► closed
 *         └──────── timeout (4408), protocol violation (44xx) ──────────────┘
 *
 * @returns a handle whose dispose() closes the socket (1001) and detaches
 */
export function serveTerminalSocket(ws: WebSocket, terminal: Terminal, options: TerminalSocketOptions): Disposable {
  const log = options.log ?? silent;
  const maxBuffered = options.maxBufferedBytes ?? MAX_BUFFERED_BYTES;
  let state: 'awaiting-hello' | 'attached' | 'closed' = 'awaiting-hello';
  let alive = true;
  let congested = false;
  let toldReadOnly = false;

  ws.on('error', socketOnError);

  /** Sends one frame; once a congested socket has drained, output resumes. */
  const send = (frame: Uint8Array): void => {
    if (state === 'closed') return;
    ws.send(frame, { binary: true }, sendOnDone);
  };
  function sendOnDone(): void {
    if (congested && state === 'attached' && ws.bufferedAmount < maxBuffered / 2) {
      congested = false;
      terminal.drained(viewer);
    }
  }
  const control = (message: ServerControl): void => send(encodeControl(message));
  const error = (code: TerminalErrorCode, message: string): void => control({ type: 'error', code, message });

  const viewer: Viewer = {
    output: (offset, bytes) => send(encodeOutput(offset, bytes)),
    resync: (offset, screen) => control({ type: 'ready', offset, screen, readOnly: options.readOnly }),
    exit: (status) => control({ type: 'exit', ...status }),
    closed: (reason) => close(closeCodeOf(reason), `terminal ${reason}`),
    writable: () => {
      congested = ws.bufferedAmount >= maxBuffered;
      return !congested;
    },
  };

  const heartbeat = setInterval(() => {
    if (!alive) {
      log.debug({}, 'terminal socket missed a pong: dropped');
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, options.heartbeatMs ?? HEARTBEAT_MS);
  const helloTimer = setTimeout(() => close(TerminalCloseCode.HELLO_TIMEOUT, 'no hello'), options.helloTimeoutMs ?? HELLO_TIMEOUT_MS);

  ws.on('pong', () => (alive = true));
  ws.on('message', socketOnMessage);
  ws.on('close', socketOnClose);

  function socketOnMessage(data: RawData, isBinary: boolean): void {
    if (state === 'closed') return;
    alive = true;
    try {
      if (!isBinary) return close(TerminalCloseCode.PROTOCOL_ERROR, 'text frames are not part of the protocol');
      const frame = decodeClientFrame(data);
      if (isFrameError(frame)) {
        const action = ON_FRAME_ERROR[frame.error];
        return typeof action === 'number' ? close(action, frame.message) : error(action, frame.message);
      }
      if (frame.kind === 'control' && frame.message.type === 'ping') return control({ type: 'pong', t: frame.message.t });
      if (frame.kind === 'control' && frame.message.type === 'hello') return onHello(frame.message);
      if (state !== 'attached') return close(TerminalCloseCode.OUT_OF_ORDER, `${frame.kind === 'input' ? 'input' : frame.message.type} before hello`);
      if (frame.kind === 'input') return dropped(terminal.input(viewer, frame.bytes));
      const m = frame.message;
      if (m.type === 'resize') return dropped(terminal.resize(viewer, m.cols, m.rows));
      if (m.type === 'ack') terminal.ack(viewer, m.offset);
    } catch (err) {
      log.warn({ err }, 'terminal socket failed');
      close(TerminalCloseCode.INTERNAL, 'internal error');
    }
  }

  function onHello(hello: Extract<ClientControl, { type: 'hello' }>): void {
    if (state === 'attached') return close(TerminalCloseCode.OUT_OF_ORDER, 'second hello');
    if (terminal.disposed) return close(TerminalCloseCode.TERMINAL_CLOSED, 'terminal closed');
    const result = terminal.attach(viewer, { ...hello, readOnly: options.readOnly });
    state = 'attached';
    clearTimeout(helloTimer);
    // A screen being serialized: its `ready` comes through viewer.resync().
    if ('pending' in result) return;
    const { offset, screen, replay } = result;
    control({ type: 'ready', offset, ...(screen !== undefined ? { screen } : {}), readOnly: options.readOnly });
    for (let at = 0; at < replay.length; at += MAX_OUTPUT_FRAME_BYTES) {
      send(encodeOutput(offset + at, replay.subarray(at, at + MAX_OUTPUT_FRAME_BYTES)));
    }
  }

  /** Tells a read-only viewer, once, that its input goes nowhere. */
  function dropped(accepted: boolean): void {
    if (accepted || toldReadOnly || !options.readOnly) return;
    toldReadOnly = true;
    error('READ_ONLY', 'this terminal is read-only for you: input and resizes are dropped');
  }

  function close(code: number, reason: string): void {
    if (state === 'closed') return;
    cleanup();
    // A close reason is at most 123 bytes (RFC 6455 §5.5); ours are ASCII.
    ws.close(code, reason.slice(0, 120));
  }

  function cleanup(): void {
    state = 'closed';
    clearInterval(heartbeat);
    clearTimeout(helloTimer);
    terminal.detach(viewer);
  }

  function socketOnClose(code: number): void {
    log.debug({ code }, 'terminal socket closed');
    if (state !== 'closed') cleanup();
  }

  function socketOnError(err: Error): void {
    // A 'close' follows every 'error'; detaching happens there.
    log.debug({ err }, 'terminal socket error');
  }

  return { dispose: () => close(TerminalCloseCode.GOING_AWAY, 'server closing') };
}
