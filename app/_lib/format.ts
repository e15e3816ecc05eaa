// Formatting of the numbers the playground shows: time left, byte sizes, usage percentages.
// Pure functions, shared by components and unit tests.

/**
 * Time left as `m:ss` under an hour and `h:mm:ss` from an hour on; negative and
 * non-finite durations show as `0:00`. Rounds up, so the display reaches 0:00 only when
 * the time is really over.
 * @param ms milliseconds left
 */
export function formatRemaining(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 1000) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${minutes}:${ss}`;
}

/**
 * Milliseconds from `nowMs` until the ISO time `expiresAt`; NaN if `expiresAt` does not parse.
 * @param skewMs how far the server's clock is ahead of this browser's (ms)
 */
export function msUntil(expiresAt: string, nowMs: number, skewMs = 0): number {
  return Date.parse(expiresAt) - (nowMs + skewMs);
}

/**
 * Whether the page should warn that the session is ending: `msLeft` is at most
 * `warnBeforeSeconds` (and the session is not over yet, which the ended view handles).
 */
export function shouldWarn(msLeft: number, warnBeforeSeconds: number): boolean {
  return Number.isFinite(msLeft) && msLeft > 0 && msLeft <= warnBeforeSeconds * 1000;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * A byte count in binary units: `0 B`, `512 B`, `1.5 KiB`, `512 MiB`, `2 GiB`. One decimal
 * below 10 units, none above; a trailing `.0` is dropped.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return '0 B';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  const text = value.toFixed(digits).replace(/\.0$/, '');
  return `${text} ${BYTE_UNITS[unit]}`;
}

/**
 * How full a resource is, as a percentage in [0, 100]; 0 when the limit is unknown
 * (not positive or not finite).
 */
export function usagePercent(used: number, limit: number): number {
  if (!Number.isFinite(used) || !Number.isFinite(limit) || limit <= 0) return 0;
  return Math.min(100, Math.max(0, (used / limit) * 100));
}

/** A CPU figure in percent of one core, rounded: `37%`, `150%`. */
export function formatPercent(percent: number): string {
  return `${Number.isFinite(percent) ? Math.round(Math.max(0, percent)) : 0}%`;
}

/** The usage level a bar shows in colour: calm below 70 %, warning to 90 %, critical above. */
export function usageLevel(percent: number): 'ok' | 'warn' | 'critical' {
  if (percent >= 90) return 'critical';
  if (percent >= 70) return 'warn';
  return 'ok';
}

const LOCALES = { en: 'en-GB', ko: 'ko-KR' } as const;

/** A moment (ISO) as a short local date and time in the UI language; '' when unreadable. */
export function formatMoment(lang: 'en' | 'ko', iso: string | null): string {
  if (!iso) return '';
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return '';
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'short', timeStyle: 'short' }).format(at);
}

/** A length of time in seconds as "1 h 5 min" / "1시간 5분" (seconds shown under a minute). */
export function formatDuration(lang: 'en' | 'ko', seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const units = lang === 'ko' ? { h: '시간', m: '분', s: '초' } : { h: ' h', m: ' min', s: ' s' };
  if (s < 60) return `${s}${units.s}`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0) return `${m}${units.m}`;
  return m === 0 ? `${h}${units.h}` : `${h}${units.h} ${m}${units.m}`;
}
