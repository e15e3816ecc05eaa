// The root layout: <html> with the request's language and the theme set before first paint,
// global styles, and the preferences provider every client component reads.
import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { PrefsProvider } from './_components/prefs-provider';
import { translate } from './_lib/i18n';
import { THEME_INIT_SCRIPT } from './_lib/prefs';
import { requestLang } from './_lib/request-lang';
import './globals.css';

/** Title and description in the request's language. */
export async function generateMetadata(): Promise<Metadata> {
  const lang = await requestLang();
  return {
    title: { default: translate(lang, 'title.home'), template: '%s · pier' },
    description: translate(lang, 'app.tagline'),
  };
}

/** Browser UI colour for each OS colour scheme. */
export const viewport: Viewport = {
  themeColor: [
    { media: '(prefers-color-scheme: dark)', color: '#0d1014' },
    { media: '(prefers-color-scheme: light)', color: '#f6f7f9' },
  ],
};

/** Wraps every page. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  const lang = await requestLang();
  return (
    // data-theme is corrected by the inline script before paint; React keeps the DOM's value.
    <html lang={lang} data-theme="dark" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: THEME_INIT_SCRIPT }} />
      </head>
      <body className="min-h-dvh bg-bg text-fg">
        <a href="#main" className="pier-skip" data-testid="skip-link">
          {translate(lang, 'a11y.skip')}
        </a>
        <PrefsProvider initialLang={lang}>{children}</PrefsProvider>
      </body>
    </html>
  );
}
