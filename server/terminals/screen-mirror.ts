// A server-side copy of one terminal's screen: a headless xterm fed the same output bytes,
// so a reloaded page or a late viewer (the instructor) can be painted the current screen at
// once instead of replaying megabytes. [xterm] @xterm/headless; screens are serialized
// row by row (screen-serializer.ts) in slices that never hold the event loop long, string
// sequences are capped before the parser (string-cap.ts), and a screen over
// MIRROR_MAX_CELLS is not mirrored (issue 11 point 3).
//
// A flood of plain text (a `cat` of a log) would cost the parser as much CPU as the rest
// of the server's output path. So plain text is held back (up to `holdBytes`, or
// HOLD_MS), and when it goes to the parser, only its last MIRROR_SCROLLBACK_LINES +
// 2 × rows lines are parsed if the screen is in a state where that gives the same result:
// plain text (printable ASCII, CR, LF) changes no mode, colour or charset, and each LF
// moves down a row, so everything before those lines would have scrolled out of the
// mirror's scrollback anyway — the rows it wrote, and the rows of the old screen the
// shortened text writes over, both lie further back than the mirror keeps. The state
// must be: the normal buffer, no scroll region, no insert or origin mode, no string
// sequence open, no snapshot being read, and the parser caught up (so that state is the
// one the text meets).
import xtermHeadless, { type ITerminalAddon } from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import { MAX_SCREEN_CHARS } from '../../protocol/terminal.js';
import { cutBeforeLastLines, isPlainText } from './plain-text.js';
import { StringSequenceCap } from './string-cap.js';
import { serializeLine, serializeScreen } from './screen-serializer.js';

// Both packages are CommonJS bundles whose named exports Node cannot detect: take the default.
const { Terminal: HeadlessTerminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/** Scrollback lines the mirror keeps (memory: roughly cols × lines × 12 bytes at worst). */
export const MIRROR_SCROLLBACK_LINES = 500;
/** Scrollback lines included in a snapshot, above the visible screen, at most. */
export const SNAPSHOT_SCROLLBACK_LINES = 200;
/**
 * Cells (visible screen plus scrollback) one snapshot serializes at most. Serializing costs
 * ~1 µs per cell (more when every cell has its own true colours), so a snapshot is cut
 * into slices of SNAPSHOT_SLICE_MS (issue 11 point 3).
 */
export const SNAPSHOT_CELL_BUDGET = 60_000;
/**
 * A screen larger than this (columns × rows) is not mirrored: its snapshots are a cleared
 * screen (the output that follows is sent as usual). 300×200 fits; a 1000×500 window would
 * cost 18 MB of buffer and seconds of serializing.
 */
export const MIRROR_MAX_CELLS = SNAPSHOT_CELL_BUDGET;
/** A sliced snapshot yields to the event loop after this much work (ms). */
export const SNAPSHOT_SLICE_MS = 2;
/** Scrollback lines a snapshot of a `cols` × `rows` screen includes (SNAPSHOT_CELL_BUDGET). */
export function snapshotScrollback(cols: number, rows: number): number {
  return Math.max(0, Math.min(SNAPSHOT_SCROLLBACK_LINES, Math.floor(SNAPSHOT_CELL_BUDGET / cols) - rows));
}

/**
 * Rows [from, to) through `row`, joined by CR LF, yielding to the event loop every
 * SNAPSHOT_SLICE_MS; null when `stop()` turns true or the text outgrows MAX_SCREEN_CHARS.
 */
async function sliced<C>(from: number, to: number, row: (y: number, cells: [C, C]) => string, a: C, b: C, stop: () => boolean): Promise<string | null> {
  const rows: string[] = [];
  let chars = 0;
  let sliceStart = performance.now();
  for (let y = from; y < to; y++) {
    const text = row(y, [a, b]);
    rows.push(text);
    chars += text.length + 2;
    if (chars > MAX_SCREEN_CHARS) return null;
    if (performance.now() - sliceStart >= SNAPSHOT_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      if (stop()) return null;
      sliceStart = performance.now();
    }
  }
  return rows.join('\r\n');
}

/** What a snapshot of an unmirrored (too large) screen paints. */
const CLEARED_SCREEN = '\x1b[H\x1b[2J';

/** Most plain text held back from the parser unless the caller says less (bytes). */
export const HOLD_BYTES = 256 * 1024;
/** Plain text is held at most this long before it goes to the parser (ms). */
export const HOLD_MS = 10;
/** A chunk of plain text this small arriving while nothing is held goes straight on (an echo). */
const HOLD_MIN_CHUNK_BYTES = 4096;

/** A screen as of a stream offset. */
export interface Snapshot {
  /** Every output byte before `offset` is in `screen`, none after. */
  offset: number;
  /** Escape sequences that repaint the screen (and some scrollback) on a reset terminal. */
  screen: string;
}

/** The headless screen of one terminal. */
export class ScreenMirror {
  readonly #term: InstanceType<typeof HeadlessTerminal>;
  readonly #serializer: InstanceType<typeof SerializeAddon>;
  /** Stream offsets: bytes written to the mirror, handed to the parser (or skipped), parsed. */
  #written = 0;
  #fed = 0;
  #parsed = 0;
  /** Plain text held back, [#fed, #written). */
  #held: Uint8Array[] = [];
  #heldBytes = 0;
  #holdTimer: NodeJS.Timeout | undefined;
  readonly #holdBytes: number;
  /** Bytes never parsed because they would have scrolled out (for tests and benchmarks). */
  #skipped = 0;
  /** Whether a scroll region may be set (DECSTBM seen, no reset since): never skip then. */
  #scrollRegion = false;
  #disposed = false;
  readonly #onParsed: () => void;
  /** Caps OSC/DCS/APC/PM/SOS payloads before the parser (a 10 MB title costs 4 KB). */
  readonly #cap = new StringSequenceCap();
  /** The screen is larger than MIRROR_MAX_CELLS: output is counted, not parsed. */
  #unmirrored = false;
  /** While a sliced snapshot reads the screen, writes and resizes wait here, in order. */
  #frozen: (() => void)[] | null = null;
  /** Bytes waiting in #frozen (they count as parser backlog, for flow control). */
  #frozenBytes = 0;

  /**
   * @param size initial size (columns, rows)
   * @param onParsed called each time the mirror has parsed another chunk (flow control)
   * @param options.holdBytes most plain text held back (default HOLD_BYTES)
   */
  constructor(size: { cols: number; rows: number }, onParsed: () => void = () => {}, options: { holdBytes?: number } = {}) {
    this.#unmirrored = size.cols * size.rows > MIRROR_MAX_CELLS;
    const start = this.#unmirrored ? { cols: 80, rows: 24 } : size;
    this.#term = new HeadlessTerminal({ cols: start.cols, rows: start.rows, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
    this.#serializer = new SerializeAddon();
    // HACK: the addon's typings name @xterm/xterm's Terminal; headless is the same API
    // (the addon documents headless support), only the declared type differs.
    this.#term.loadAddon(this.#serializer as unknown as ITerminalAddon);
    this.#onParsed = onParsed;
    this.#holdBytes = options.holdBytes ?? HOLD_BYTES;
    // Watch the scroll region (returning false lets xterm handle each sequence as usual).
    // Only a DECSTBM with no parameters, RIS and DECSTR count as resets: anything else
    // leaves #scrollRegion set, which only ever costs the shortcut, never correctness.
    const parser = this.#term.parser;
    parser.registerCsiHandler({ final: 'r' }, (params) => ((this.#scrollRegion = params.length > 1 || (params.length === 1 && params[0] !== 0)), false));
    parser.registerEscHandler({ final: 'c' }, () => ((this.#scrollRegion = false), false));
    parser.registerCsiHandler({ intermediates: '!', final: 'p' }, () => ((this.#scrollRegion = false), false));
  }

  /** Stream offset up to which the screen is current. */
  get parsed(): number {
    return this.#parsed;
  }

  /** Bytes handed to the parser that it has not reached yet (held text does not count). */
  get backlog(): number {
    return this.#fed - this.#parsed + this.#frozenBytes;
  }

  /** Bytes skipped by the flood shortcut so far. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Feeds the next output bytes (parsed asynchronously, in order). */
  write(bytes: Uint8Array): void {
    if (this.#disposed || bytes.length === 0) return;
    this.#written += bytes.length;
    const holding = this.#heldBytes > 0;
    if ((holding || bytes.length >= HOLD_MIN_CHUNK_BYTES) && isPlainText(bytes)) {
      this.#held.push(bytes);
      this.#heldBytes += bytes.length;
      if (this.#heldBytes >= this.#holdBytes) this.#release();
      else if (!holding) this.#holdTimer = setTimeout(() => this.#release(), HOLD_MS);
      return;
    }
    this.#release();
    this.#feed(bytes, this.#written);
  }

  /** Resizes the screen once everything written so far is parsed (at the same byte). */
  resize(cols: number, rows: number): void {
    if (this.#disposed) return;
    this.#release();
    if (this.#frozen) {
      this.#frozen.push(() => this.#resizeNow(cols, rows));
      return;
    }
    this.#resizeNow(cols, rows);
  }

  #resizeNow(cols: number, rows: number): void {
    // Decided now, in stream order: #feed reads it for the bytes written after this call.
    const unmirrored = cols * rows > MIRROR_MAX_CELLS;
    const changed = unmirrored !== this.#unmirrored;
    this.#unmirrored = unmirrored;
    this.#term.write(new Uint8Array(0), () => {
      if (this.#disposed) return;
      if (changed) this.#term.reset(); // what the screen shows is unknown from here on
      if (unmirrored) this.#term.resize(80, 24); // frees the big buffer
      else this.#term.resize(cols, rows);
    });
  }

  /** Sends held text to the parser, shortened when that cannot change the screen. */
  #release(): void {
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    if (this.#heldBytes === 0) return;
    const text = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held);
    this.#held = [];
    this.#heldBytes = 0;
    const from = this.#mayShorten() ? cutBeforeLastLines(text, MIRROR_SCROLLBACK_LINES + 2 * this.#term.rows + 2) : 0;
    this.#skipped += from;
    this.#feed(from === 0 ? text : text.subarray(from), this.#written);
  }

  /** Whether the state the held text meets lets it be shortened (see the top of this file). */
  #mayShorten(): boolean {
    const modes = this.#term.modes;
    return this.#frozen === null && this.#parsed === this.#fed && !this.#scrollRegion && !this.#cap.inSequence && this.#term.buffer.active.type === 'normal' && !modes.insertMode && !modes.originMode;
  }

  /** Hands `bytes` to the parser; `end` is the stream offset after them. */
  #feed(bytes: Uint8Array, end: number): void {
    if (this.#frozen) {
      this.#frozenBytes += bytes.length;
      this.#frozen.push(() => ((this.#frozenBytes -= bytes.length), this.#feed(bytes, end)));
      return;
    }
    this.#fed = end;
    const capped = this.#cap.filter(bytes);
    this.#term.write(this.#unmirrored ? new Uint8Array(0) : capped, () => {
      if (this.#disposed) return;
      this.#parsed = end;
      this.#onParsed();
    });
  }

  /**
   * The current screen, as of `parsed`, in one go (for tests and tools: it may block the
   * event loop for as long as the screen takes; the server uses snapshotSliced()).
   */
  snapshot(): Snapshot {
    if (this.#unmirrored) return this.clearedSnapshot();
    const screen = serializeScreen(this.#term, snapshotScrollback(this.#term.cols, this.#term.rows), this.#modes());
    return { offset: this.#parsed, screen: screen.length > MAX_SCREEN_CHARS ? CLEARED_SCREEN : screen };
  }

  /**
   * The current screen without blocking the event loop for more than SNAPSHOT_SLICE_MS at a
   * time: output written meanwhile waits (it counts as backlog, so the pty is paused if it
   * piles up), the parser finishes what it had, then the rows are serialized in slices. The
   * visible screen plus as much scrollback as SNAPSHOT_CELL_BUDGET leaves; a cleared screen
   * when the screen is not mirrored or the result would exceed MAX_SCREEN_CHARS.
   */
  async snapshotSliced(): Promise<Snapshot> {
    if (this.#unmirrored || this.#disposed || this.#frozen) return this.clearedSnapshot();
    this.#release();
    this.#frozen = [];
    try {
      await new Promise<void>((resolve) => this.#term.write(new Uint8Array(0), resolve));
      const offset = this.#parsed;
      const term = this.#term;
      const rowsOf = (buffer: typeof term.buffer.normal, from: number, to: number): Promise<string | null> =>
        sliced(from, to, (y, cells) => {
          const line = buffer.getLine(y);
          return line ? serializeLine(line, term.cols, cells) : '';
        }, buffer.getNullCell(), buffer.getNullCell(), () => this.#disposed);
      const normal = term.buffer.normal;
      const end = normal.length;
      let screen = await rowsOf(normal, Math.max(0, end - term.rows - snapshotScrollback(term.cols, term.rows)), end);
      const active = term.buffer.active;
      if (screen !== null && active.type === 'alternate') {
        const alt = await rowsOf(active, 0, active.length);
        screen = alt === null ? null : `${screen}\x1b[?1049h\x1b[H${alt}`;
      }
      if (screen === null || this.#disposed) return { offset, screen: CLEARED_SCREEN };
      screen += `\x1b[${active.cursorY + 1};${active.cursorX + 1}H${this.#modes()}`;
      return { offset, screen: screen.length > MAX_SCREEN_CHARS ? CLEARED_SCREEN : screen };
    } finally {
      const waiting = this.#frozen;
      this.#frozen = null;
      if (!this.#disposed) for (const run of waiting) run();
    }
  }

  /** The terminal's modes as @xterm/addon-serialize writes them (its output for one row, minus that row). */
  #modes(): string {
    const range = { start: 0, end: 0 };
    const withModes = this.#serializer.serialize({ range, excludeAltBuffer: true });
    const without = this.#serializer.serialize({ range, excludeAltBuffer: true, excludeModes: true });
    return withModes.startsWith(without) ? withModes.slice(without.length) : '';
  }

  /** A cleared screen as of `parsed`: costs nothing (for a rate-limited resync). */
  clearedSnapshot(): Snapshot {
    return { offset: this.#parsed, screen: CLEARED_SCREEN };
  }

  /** Bytes of string-sequence payload never handed to the parser (for tests). */
  get droppedStringBytes(): number {
    return this.#cap.dropped;
  }

  /** Frees the headless terminal; pending parse callbacks are dropped. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#holdTimer);
    this.#held = [];
    this.#serializer.dispose();
    this.#term.dispose();
  }
}
