'use client';
// The app's error boundary: a short explanation in the user's language and a retry button.
import { useEffect } from 'react';
import Link from 'next/link';
import { usePrefs } from './_components/prefs-provider';

/** Shown when a page throws while rendering. */
export default function ErrorPage({ error, retry }: { error: unknown; retry: () => void }) {
  const { t } = usePrefs();
  useEffect(() => {
    console.error('pier: page error', error);
  }, [error]);
  const digest = error instanceof Error && 'digest' in error ? String(error.digest) : null;
  return (
    <main id="main" tabIndex={-1} role="alert" className="mx-auto flex min-h-dvh max-w-xl flex-col justify-center gap-4 px-6">
      <h1 className="text-2xl font-semibold">{t('page.errorTitle')}</h1>
      <p className="text-muted">{t('page.errorBody')}</p>
      {digest && <p className="font-mono text-xs text-muted">{digest}</p>}
      <div className="flex gap-3">
        <button type="button" onClick={() => retry()} className="rounded-md bg-accent px-4 py-2 font-medium text-accent-fg">
          {t('page.retry')}
        </button>
        <Link href="/" className="rounded-md border border-line px-4 py-2">
          {t('page.backHome')}
        </Link>
      </div>
    </main>
  );
}
