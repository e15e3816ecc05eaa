// Wire format of one terminal's WebSocket, shared by the server and the browser: frame
// layout, control messages (zod), size limits and close codes. No Node APIs.
//
// Every WebSocket message is one binary frame: a 1-byte type, then the payload.
//
//   OUTPUT   0x01  server → client  u64 big-endian offset of the first byte, then the bytes
//   INPUT    0x02  client → server  raw bytes for the pty (keystrokes, paste)
//   CONTROL  0x03  both ways        UTF-8 JSON: ClientControl or ServerControl
//
// Offsets count output bytes since the terminal started, so a client that reconnects with
// `hello { resumeFrom }` gets exactly the bytes it is missing (or a screen when those are
// gone). A `ready` may come again at any time: the client then resets to what it says.
// Clients must `ack` what they have rendered: the server keeps at most a window (256 KiB)
// unacknowledged per viewer, and a writing viewer's lag pauses the pty.
import { z } from 'zod';

/** Frame type bytes. */
export const FrameType = { OUTPUT: 0x01, INPUT: 0x02, CONTROL: 0x03 } as const;

/** Largest INPUT payload (bytes); a paste larger than this is split by the client. */
export const MAX_INPUT_FRAME_BYTES = 64 * 1024;
/** Largest CONTROL payload a client may send (bytes). */
export const MAX_CONTROL_BYTES = 4 * 1024;
/** Largest OUTPUT payload the server sends (bytes); bigger output is split. */
export const MAX_OUTPUT_FRAME_BYTES = 64 * 1024;
/** Largest CONTROL payload the server sends (bytes): a `ready` with a screen. */
export const MAX_SERVER_CONTROL_BYTES = 4 * 1024 * 1024;
/** Largest serialized screen in a `ready` (UTF-16 code units, as zod counts). */
export const MAX_SCREEN_CHARS = 2 * 1024 * 1024;
/** Largest WebSocket message a client may send: the server's `maxPayload`. */
export const MAX_CLIENT_MESSAGE_BYTES = 1 + MAX_INPUT_FRAME_BYTES;
/** Bytes of an OUTPUT frame before the payload (type + offset). */
export const OUTPUT_HEADER_BYTES = 9;

/**
 * WebSocket close codes of a terminal socket. 44xx: do not reconnect (the same request would
 * fail again); others: reconnecting may help. [sshx] 4404/4500.
 */
export const TerminalCloseCode = {
  /** Server shutting down. */
  GOING_AWAY: 1001,
  /** Text frame, empty frame, unknown type byte, or a frame of the other direction. */
  PROTOCOL_ERROR: 4400,
  /** No such terminal, or not the caller's (sent by the upgrade handler). */
  NOT_FOUND: 4404,
  /** No `hello` within the server's hello timeout. */
  HELLO_TIMEOUT: 4408,
  /** INPUT, resize or ack before `hello`, or a second `hello`. */
  OUT_OF_ORDER: 4409,
  /** The terminal was closed by the server (tab closed, node reset, session ended). */
  TERMINAL_CLOSED: 4410,
  /** The terminal's node was reset: the page reopens it, and a new shell starts on the new sandbox. */
  TERMINAL_RESET: 4411,
  /** A frame larger than its type allows. */
  FRAME_TOO_LARGE: 4413,
  /** A bug on the server. */
  INTERNAL: 4500,
} as const;
export type TerminalCloseCode = (typeof TerminalCloseCode)[keyof typeof TerminalCloseCode];

// ── Control messages ────────────────────────────────────────────────────────────────

/** A byte offset in the output stream. */
export const StreamOffset = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** Terminal width in columns. */
export const Cols = z.number().int().min(1).max(1000);
/** Terminal height in rows. */
export const Rows = z.number().int().min(1).max(500);

/** First message of every connection: who I am on the stream, and my size. */
export const Hello = z.object({ type: z.literal('hello'), resumeFrom: StreamOffset.optional(), cols: Cols, rows: Rows });
/** The viewer's window changed size (applied only for a viewer that may write). */
export const Resize = z.object({ type: z.literal('resize'), cols: Cols, rows: Rows });
/** The client has rendered every output byte before `offset`. */
export const Ack = z.object({ type: z.literal('ack'), offset: StreamOffset });
/** Latency probe; answered with `pong` carrying the same `t`. */
export const Ping = z.object({ type: z.literal('ping'), t: z.number().finite() });

/** Control messages from the browser. */
export const ClientControl = z.discriminatedUnion('type', [Hello, Resize, Ack, Ping]);
export type ClientControl = z.infer<typeof ClientControl>;

/**
 * Attached: the next OUTPUT starts at `offset`. With `screen`, the client resets its
 * terminal and writes `screen` first (its own offset was too old to replay).
 */
export const Ready = z.object({
  type: z.literal('ready'),
  offset: StreamOffset,
  screen: z.string().max(MAX_SCREEN_CHARS).optional(),
  readOnly: z.boolean(),
});
/** The pty exited; every output byte was sent before this. */
export const Exit = z.object({ type: z.literal('exit'), code: z.number().int().nullable(), signal: z.number().int().nullable() });
/** A request failed; the connection goes on. `code` is stable (TerminalErrorCode). */
export const ErrorMessage = z.object({ type: z.literal('error'), code: z.string().max(64), message: z.string().max(1024) });
/** Answer to `ping`. */
export const Pong = z.object({ type: z.literal('pong'), t: z.number().finite() });

/** Control messages from the server. */
export const ServerControl = z.discriminatedUnion('type', [Ready, Exit, ErrorMessage, Pong]);
export type ServerControl = z.infer<typeof ServerControl>;

/** Stable codes of `error` messages. */
export type TerminalErrorCode =
  /** CONTROL payload is not UTF-8. */
  | 'BAD_UTF8'
  /** CONTROL payload is not JSON. */
  | 'BAD_JSON'
  /** JSON that is no valid control message (unknown type, out-of-range size…). */
  | 'INVALID_MESSAGE'
  /** Input or resize from a read-only viewer: dropped. */
  | 'READ_ONLY';

// ── Frames ──────────────────────────────────────────────────────────────────────────

/** A well-formed frame (CONTROL still unvalidated JSON). */
export type Frame =
  | { kind: 'output'; offset: number; bytes: Uint8Array }
  | { kind: 'input'; bytes: Uint8Array }
  | { kind: 'control'; json: unknown };

/** Why a frame could not be decoded. */
export type FrameErrorCode =
  | 'NOT_BINARY'
  | 'EMPTY_FRAME'
  | 'UNKNOWN_TYPE'
  | 'WRONG_DIRECTION'
  | 'FRAME_TOO_LARGE'
  | 'TRUNCATED'
  | 'BAD_OFFSET'
  | Exclude<TerminalErrorCode, 'READ_ONLY'>;

/** A decoding failure: a result, never an exception. */
export interface FrameError {
  error: FrameErrorCode;
  message: string;
}

/** Largest payload of each frame type (bytes), by frame type byte. */
export type PayloadLimits = Readonly<Record<number, number>>;

/** Limits of any frame (decodeFrame's default). */
export const ANY_FRAME_LIMITS: PayloadLimits = {
  [FrameType.OUTPUT]: 8 + MAX_OUTPUT_FRAME_BYTES,
  [FrameType.INPUT]: MAX_INPUT_FRAME_BYTES,
  [FrameType.CONTROL]: MAX_SERVER_CONTROL_BYTES,
};

/** Limits of frames a client sends. */
export const CLIENT_FRAME_LIMITS: PayloadLimits = { ...ANY_FRAME_LIMITS, [FrameType.CONTROL]: MAX_CONTROL_BYTES };

const utf8 = new TextEncoder();

/** True when `x` is a FrameError. */
export function isFrameError(x: object): x is FrameError {
  return 'error' in x;
}

/** OUTPUT frame: `bytes` start at stream `offset`. */
export function encodeOutput(offset: number, bytes: Uint8Array): Uint8Array {
  const frame = new Uint8Array(OUTPUT_HEADER_BYTES + bytes.length);
  frame[0] = FrameType.OUTPUT;
  new DataView(frame.buffer).setBigUint64(1, BigInt(offset), false);
  frame.set(bytes, OUTPUT_HEADER_BYTES);
  return frame;
}

/** INPUT frame; strings are sent as UTF-8. */
export function encodeInput(data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? utf8.encode(data) : data;
  const frame = new Uint8Array(1 + bytes.length);
  frame[0] = FrameType.INPUT;
  frame.set(bytes, 1);
  return frame;
}

/** CONTROL frame carrying `message` as JSON. */
export function encodeControl(message: ClientControl | ServerControl): Uint8Array {
  const json = utf8.encode(JSON.stringify(message));
  const frame = new Uint8Array(1 + json.length);
  frame[0] = FrameType.CONTROL;
  frame.set(json, 1);
  return frame;
}

/**
 * Splits a binary WebSocket message into its type and payload. Never throws: anything
 * malformed comes back as a FrameError. Payload bytes are views into `data`.
 */
export function decodeFrame(data: unknown, limits: PayloadLimits = ANY_FRAME_LIMITS): Frame | FrameError {
  let buf: Uint8Array;
  if (data instanceof Uint8Array) buf = data;
  else if (data instanceof ArrayBuffer) buf = new Uint8Array(data);
  else return { error: 'NOT_BINARY', message: 'frames are binary' };
  const type = buf[0];
  if (type === undefined) return { error: 'EMPTY_FRAME', message: 'empty frame' };
  const max = limits[type];
  if (max === undefined) return { error: 'UNKNOWN_TYPE', message: `unknown frame type 0x${type.toString(16).padStart(2, '0')}` };
  const payload = buf.subarray(1);
  if (payload.length > max) return { error: 'FRAME_TOO_LARGE', message: `frame of ${payload.length} bytes, at most ${max} allowed` };
  if (type === FrameType.INPUT) return { kind: 'input', bytes: payload };
  if (type === FrameType.OUTPUT) {
    if (payload.length < 8) return { error: 'TRUNCATED', message: 'OUTPUT frame without its 8-byte offset' };
    const offset = new DataView(payload.buffer, payload.byteOffset, 8).getBigUint64(0, false);
    if (offset > BigInt(Number.MAX_SAFE_INTEGER)) return { error: 'BAD_OFFSET', message: 'offset beyond 2^53' };
    return { kind: 'output', offset: Number(offset), bytes: payload.subarray(8) };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
  } catch {
    return { error: 'BAD_UTF8', message: 'control message is not UTF-8' };
  }
  try {
    return { kind: 'control', json: JSON.parse(text) as unknown };
  } catch {
    return { error: 'BAD_JSON', message: 'control message is not JSON' };
  }
}

/** Validated control JSON, or INVALID_MESSAGE naming the first problem. */
function parseControl<T>(schema: z.ZodType<T>, json: unknown): { kind: 'control'; message: T } | FrameError {
  const r = schema.safeParse(json);
  if (r.success) return { kind: 'control', message: r.data };
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return { error: 'INVALID_MESSAGE', message: `${where}${issue?.message ?? 'invalid control message'}`.slice(0, 1024) };
}

/** Decodes a frame the server received: INPUT, or a valid ClientControl. Never throws. */
export function decodeClientFrame(data: unknown): { kind: 'input'; bytes: Uint8Array } | { kind: 'control'; message: ClientControl } | FrameError {
  const frame = decodeFrame(data, CLIENT_FRAME_LIMITS);
  if (isFrameError(frame) || frame.kind === 'input') return frame;
  if (frame.kind === 'output') return { error: 'WRONG_DIRECTION', message: 'OUTPUT frames go from server to client' };
  return parseControl(ClientControl, frame.json);
}

/** Decodes a frame the browser received: OUTPUT, or a valid ServerControl. Never throws. */
export function decodeServerFrame(data: unknown): { kind: 'output'; offset: number; bytes: Uint8Array } | { kind: 'control'; message: ServerControl } | FrameError {
  const frame = decodeFrame(data);
  if (isFrameError(frame) || frame.kind === 'output') return frame;
  if (frame.kind === 'input') return { error: 'WRONG_DIRECTION', message: 'INPUT frames go from client to server' };
  return parseControl(ServerControl, frame.json);
}
