'use client';
// The big "Start a playground" button: POST /api/sessions, then open /play/<id>; shows
// progress while the sandbox starts and a clear sentence when the server says no.
import { useState } from 'react';
import { useRouter } from 'next/navigation';
import { createSession, type ApiFailure } from '../_lib/api-client';
import { errorText } from '../_lib/error-text';
import { usePrefs } from './prefs-provider';
import { QueueNotice, useQueuedStart } from './queue-notice';

/** Window event after which "your sessions" lists again. */
export const SESSIONS_CHANGED_EVENT = 'pier:sessions-changed';

type StartState = { phase: 'idle' } | { phase: 'starting' } | { phase: 'failed'; failure: ApiFailure };

/** Starts a playground and navigates to it. */
export function StartButton({ lessonId, accessibleName, label }: { lessonId?: string; accessibleName?: string; label?: string }) {
  const { t, lang } = usePrefs();
  const router = useRouter();
  const [state, setState] = useState<StartState>({ phase: 'idle' });
  const starting = state.phase === 'starting';
  const queue = useQueuedStart();

  async function start() {
    setState({ phase: 'starting' });
    const result = await queue.run(() => createSession(lessonId));
    if (result === null) {
      setState({ phase: 'idle' });
      return;
    }
    if (!result.ok) {
      setState({ phase: 'failed', failure: result });
      // The home page's "your sessions" refreshes, so the link below finds every one.
      if (result.code === 'TOO_MANY_SESSIONS') window.dispatchEvent(new Event(SESSIONS_CHANGED_EVENT));
      return;
    }
    // Stay in "starting" until the playground page replaces this one.
    router.push(`/play/${result.value.id}`);
  }

  return (
    <div className="flex flex-col items-start gap-3">
      <button
        type="button"
        data-testid="start-button"
        aria-label={accessibleName}
        onClick={start}
        disabled={starting}
        aria-busy={starting}
        className="inline-flex items-center gap-3 rounded-lg bg-accent px-7 py-4 text-lg font-semibold text-accent-fg shadow-sm transition hover:brightness-110 disabled:cursor-progress disabled:opacity-80"
      >
        {starting && <span aria-hidden="true" className="size-4 animate-spin rounded-full border-2 border-current border-t-transparent" />}
        {starting ? t('home.starting') : (label ?? t('home.start'))}
      </button>
      {queue.place && <QueueNotice place={queue.place} onCancel={queue.cancel} />}
      {state.phase === 'failed' && (
        <p role="alert" data-testid="start-error" className="rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger">
          {errorText(lang, state.failure)}
          {state.failure.code === 'TOO_MANY_SESSIONS' && (
            <>
              {' '}
              <a href="/#your-sessions" data-testid="start-error-sessions" className="font-medium underline">
                {t('sessions.limitLink')}
              </a>
            </>
          )}
        </p>
      )}
    </div>
  );
}
