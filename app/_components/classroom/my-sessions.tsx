'use client';
// A list of this browser's live sessions (MySession): what each is (lesson or free
// playground), until when it runs, "Open", "End" (confirmed) and its recordings.
import Link from 'next/link';
import type { MySession } from '../../../protocol/classroom';
import { endSession } from '../../_lib/api-client';
import { formatMoment } from '../../_lib/format';
import { ConfirmAction } from '../confirm-action';
import { usePrefs } from '../prefs-provider';
import { PRIMARY_BUTTON } from './fields';

/** The sessions; `titles` maps lesson ids to titles; `onEnded` after an End. */
export function MySessionList({ sessions, titles, onEnded }: { sessions: readonly MySession[]; titles: Readonly<Record<string, string>>; onEnded: (id: string) => void }) {
  const { t, lang } = usePrefs();
  return (
    <ul data-testid="my-sessions" className="flex flex-col gap-2">
      {sessions.map((s) => (
        <li key={s.id} data-testid="my-session" data-session-id={s.id} className="flex flex-wrap items-center gap-3 rounded-lg border border-line bg-panel px-3 py-2">
          <div className="flex min-w-0 flex-1 flex-col">
            <span className="font-medium">{s.lessonId ? (titles[s.lessonId] ?? s.lessonId) : t('sessions.free')}</span>
            <span className="text-xs text-muted">
              {t('sessions.until', { time: formatMoment(lang, s.expiresAt) })} · {t('sessions.nodes', { n: s.nodes })} ·{' '}
              <Link href={`/sessions/${s.id}/recordings`} className="underline">
                {t('sessions.recordings')}
              </Link>
            </span>
          </div>
          <Link href={`/play/${s.id}`} data-testid="my-session-open" className={`${PRIMARY_BUTTON} py-1.5 text-sm`}>
            {t('sessions.open')}
          </Link>
          <ConfirmAction
            testId="my-session-end"
            label={t('sessions.end')}
            question={t('sessions.endConfirm')}
            confirmLabel={t('sessions.endYes')}
            cancelLabel={t('form.cancel')}
            onConfirm={() => void endSession(s.id).then((r) => (r.ok || r.status === 404) && onEnded(s.id))}
            className="rounded-md border border-danger/50 px-3 py-1.5 text-sm text-danger hover:bg-danger/10"
          />
        </li>
      ))}
    </ul>
  );
}
