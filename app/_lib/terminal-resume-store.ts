// Saves, per terminal, what a reloaded page needs to resume without duplicates: the screen
// as it was drawn (serialized) and the byte offset it was drawn up to. Kept in
// sessionStorage, so it lives as long as the browser tab and no longer.

/** sessionStorage key prefix; the terminal id follows. */
export const RESUME_KEY_PREFIX = 'pier-term:';

/** Snapshots above this size (UTF-16 code units) are not saved: the server's screen serves instead. */
export const RESUME_SNAPSHOT_MAX_CHARS = 512 * 1024;

/** What is saved for one terminal. */
export type TerminalResume = {
  /** Bytes of output the snapshot includes: the `resumeFrom` of the next hello. */
  offset: number;
  /** The terminal's screen and scrollback as escape sequences (xterm serialize addon). */
  snapshot: string;
};

/** The storage used: sessionStorage in the browser, a Map-backed fake in tests. */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

function browserStorage(): KeyValueStorage | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage;
  } catch {
    return null; // storage disabled (privacy mode): resume from the server's screen instead
  }
}

/** Reads the saved state of `terminalId`; null if none or unreadable. */
export function loadTerminalResume(terminalId: string, storage = browserStorage()): TerminalResume | null {
  const raw = storage?.getItem(RESUME_KEY_PREFIX + terminalId);
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (
      typeof value === 'object' &&
      value !== null &&
      'offset' in value &&
      'snapshot' in value &&
      typeof value.offset === 'number' &&
      Number.isSafeInteger(value.offset) &&
      value.offset >= 0 &&
      typeof value.snapshot === 'string'
    ) {
      return { offset: value.offset, snapshot: value.snapshot };
    }
  } catch {
    // fall through: a corrupt entry is dropped
  }
  storage?.removeItem(RESUME_KEY_PREFIX + terminalId);
  return null;
}

/**
 * Saves `resume` for `terminalId`. Too large a snapshot, or a full storage, removes the
 * entry instead: a stale offset without its screen would lose output on reload.
 * @returns whether it was saved
 */
export function saveTerminalResume(terminalId: string, resume: TerminalResume, storage = browserStorage()): boolean {
  if (!storage) return false;
  const key = RESUME_KEY_PREFIX + terminalId;
  if (resume.snapshot.length > RESUME_SNAPSHOT_MAX_CHARS) {
    storage.removeItem(key);
    return false;
  }
  try {
    storage.setItem(key, JSON.stringify(resume));
    return true;
  } catch {
    storage.removeItem(key); // quota exceeded
    return false;
  }
}

/** Forgets the saved state of `terminalId`. */
export function removeTerminalResume(terminalId: string, storage = browserStorage()): void {
  storage?.removeItem(RESUME_KEY_PREFIX + terminalId);
}

/** Removes saved states of every terminal not in `keepIds`. */
export function pruneTerminalResume(keepIds: Iterable<string>, storage = browserStorage()): void {
  if (!storage) return;
  const keep = new Set(keepIds);
  const stale: string[] = [];
  for (let i = 0; i < storage.length; i += 1) {
    const key = storage.key(i);
    if (key?.startsWith(RESUME_KEY_PREFIX) && !keep.has(key.slice(RESUME_KEY_PREFIX.length))) stale.push(key);
  }
  for (const key of stale) storage.removeItem(key);
}
