// A streaming filter that caps the payload of terminal string sequences (OSC, DCS, SOS, PM,
// APC) before the screen mirror's parser sees them, keeping each sequence well-formed: a
// 10 MB window title reaches the parser as its first STRING_PAYLOAD_CAP_BYTES and its
// terminator. Issue 11 point 3; docs/SECURITY.md attack 41.
//
// The states follow @xterm/xterm 6's parser (src/common/parser/EscapeSequenceParser.ts,
// VT500_TRANSITION_TABLE) over the code points its UTF-8 decoder yields:
//  - a string starts at ESC ] (OSC), ESC P (DCS), ESC X / ESC ^ / ESC _ (SOS, PM, APC), or
//    the C1 code points U+009D, U+0090, U+0098, U+009E, U+009F;
//  - in ESCAPE, C0 controls other than CAN and SUB (and DEL) are executed and ESCAPE stays;
//  - a string ends at ESC, CAN (0x18), SUB (0x1a), any C1 code point (U+0080–U+009F: ST,
//    or the start of something else), and an OSC also at BEL (0x07).
// C1 code points arrive as the UTF-8 pair C2 80–C2 9F; C2 is never a continuation byte,
// and xterm's decoder restarts at a lead byte that interrupts a sequence, so "C2 then
// 80–9F" is a C1 code point wherever it appears. A C2 at the end of a chunk waits for the
// next chunk's first byte.
//
// Where xterm's state hangs on UTF-8 details the filter does not model, it leaves the
// string and, where xterm could go on collecting (a DCS before its final byte), sends CAN
// first so the parser leaves it too: xterm ends SOS/PM/APC and an unhooked DCS at any code
// point from U+00A0 (its table's default, ERROR → GROUND), and an invalid sequence might
// not end them. So the parser is never inside a string the filter thinks has ended. The
// cost: a character right after `ESC P` or inside an APC is printed, where xterm alone
// would have swallowed it.

/** Payload bytes of one string sequence passed to the parser; the rest is dropped. */
export const STRING_PAYLOAD_CAP_BYTES = 4096;

const ESC = 0x1b;
const BEL = 0x07;
const CAN = 0x18;
const SUB = 0x1a;
const DEL = 0x7f;
const C1_LEAD = 0xc2;

/** 'dcs-entry': a DCS before its final byte hooks it (xterm's DCS_ENTRY/PARAM/INTERMEDIATE). */
type Kind = 'osc' | 'dcs-entry' | 'dcs' | 'sos';
type State = 'ground' | 'escape' | Kind;

/** What the byte after ESC starts (only the string introducers matter here). */
const ESC_STRING: Readonly<Record<number, Kind>> = { 0x5d: 'osc', 0x50: 'dcs-entry', 0x58: 'sos', 0x5e: 'sos', 0x5f: 'sos' };
/** What a C1 code point starts (every other C1 code point leads to no string). */
const C1_STRING: Readonly<Record<number, Kind>> = { 0x9d: 'osc', 0x90: 'dcs-entry', 0x98: 'sos', 0x9e: 'sos', 0x9f: 'sos' };

/** Caps string-sequence payloads in a byte stream, chunk by chunk (state carries over). */
export class StringSequenceCap {
  readonly #cap: number;
  #state: State = 'ground';
  /** Payload bytes of the current string passed so far. */
  #payload = 0;
  /** The last chunk ended in C2: whether it was passed (true) or held back (false). */
  #lead: 'none' | 'passed' | 'held' = 'none';
  #dropped = 0;

  /** @param cap payload bytes of one string passed (default STRING_PAYLOAD_CAP_BYTES) */
  constructor(cap: number = STRING_PAYLOAD_CAP_BYTES) {
    this.#cap = cap;
  }

  /** Bytes dropped so far. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether the stream so far ends inside a string sequence (or an ESC). */
  get inSequence(): boolean {
    return this.#state !== 'ground' || this.#lead !== 'none';
  }

  /**
   * The bytes of `chunk` the parser should see. Returns `chunk` itself when nothing is
   * dropped (the common case), else a new array.
   */
  filter(chunk: Uint8Array): Uint8Array {
    const out: Uint8Array[] = [];
    let keepFrom = 0;
    let changed = false;
    const drop = (at: number, n: number): void => {
      if (at > keepFrom) out.push(chunk.subarray(keepFrom, at));
      keepFrom = at + n;
      this.#dropped += n;
      changed = true;
    };
    let i = 0;
    if (this.#lead !== 'none' && chunk.length > 0) {
      const held = this.#lead === 'held';
      this.#lead = 'none';
      const b = chunk[0]!;
      if (b >= 0x80 && b <= 0x9f) {
        // The C2 was the lead of a C1 code point: it belongs in the output.
        if (held) out.push(Uint8Array.of(C1_LEAD)), (changed = true);
        this.#c1(b);
        i = 1;
      } else if (held) {
        // an ordinary payload byte past the cap: it stays dropped
      } else if (this.#state !== 'ground' && this.#state !== 'escape') {
        this.#payload++;
      }
    }
    while (i < chunk.length) {
      const state = this.#state;
      if (state === 'ground') {
        i = nextOf(chunk, i, ESC, C1_LEAD);
        if (i >= chunk.length) break;
        if (chunk[i] === ESC) {
          this.#state = 'escape';
          i++;
        } else if (i + 1 >= chunk.length) {
          this.#lead = 'passed';
          break;
        } else {
          const next = chunk[i + 1]!;
          if (next >= 0x80 && next <= 0x9f) this.#c1(next), (i += 2);
          else i++;
        }
        continue;
      }
      if (state === 'escape') {
        const b = chunk[i]!;
        if (b === C1_LEAD) {
          this.#state = 'ground';
          continue; // handled as a lead byte in ground
        }
        i++;
        if (b === ESC) continue;
        if ((b < 0x20 && b !== CAN && b !== SUB) || b === DEL) continue; // executed; ESCAPE stays
        const kind = ESC_STRING[b];
        this.#state = kind ?? 'ground';
        this.#payload = 0;
        continue;
      }
      if (state === 'dcs-entry' || state === 'sos') {
        const b = chunk[i]!;
        if (b >= 0x80 && !(b === C1_LEAD && (i + 1 >= chunk.length || chunk[i + 1]! <= 0x9f))) {
          // A non-ASCII code point (or garbage): out of the string, see the top of this file.
          if (state === 'dcs-entry') {
            if (i > keepFrom) out.push(chunk.subarray(keepFrom, i));
            out.push(Uint8Array.of(CAN));
            keepFrom = i;
            changed = true;
          }
          this.#state = 'ground';
          continue;
        }
        if (state === 'dcs-entry' && b >= 0x40 && b <= 0x7e) this.#state = 'dcs'; // hooked
      }
      // Inside a string: find its end (or a possible C1 lead).
      const stop = this.#state === 'dcs-entry' || this.#state === 'sos' ? i + 1 : chunk.length;
      const end = Math.min(stop, nextOf(chunk, i, ESC, C1_LEAD, CAN, SUB, state === 'osc' ? BEL : -1));
      const room = Math.max(0, this.#cap - this.#payload);
      const take = Math.min(end - i, room);
      this.#payload += take;
      if (end - i > take) drop(i + take, end - i - take);
      i = end;
      if (i >= chunk.length) break;
      const b = chunk[i]!;
      if (b !== ESC && b !== C1_LEAD && b !== CAN && b !== SUB && !(b === BEL && state === 'osc')) continue; // one byte of sos/dcs-entry
      if (b === C1_LEAD) {
        const over = this.#payload >= this.#cap;
        if (i + 1 >= chunk.length) {
          // Undecided until the next chunk: held back past the cap, else passed as payload.
          this.#lead = over ? 'held' : 'passed';
          if (over) drop(i, 1);
          break;
        }
        const next = chunk[i + 1]!;
        if (next >= 0x80 && next <= 0x9f) {
          this.#c1(next);
          i += 2;
        } else {
          if (over) drop(i, 1);
          else this.#payload++;
          i++;
        }
        continue;
      }
      this.#state = b === ESC ? 'escape' : 'ground';
      i++;
    }
    if (!changed) return chunk;
    if (keepFrom < chunk.length) out.push(chunk.subarray(keepFrom));
    return Buffer.concat(out);
  }

  /** A C1 code point: ends any string; may start one. */
  #c1(code: number): void {
    this.#state = C1_STRING[code] ?? 'ground';
    this.#payload = 0;
  }
}

/** Index of the first byte at or after `from` equal to one of `bytes` (length when none). */
function nextOf(chunk: Uint8Array, from: number, ...bytes: number[]): number {
  let best = chunk.length;
  for (const b of bytes) {
    if (b < 0) continue;
    const at = chunk.indexOf(b, from);
    if (at >= 0 && at < best) best = at;
  }
  return best;
}
