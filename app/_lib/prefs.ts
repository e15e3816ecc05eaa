// The user's display preferences kept in the browser: theme and language keys, the inline
// script that applies the theme before first paint, and the language cookie the server reads.
import { LANG_STORAGE_KEY, type Lang } from './i18n';

/** The two themes. */
export type Theme = 'dark' | 'light';

/** localStorage key of the theme the user picked (absent: follow the OS). */
export const THEME_STORAGE_KEY = 'pier-theme';

/** Cookie mirroring the language choice so the server renders the right language first. */
export const LANG_COOKIE = LANG_STORAGE_KEY;

/** How long the language cookie lives (s): a year. */
export const LANG_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

/** Whether `value` is a theme name. */
export function isTheme(value: unknown): value is Theme {
  return value === 'dark' || value === 'light';
}

/**
 * Runs in <head> before the page paints: sets data-theme on <html> from the saved choice or
 * the OS preference, so there is no flash of the wrong theme. Must stay tiny and ES5.
 */
export const THEME_INIT_SCRIPT = `(function(){try{var t=localStorage.getItem(${JSON.stringify(THEME_STORAGE_KEY)});if(t!=="dark"&&t!=="light"){t=window.matchMedia&&window.matchMedia("(prefers-color-scheme: light)").matches?"light":"dark"}var d=document.documentElement;d.setAttribute("data-theme",t);d.style.colorScheme=t}catch(e){}})()`;

/** The Set-Cookie-style string (for document.cookie) that saves `lang`. */
export function langCookie(lang: Lang): string {
  return `${LANG_COOKIE}=${lang}; path=/; max-age=${LANG_COOKIE_MAX_AGE_S}; SameSite=Lax`;
}
