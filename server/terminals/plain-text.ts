// Pure helpers for the screen mirror's flood path (screen-mirror.ts): recognising output
// that is only printable ASCII and line ends, and where the lines that can still be seen
// begin.

const LF = 0x0a;
const CR = 0x0d;

/**
 * Whether `bytes` holds nothing but printable ASCII (0x20–0x7e), CR and LF: text that moves
 * the cursor only forward and down, and changes no mode, colour, charset or title.
 */
export function isPlainText(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if ((b < 0x20 || b > 0x7e) && b !== LF && b !== CR) return false;
  }
  return true;
}

/**
 * The index just after the CR LF that has at least `lines` line feeds after it (so the
 * bytes from there on end at least `lines` rows further down), or 0 when there is none.
 */
export function cutBeforeLastLines(bytes: Uint8Array, lines: number): number {
  let seen = 0;
  for (let i = bytes.length - 1; i > 0; i--) {
    if (bytes[i] !== LF) continue;
    if (seen >= lines && bytes[i - 1] === CR) return i + 1;
    seen++;
  }
  return 0;
}
