// Writes one terminal's output as an asciicast v2 file: a header line, then one
// `[seconds, "o", text]` line per output chunk (and `"r"` lines for resizes), buffered and
// flushed a few times a second, stopped at a byte cap. Output only: keystrokes never pass here.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Buffered events are written at least this often (ms). */
export const RECORDING_FLUSH_MS = 250;
/** …or as soon as this many bytes wait. */
export const RECORDING_FLUSH_BYTES = 64 * 1024;
/** The line that ends a recording stopped by its cap (shown at the end of a replay). */
export const TRUNCATED_NOTICE = '\r\n[pier: recording stopped at its size limit]\r\n';

/** What a recording knows when it starts. */
export interface AsciicastHeader {
  width: number;
  height: number;
  /** Start time (ms since the epoch); the header holds it in seconds. */
  startedAt: number;
  title?: string;
}

/** How much a recording wrote, and whether the cap stopped it. */
export interface RecordingTotals {
  bytes: number;
  truncated: boolean;
}

/** Options of a writer. */
export interface AsciicastWriterOptions {
  /** File size cap (bytes), header included; the writer stops before crossing it. */
  maxBytes: number;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
  flushMs?: number;
  /** Called once when the cap stops the recording. */
  onTruncated?: (totals: RecordingTotals) => void;
}

/**
 * One asciicast v2 file being written. The file is created exclusively (mode 0600) and
 * written synchronously in batches: at most RECORDING_FLUSH_MS of output is lost if the
 * process dies. Each pty chunk becomes one event; a chunk's partial UTF-8 sequence waits
 * for the next one, so multi-byte characters are never split.
 */
export class AsciicastWriter {
  readonly #fd: number;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #flushMs: number;
  readonly #onTruncated: ((totals: RecordingTotals) => void) | undefined;
  readonly #decoder = new TextDecoder('utf-8');
  #pending: string[] = [];
  #pendingBytes = 0;
  #written = 0;
  #truncated = false;
  #ended = false;
  #timer: NodeJS.Timeout | undefined;

  /** Creates `file` (it must not exist) and writes the header. @throws on I/O errors */
  constructor(file: string, header: AsciicastHeader, options: AsciicastWriterOptions) {
    this.#maxBytes = options.maxBytes;
    this.#now = options.now ?? Date.now;
    this.#startedAt = header.startedAt;
    this.#flushMs = options.flushMs ?? RECORDING_FLUSH_MS;
    this.#onTruncated = options.onTruncated;
    this.#fd = openSync(file, 'wx', 0o600);
    const head: Record<string, unknown> = {
      version: 2,
      width: header.width,
      height: header.height,
      timestamp: Math.floor(header.startedAt / 1000),
      env: { TERM: 'xterm-256color', SHELL: '/bin/bash' },
    };
    if (header.title !== undefined) head.title = header.title;
    this.#writeNow(`${JSON.stringify(head)}\n`);
  }

  /** Bytes in the file so far (written, not waiting). */
  get bytes(): number {
    return this.#written;
  }
  /** Whether the cap stopped the recording. */
  get truncated(): boolean {
    return this.#truncated;
  }
  /** Whether end() was called or the cap was hit (nothing more is recorded). */
  get stopped(): boolean {
    return this.#ended || this.#truncated;
  }

  /** Records a chunk of terminal output. */
  output(bytes: Uint8Array): void {
    if (this.stopped || bytes.length === 0) return;
    const text = this.#decoder.decode(bytes, { stream: true });
    if (text !== '') this.#push('o', text);
  }

  /** Records a resize of the terminal (`"r"` event, `COLSxROWS`). */
  resize(cols: number, rows: number): void {
    if (!this.stopped) this.#push('r', `${cols}x${rows}`);
  }

  /** Writes what waits and closes the file. Idempotent. */
  end(): RecordingTotals {
    if (!this.#ended) {
      const rest = this.#truncated ? '' : this.#decoder.decode();
      if (rest !== '') this.#push('o', rest);
      this.#flush();
      this.#ended = true;
      clearTimeout(this.#timer);
      closeSync(this.#fd);
    }
    return { bytes: this.#written, truncated: this.#truncated };
  }

  #push(code: 'o' | 'r', data: string): void {
    const seconds = Math.max(0, (this.#now() - this.#startedAt) / 1000);
    const line = `${JSON.stringify([Number(seconds.toFixed(6)), code, data])}\n`;
    this.#pending.push(line);
    this.#pendingBytes += Buffer.byteLength(line);
    if (this.#pendingBytes >= RECORDING_FLUSH_BYTES) this.#flush();
    else this.#timer ??= setTimeout(() => this.#flush(), this.#flushMs);
  }

  /** Writes the waiting events that fit under the cap; the first that does not ends it. */
  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.length === 0 || this.#ended) return;
    const lines = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    const seconds = Math.max(0, (this.#now() - this.#startedAt) / 1000);
    const notice = `${JSON.stringify([Number(seconds.toFixed(6)), 'o', TRUNCATED_NOTICE])}\n`;
    const room = this.#maxBytes - this.#written - Buffer.byteLength(notice);
    let out = '';
    let size = 0;
    for (const line of lines) {
      const n = Buffer.byteLength(line);
      if (size + n > room) {
        this.#truncated = true;
        break;
      }
      out += line;
      size += n;
    }
    if (this.#truncated) out += notice;
    if (out !== '') this.#writeNow(out);
    if (this.#truncated) this.#onTruncated?.({ bytes: this.#written, truncated: true });
  }

  #writeNow(text: string): void {
    const buf = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < buf.length) at += writeSync(this.#fd, buf, at, buf.length - at);
    this.#written += buf.length;
  }
}
