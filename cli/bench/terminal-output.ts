// What `pier bench terminal` reads in a terminal's output stream: whether it ends with a
// shell prompt, and which typed key an echo carries. Pure; no sockets.

/**
 * Escape sequences a shell prints around its prompt: CSI (`\e[1;31m`, `\e[?2004h`), OSC
 * (`\e]0;title\a`), charset selections and two-byte escapes (`\e7`, `\e=`).
 */
const ESCAPES = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()*+][0-9A-Za-z]|[0-~])/g;

/**
 * A prompt at the very end of the output once escapes are removed: `root@node1:~# ` or
 * `user@host:~/dir$ `. Base64 text and typed keys never end this way.
 */
const PROMPT_AT_END = /[#$] $/;

/** `text` without terminal escape sequences. */
export function stripEscapes(text: string): string {
  return text.replace(ESCAPES, '');
}

/** Whether `text` (the end of a terminal's output) ends with a shell prompt. */
export function endsWithPrompt(text: string): boolean {
  return PROMPT_AT_END.test(stripEscapes(text));
}

/** Characters keystrokes cycle through: consecutive keys differ, so a late echo never counts twice. */
const KEYS = 'abcdefghijklmnopqrstuvwxyz';

/** The key typed as keystroke number `k` (0, 1, 2…) of a terminal. */
export function keyFor(k: number): string {
  return KEYS[k % KEYS.length]!;
}

/** Whether output `bytes` carry the echo of `key` (one ASCII character). */
export function carriesEcho(bytes: Uint8Array, key: string): boolean {
  return bytes.includes(key.charCodeAt(0));
}

/** Bytes of output kept by OutputTail: a prompt and its escapes fit with room to spare. */
export const TAIL_BYTES = 512;

/**
 * The last TAIL_BYTES of a stream that arrives in frames, as text (Latin-1: one character
 * per byte, so a frame boundary never splits a character). Cheap on a flood.
 */
export class OutputTail {
  #text = '';

  /** Appends the next frame's bytes. */
  push(bytes: Uint8Array): void {
    const start = Math.max(0, bytes.length - TAIL_BYTES);
    const added = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString('latin1');
    this.#text = (this.#text + added).slice(-TAIL_BYTES);
  }

  /** The kept text. */
  get text(): string {
    return this.#text;
  }

  /** Whether the stream so far ends with a shell prompt. */
  endsWithPrompt(): boolean {
    return endsWithPrompt(this.#text);
  }
}
