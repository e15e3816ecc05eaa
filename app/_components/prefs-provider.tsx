'use client';
// Holds the UI language and theme for client components: `usePrefs()` gives the current
// values, a translate function, and setters that persist the choice.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useRouter } from 'next/navigation';
import { LANG_STORAGE_KEY, isLang, pickLang, translate, type Lang, type MessageKey, type MessageParams } from '../_lib/i18n';
import { THEME_STORAGE_KEY, isTheme, langCookie, type Theme } from '../_lib/prefs';

/** What usePrefs() returns. */
export type Prefs = {
  lang: Lang;
  setLang: (lang: Lang) => void;
  /** The message `key` in the current language. */
  t: (key: MessageKey, params?: MessageParams) => string;
  theme: Theme;
  setTheme: (theme: Theme) => void;
};

const PrefsContext = createContext<Prefs | null>(null);

// The theme lives on <html data-theme>, set before paint by THEME_INIT_SCRIPT; React reads
// it as an external store so the first client render matches the server's default.
const themeListeners = new Set<() => void>();

function themeSubscribe(listener: () => void): () => void {
  themeListeners.add(listener);
  const media = window.matchMedia?.('(prefers-color-scheme: light)');
  const mediaOnChange = () => {
    // Follow the OS only while the user has not picked a theme.
    if (readSaved(THEME_STORAGE_KEY) === null) applyTheme(media?.matches ? 'light' : 'dark');
  };
  media?.addEventListener('change', mediaOnChange);
  return () => {
    themeListeners.delete(listener);
    media?.removeEventListener('change', mediaOnChange);
  };
}

function themeSnapshot(): Theme {
  const value = document.documentElement.getAttribute('data-theme');
  return isTheme(value) ? value : 'dark';
}

function themeServerSnapshot(): Theme {
  return 'dark';
}

function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.setAttribute('data-theme', theme);
  root.style.colorScheme = theme;
  for (const listener of themeListeners) listener();
}

function readSaved(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled: preferences simply do not persist
  }
}

function save(key: string, value: string): void {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // storage disabled: the choice holds for this page only
  }
}

/**
 * Provides language and theme to the client components below it.
 * @param initialLang the language the server rendered with (cookie or Accept-Language)
 */
export function PrefsProvider({ initialLang, children }: { initialLang: Lang; children: ReactNode }) {
  const router = useRouter();
  const [lang, setLangState] = useState<Lang>(initialLang);
  const theme = useSyncExternalStore(themeSubscribe, themeSnapshot, themeServerSnapshot);

  const setLang = useCallback(
    (next: Lang) => {
      setLangState(next);
      save(LANG_STORAGE_KEY, next);
      document.cookie = langCookie(next);
      document.documentElement.lang = next;
      router.refresh(); // server components re-render in the new language
    },
    [router],
  );

  // The saved choice (or navigator.language) wins over the server's guess; they differ only
  // when the cookie was lost or Accept-Language disagrees with navigator.language.
  useEffect(() => {
    const wanted = pickLang(readSaved(LANG_STORAGE_KEY), navigator.language);
    if (wanted !== initialLang) setLang(wanted);
    else if (isLang(readSaved(LANG_STORAGE_KEY))) document.cookie = langCookie(wanted);
  }, [initialLang, setLang]);

  const setTheme = useCallback((next: Theme) => {
    save(THEME_STORAGE_KEY, next);
    applyTheme(next);
  }, []);

  const t = useCallback((key: MessageKey, params?: MessageParams) => translate(lang, key, params), [lang]);

  const value = useMemo<Prefs>(() => ({ lang, setLang, t, theme, setTheme }), [lang, setLang, t, theme, setTheme]);
  return <PrefsContext value={value}>{children}</PrefsContext>;
}

/** The current language and theme; must be used below PrefsProvider. */
export function usePrefs(): Prefs {
  const prefs = useContext(PrefsContext);
  if (!prefs) throw new Error('usePrefs() outside <PrefsProvider>');
  return prefs;
}
