// The byte bookkeeping of one terminal's output stream, apart from sockets and xterm: which
// part of each OUTPUT frame is new (so a reconnect never draws anything twice), where to
// resume from, and when to acknowledge rendered bytes. Pure; unit-tested.
//
// Offsets count output bytes since the terminal started (the server's numbering):
//
//   0 ─────────── rendered ───── received ──────▶
//   │ drawn by xterm │ handed to xterm, │ not yet
//   │ (acked up to   │ still drawing    │ seen
//   │  lastAcked)    │                  │

/** Acknowledge once this many rendered bytes are unacknowledged. */
export const ACK_EVERY_BYTES = 32 * 1024;
/** …or this long after the first unacknowledged byte was rendered (ms). */
export const ACK_INTERVAL_MS = 50;

/** What to do with an OUTPUT frame. */
export type AcceptResult = {
  /** The new bytes to hand to xterm (empty when everything was seen already). */
  data: Uint8Array;
  /** The stream offset just after `data`: pass to markRendered() once xterm has drawn it. */
  end: number;
  /** Bytes the server skipped (a gap before this frame): output that will never be seen. */
  gap: number;
};

/** Offset bookkeeping for one terminal; survives reconnects, lives as long as its xterm. */
export class TerminalStream {
  #received: number;
  #rendered: number;
  #lastAcked: number;

  /**
   * @param startOffset bytes already on the screen before the first connection (a restored
   *   snapshot after a page reload); 0 for an empty terminal
   */
  constructor(startOffset = 0) {
    this.#received = startOffset;
    this.#rendered = startOffset;
    this.#lastAcked = startOffset;
  }

  /** Bytes handed to xterm so far (the next expected offset). */
  get received(): number {
    return this.#received;
  }

  /** Bytes xterm has finished drawing. */
  get rendered(): number {
    return this.#rendered;
  }

  /** The last offset acknowledged to the server. */
  get lastAcked(): number {
    return this.#lastAcked;
  }

  /**
   * The `resumeFrom` of the next hello: everything handed to xterm, which will be drawn
   * whether or not the socket survives; undefined for a terminal that has nothing yet,
   * which asks the server for its current screen instead.
   */
  resumeFrom(): number | undefined {
    return this.#received > 0 ? this.#received : undefined;
  }

  /**
   * The server's `ready`. With a `screen`, the terminal must be reset and the screen
   * drawn; the stream restarts at `offset`. Without one, the server resumes at `offset`
   * and accept() drops whatever part of the coming frames was already seen.
   * @returns whether the caller must reset the terminal and write `screen`
   */
  ready(offset: number, hasScreen: boolean): { reset: boolean } {
    if (hasScreen) {
      this.#received = offset;
      this.#rendered = offset;
      this.#lastAcked = offset;
      return { reset: true };
    }
    // Acks restart on a new connection: let the next render acknowledge promptly.
    this.#lastAcked = Math.min(this.#lastAcked, this.#rendered);
    return { reset: false };
  }

  /**
   * An OUTPUT frame carrying `payload` at stream `offset`: returns the part not seen yet.
   * Frames wholly before `received` yield nothing; a frame overlapping it yields its tail;
   * a frame after it (a gap) is taken whole and the gap reported.
   */
  accept(offset: number, payload: Uint8Array): AcceptResult {
    const end = offset + payload.byteLength;
    if (end <= this.#received) return { data: payload.subarray(0, 0), end: this.#received, gap: 0 };
    const gap = Math.max(0, offset - this.#received);
    const skip = Math.max(0, this.#received - offset);
    this.#received = end;
    return { data: skip > 0 ? payload.subarray(skip) : payload, end, gap };
  }

  /** xterm has drawn everything up to `end` (called from its write callback). */
  markRendered(end: number): void {
    if (end > this.#rendered) this.#rendered = end;
  }

  /** Whether enough rendered bytes await acknowledgement to ack right away. */
  ackDueNow(): boolean {
    return this.#rendered - this.#lastAcked >= ACK_EVERY_BYTES;
  }

  /** Whether any rendered bytes await acknowledgement (ack within ACK_INTERVAL_MS). */
  ackPending(): boolean {
    return this.#rendered > this.#lastAcked;
  }

  /** Marks everything rendered as acknowledged and returns the offset to send in `ack`. */
  takeAck(): number {
    this.#lastAcked = this.#rendered;
    return this.#rendered;
  }
}
