// Which playground this browser last opened for each lesson, so "Continue" goes back to a
// playground that still runs instead of starting another (an owner may hold only a few).
// Kept in localStorage; the server stays the judge of whether the session is still alive.

/** localStorage key of the lesson → session map. */
export const LESSON_SESSIONS_KEY = 'pier-lesson-sessions';

/** The storage this module needs (window.localStorage satisfies it). */
export type KeyValueStorage = Pick<Storage, 'getItem' | 'setItem'>;

const SESSION_RE = /^[0-9a-f]{32}$/;

function readMap(storage: KeyValueStorage): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(storage.getItem(LESSON_SESSIONS_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [lesson, session] of Object.entries(parsed)) if (typeof session === 'string' && SESSION_RE.test(session)) out[lesson] = session;
    return out;
  } catch {
    return {};
  }
}

/** The session last opened for `lessonId`, if one was remembered. */
export function rememberedSession(storage: KeyValueStorage, lessonId: string): string | null {
  return readMap(storage)[lessonId] ?? null;
}

/** Remembers `sessionId` as the playground of `lessonId`; null forgets it. */
export function rememberSession(storage: KeyValueStorage, lessonId: string, sessionId: string | null): void {
  const map = readMap(storage);
  if (sessionId === null) delete map[lessonId];
  else map[lessonId] = sessionId;
  try {
    storage.setItem(LESSON_SESSIONS_KEY, JSON.stringify(map));
  } catch {
    // storage full or disabled: Continue simply starts a new playground
  }
}
