// A server-side copy of one terminal's screen: a headless xterm fed the same output bytes,
// so a reloaded page or a late viewer (the instructor) can be painted the current screen at
// once instead of replaying megabytes. [xterm] @xterm/headless + the serialize addon.
import xtermHeadless, { type ITerminalAddon } from '@xterm/headless';
import serializeAddon from '@xterm/addon-serialize';
import { MAX_SCREEN_CHARS } from '../../protocol/terminal.js';

// Both packages are CommonJS bundles whose named exports Node cannot detect: take the default.
const { Terminal: HeadlessTerminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;

/** Scrollback lines the mirror keeps (memory: roughly cols × lines × 12 bytes at worst). */
export const MIRROR_SCROLLBACK_LINES = 1000;
/** Scrollback lines included in a snapshot, above the visible screen. */
export const SNAPSHOT_SCROLLBACK_LINES = 200;

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
  /** Bytes written but not parsed yet, and the stream offset parsed up to. */
  #written = 0;
  #parsed = 0;
  #disposed = false;
  readonly #onParsed: () => void;

  /**
   * @param size initial size (columns, rows)
   * @param onParsed called each time the mirror has parsed another chunk (flow control)
   */
  constructor(size: { cols: number; rows: number }, onParsed: () => void = () => {}) {
    this.#term = new HeadlessTerminal({ cols: size.cols, rows: size.rows, scrollback: MIRROR_SCROLLBACK_LINES, allowProposedApi: true });
    this.#serializer = new SerializeAddon();
    // HACK: the addon's typings name @xterm/xterm's Terminal; headless is the same API
    // (the addon documents headless support), only the declared type differs.
    this.#term.loadAddon(this.#serializer as unknown as ITerminalAddon);
    this.#onParsed = onParsed;
  }

  /** Stream offset up to which the screen is current. */
  get parsed(): number {
    return this.#parsed;
  }

  /** Bytes handed to write() that the parser has not reached yet. */
  get backlog(): number {
    return this.#written - this.#parsed;
  }

  /** Feeds the next output bytes (parsed asynchronously, in order). */
  write(bytes: Uint8Array): void {
    if (this.#disposed) return;
    this.#written += bytes.length;
    const end = this.#written;
    this.#term.write(bytes, () => {
      if (this.#disposed) return;
      this.#parsed = end;
      this.#onParsed();
    });
  }

  /** Resizes the screen once everything written so far is parsed (at the same byte). */
  resize(cols: number, rows: number): void {
    if (this.#disposed) return;
    this.#term.write(new Uint8Array(0), () => {
      if (!this.#disposed) this.#term.resize(cols, rows);
    });
  }

  /** The current screen, as of `parsed`. */
  snapshot(): Snapshot {
    let screen = this.#serializer.serialize({ scrollback: SNAPSHOT_SCROLLBACK_LINES });
    if (screen.length > MAX_SCREEN_CHARS) screen = this.#serializer.serialize({ scrollback: 0 });
    // FIXME: a huge screen of per-cell attribute changes may still be too large to send;
    // then the viewer gets a cleared screen and the output that follows.
    if (screen.length > MAX_SCREEN_CHARS) screen = '\x1b[H\x1b[2J';
    return { offset: this.#parsed, screen };
  }

  /** Frees the headless terminal; pending parse callbacks are dropped. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#serializer.dispose();
    this.#term.dispose();
  }
}
