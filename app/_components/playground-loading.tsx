'use client';
// The "opening your playground" placeholder, used by the route's loading.tsx and while the
// client fetches the session.
import { usePrefs } from './prefs-provider';

/** A centred spinner with a sentence. */
export function PlaygroundLoading() {
  const { t } = usePrefs();
  return (
    <div role="status" data-testid="playground-loading" className="flex h-dvh items-center justify-center gap-3 text-muted">
      <span aria-hidden="true" className="size-5 animate-spin rounded-full border-2 border-current border-t-transparent" />
      {t('play.loading')}
    </div>
  );
}
