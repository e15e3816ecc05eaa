// The frame of the classroom's pages: the site header, then a centred main column with the
// page's title. Server component; the content inside is usually a client component.
import type { ReactNode } from 'react';
import { translate, type MessageKey } from '../../_lib/i18n';
import { requestLang } from '../../_lib/request-lang';
import { SiteHeader } from '../site-header';

/** Header, title (a message key, or none) and content; `wide` for the dashboard. */
export async function PageFrame({ title, wide = false, children }: { title?: MessageKey; wide?: boolean; children: ReactNode }) {
  const lang = await requestLang();
  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader homeLabel={translate(lang, 'header.home')} />
      <main id="main" tabIndex={-1} className={`mx-auto flex w-full flex-1 flex-col gap-6 px-4 py-6 sm:px-6 ${wide ? 'max-w-none' : 'max-w-3xl sm:py-10'}`}>
        {title && <h1 className="text-2xl font-bold">{translate(lang, title)}</h1>}
        {children}
      </main>
    </div>
  );
}
