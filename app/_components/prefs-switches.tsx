'use client';
// The language (EN / 한국어) and theme (dark / light) switches shown in every header.
import { LANGS, type Lang } from '../_lib/i18n';
import { usePrefs } from './prefs-provider';

const LANG_LABELS: Record<Lang, string> = { en: 'EN', ko: '한국어' };

/**
 * Language buttons and a theme toggle; choices persist in localStorage. `compact` (a phone's
 * header): one button that switches to the other language.
 */
export function PrefsSwitches({ compact = false }: { compact?: boolean }) {
  const { lang, setLang, theme, setTheme, t } = usePrefs();
  const nextTheme = theme === 'dark' ? 'light' : 'dark';
  const other: Lang = lang === 'en' ? 'ko' : 'en';
  return (
    <div className="flex items-center gap-2 text-xs">
      {compact ? (
        <button
          type="button"
          lang={other}
          data-testid={`lang-${other}`}
          onClick={() => setLang(other)}
          aria-label={`${t('header.language')}: ${LANG_LABELS[other]}`}
          className="rounded-md border border-line px-2 py-1 text-muted hover:text-fg"
        >
          {LANG_LABELS[other]}
        </button>
      ) : (
      <div role="group" aria-label={t('header.language')} className="flex overflow-hidden rounded-md border border-line">
        {LANGS.map((code) => (
          <button
            key={code}
            type="button"
            lang={code}
            data-testid={`lang-${code}`}
            aria-pressed={lang === code}
            onClick={() => lang !== code && setLang(code)}
            className={`px-2 py-1 transition-colors ${lang === code ? 'bg-raised font-semibold text-fg' : 'text-muted hover:text-fg'}`}
          >
            {LANG_LABELS[code]}
          </button>
        ))}
      </div>
      )}
      <button
        type="button"
        data-testid="theme-toggle"
        data-theme-current={theme}
        onClick={() => setTheme(nextTheme)}
        title={t(nextTheme === 'dark' ? 'header.themeDark' : 'header.themeLight')}
        aria-label={t(nextTheme === 'dark' ? 'header.themeDark' : 'header.themeLight')}
        className="rounded-md border border-line px-2 py-1 text-fg transition-colors hover:border-accent"
      >
        {/* Sun in the dark theme (switch to light), moon in the light one. */}
        <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
      </button>
    </div>
  );
}
