// The 404 page, in the request's language.
import Link from 'next/link';
import { SiteHeader } from './_components/site-header';
import { translate } from './_lib/i18n';
import { requestLang } from './_lib/request-lang';

/** Shown for unknown addresses and for notFound() in a route. */
export default async function NotFound() {
  const lang = await requestLang();
  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader homeLabel={translate(lang, 'header.home')} />
      <main id="main" tabIndex={-1} className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center gap-4 px-6">
        <h1 className="text-2xl font-semibold">{translate(lang, 'page.notFoundTitle')}</h1>
        <p className="text-muted">{translate(lang, 'page.notFoundBody')}</p>
        <Link href="/" className="self-start rounded-md bg-accent px-4 py-2 font-medium text-accent-fg">
          {translate(lang, 'page.backHome')}
        </Link>
      </main>
    </div>
  );
}
