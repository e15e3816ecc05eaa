// Serializes a headless terminal's screen into escape sequences that repaint it on a reset
// terminal: each row on its own (its style reset first, one full SGR per style change),
// rows joined by CR LF, then the alternate screen if it is active, the cursor, and the
// modes. Written for a bounded cost (issue 11 point 3): a 200×100 screen with its own true
// colours in every cell takes ~5 ms here, where @xterm/addon-serialize took 40–180 ms
// (docs/BENCHMARKS.md). What it leaves out of the addon's output: wrapped rows are ended
// with CR LF (they look the same, but reflow as separate lines), and the current SGR
// attributes are reset at the end (the public API does not expose them).
import type { IBuffer, IBufferCell, IBufferLine, Terminal } from '@xterm/headless';

/** The parts of a headless Terminal the serializer reads. */
export type SerializableTerminal = Pick<Terminal, 'buffer' | 'cols' | 'rows'>;

/** SGR parameters of a cell's style, '' for the default style. */
function styleOf(c: IBufferCell): string {
  const p: (number | string)[] = [];
  if (c.isBold()) p.push(1);
  if (c.isDim()) p.push(2);
  if (c.isItalic()) p.push(3);
  if (c.isUnderline()) p.push(4);
  if (c.isBlink()) p.push(5);
  if (c.isInverse()) p.push(7);
  if (c.isInvisible()) p.push(8);
  if (c.isStrikethrough()) p.push(9);
  if (c.isOverline()) p.push(53);
  const fg = colour(c.isFgRGB(), c.isFgPalette(), c.getFgColor(), 30, 90, 38);
  const bg = colour(c.isBgRGB(), c.isBgPalette(), c.getBgColor(), 40, 100, 48);
  if (fg !== null) p.push(fg);
  if (bg !== null) p.push(bg);
  return p.join(';');
}

/**
 * SGR parameters of one colour: RGB (`38;2;r;g;b`), the 16 ANSI colours (`base + n`, then
 * `bright + n − 8`), the 256-colour palette (`38;5;n`), or null for the default.
 */
function colour(rgb: boolean, palette: boolean, v: number, base: number, bright: number, extended: number): number | string | null {
  if (rgb) return `${extended};2;${(v >> 16) & 255};${(v >> 8) & 255};${v & 255}`;
  if (!palette) return null;
  return v < 8 ? base + v : v < 16 ? bright + v - 8 : `${extended};5;${v}`;
}

/** Whether two cells have the same style (compared field by field: cheaper than styleOf). */
function sameStyle(a: IBufferCell, b: IBufferCell): boolean {
  return (
    a.getFgColorMode() === b.getFgColorMode() &&
    a.getFgColor() === b.getFgColor() &&
    a.getBgColorMode() === b.getBgColorMode() &&
    a.getBgColor() === b.getBgColor() &&
    a.isBold() === b.isBold() &&
    a.isDim() === b.isDim() &&
    a.isItalic() === b.isItalic() &&
    a.isUnderline() === b.isUnderline() &&
    a.isBlink() === b.isBlink() &&
    a.isInverse() === b.isInverse() &&
    a.isInvisible() === b.isInvisible() &&
    a.isStrikethrough() === b.isStrikethrough() &&
    a.isOverline() === b.isOverline()
  );
}

/** Whether a cell shows anything: a character, or a background or inverse that paints it. */
function painted(c: IBufferCell): boolean {
  return c.getChars() !== '' || !c.isBgDefault() || c.isInverse() !== 0;
}

/**
 * One row as escape sequences, starting from the default style (the caller resets it).
 * Blank cells after the last painted one are left out.
 */
export function serializeLine(line: IBufferLine, cols: number, cells: [IBufferCell, IBufferCell]): string {
  let last = -1;
  for (let x = Math.min(cols, line.length) - 1; x >= 0; x--) {
    if (painted(line.getCell(x, cells[0])!)) {
      last = x;
      break;
    }
  }
  let out = '';
  let prev: IBufferCell | null = null;
  let flip = 0;
  for (let x = 0; x <= last; x++) {
    const c = line.getCell(x, cells[flip])!;
    if (c.getWidth() === 0) continue; // the second half of a wide character
    if (prev === null ? styleOf(c) !== '' : !sameStyle(c, prev)) out += `\x1b[0;${styleOf(c)}m`;
    out += c.getChars() || ' ';
    prev = c;
    flip ^= 1;
  }
  return prev !== null && styleOf(prev) !== '' ? `${out}\x1b[0m` : out;
}

/** Rows [from, to) of `buffer`, joined by CR LF. */
export function serializeRows(buffer: IBuffer, cols: number, from: number, to: number): string {
  const cells: [IBufferCell, IBufferCell] = [buffer.getNullCell(), buffer.getNullCell()];
  const rows: string[] = [];
  for (let y = from; y < to; y++) {
    const line = buffer.getLine(y);
    rows.push(line ? serializeLine(line, cols, cells) : '');
  }
  return rows.join('\r\n');
}

/**
 * The whole repaint: the normal buffer's last `rows + scrollback` rows, the alternate screen
 * when active, the cursor, then `modes` (what @xterm/addon-serialize's modes part gives).
 */
export function serializeScreen(term: SerializableTerminal, scrollback: number, modes: string): string {
  const normal = term.buffer.normal;
  const end = normal.length;
  const start = Math.max(0, end - term.rows - scrollback);
  let out = serializeRows(normal, term.cols, start, end);
  const active = term.buffer.active;
  if (active.type === 'alternate') out += `\x1b[?1049h\x1b[H${serializeRows(active, term.cols, 0, active.length)}`;
  out += `\x1b[${active.cursorY + 1};${active.cursorX + 1}H`;
  return out + modes;
}
