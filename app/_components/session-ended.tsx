'use client';
// The page shown once a session is over: why it ended, and the way back.
import Link from 'next/link';
import { usePrefs } from './prefs-provider';
import { PrefsSwitches } from './prefs-switches';

/** "Session ended" with `message` and a link home. */
export function SessionEnded({ reason, message }: { reason: string; message: string }) {
  const { t } = usePrefs();
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="flex h-12 items-center justify-between border-b border-line px-4">
        <Link href="/" className="font-mono text-lg font-bold">
          pier
        </Link>
        <PrefsSwitches />
      </header>
      <main id="main" tabIndex={-1} data-testid="session-ended" data-reason={reason} className="mx-auto flex w-full max-w-xl flex-1 flex-col justify-center gap-4 px-6">
        <h1 className="text-2xl font-semibold">{t('ended.title')}</h1>
        <p className="text-muted">{message}</p>
        <div className="flex gap-3">
          <Link href="/" data-testid="ended-home" className="rounded-md bg-accent px-4 py-2 font-medium text-accent-fg">
            {t('page.backHome')}
          </Link>
        </div>
      </main>
    </div>
  );
}
