// The last N bytes of one terminal's output, addressed by absolute stream offset, so a
// reconnecting viewer can be sent exactly the bytes it missed. Pure: no I/O, no timers.
//
//   offset 0 ……… dropped ……… start ═════════ kept (≤ capacity) ═════════ end
//
// Memory grows with use, in BLOCK_BYTES blocks, up to capacity + one block: an idle
// terminal that printed one prompt holds one block, not a whole megabyte.

/** Default capacity of a terminal's log (bytes). */
export const OUTPUT_LOG_BYTES = 1024 * 1024;
/** Allocation unit of the log (bytes). */
const BLOCK_BYTES = 16 * 1024;

/** What readFrom() answers. */
export type LogRead =
  | { offset: number; bytes: Uint8Array }
  /** The offset was dropped from the log already. */
  | 'too-old'
  /** The offset lies past the end: it was never part of this stream. */
  | 'beyond-end';

/** A bounded, append-only byte log with absolute offsets. */
export class OutputLog {
  readonly #capacity: number;
  /** Blocks; blocks[i] holds stream bytes [#base + i·BLOCK, #base + (i+1)·BLOCK). */
  #blocks: Uint8Array[] = [];
  /** Stream offset of blocks[0][0]. */
  #base = 0;
  #end = 0;

  /** @param capacity bytes kept at most (the last `capacity` bytes of the stream) */
  constructor(capacity: number = OUTPUT_LOG_BYTES) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`bad log capacity ${capacity}`);
    this.#capacity = capacity;
  }

  /** Offset just past the last byte ever appended (total bytes of the stream). */
  get end(): number {
    return this.#end;
  }

  /** Offset of the oldest byte still kept. */
  get start(): number {
    return Math.max(0, this.#end - this.#capacity);
  }

  /** Bytes currently kept. */
  get size(): number {
    return this.#end - this.start;
  }

  /** Bytes of memory the log holds (whole blocks). */
  get retainedBytes(): number {
    return this.#blocks.length * BLOCK_BYTES;
  }

  /**
   * Appends `bytes` (copied) to the stream.
   * @returns the stream offset of the first appended byte
   */
  append(bytes: Uint8Array): number {
    const offset = this.#end;
    let src = bytes;
    if (src.length >= this.#capacity) {
      // Everything kept so far falls out: start over at the first byte that stays.
      this.#blocks = [];
      this.#base = offset + src.length - this.#capacity;
      this.#end = this.#base;
      src = src.subarray(src.length - this.#capacity);
    }
    while (src.length > 0) {
      const rel = this.#end - this.#base;
      const index = Math.floor(rel / BLOCK_BYTES);
      const at = rel % BLOCK_BYTES;
      let block = this.#blocks[index];
      if (block === undefined) {
        block = new Uint8Array(BLOCK_BYTES);
        this.#blocks.push(block);
      }
      const n = Math.min(src.length, BLOCK_BYTES - at);
      block.set(src.subarray(0, n), at);
      src = src.subarray(n);
      this.#end += n;
    }
    this.#dropBefore(this.start);
    return offset;
  }

  /**
   * The kept bytes from `offset` to the end (at most `maxBytes` of them), copied.
   * `offset === end` answers an empty read.
   */
  readFrom(offset: number, maxBytes: number = Infinity): LogRead {
    if (offset > this.#end) return 'beyond-end';
    if (offset < this.start) return 'too-old';
    const n = Math.min(this.#end - offset, Math.max(0, maxBytes));
    const out = new Uint8Array(n);
    let copied = 0;
    while (copied < n) {
      const rel = offset + copied - this.#base;
      const block = this.#blocks[Math.floor(rel / BLOCK_BYTES)];
      if (block === undefined) throw new Error(`output log: missing block at ${offset + copied}`);
      const at = rel % BLOCK_BYTES;
      const take = Math.min(n - copied, BLOCK_BYTES - at);
      out.set(block.subarray(at, at + take), copied);
      copied += take;
    }
    return { offset, bytes: out };
  }

  /** Frees whole blocks that lie entirely before `offset`. */
  #dropBefore(offset: number): void {
    let drop = 0;
    while (this.#base + (drop + 1) * BLOCK_BYTES <= offset) drop++;
    if (drop === 0) return;
    this.#blocks.splice(0, drop);
    this.#base += drop * BLOCK_BYTES;
  }
}
