'use client';
// The header's badge saying whether the session's nodes reach the internet (issue 14 point 2).
import { usePrefs } from './prefs-provider';

/** "Internet" or "Offline", with the consequence in its tooltip. */
export function InternetBadge({ internet }: { internet: boolean }) {
  const { t } = usePrefs();
  return (
    <span
      data-testid="internet-badge"
      data-internet={internet ? 'on' : 'off'}
      title={internet ? t('play.internetTitle') : t('play.offlineTitle')}
      className={`rounded-full border px-2 py-0.5 text-xs font-medium ${internet ? 'border-line text-muted' : 'border-warn/40 bg-warn/10 text-warn'}`}
    >
      {internet ? t('play.internet') : t('play.offline')}
    </span>
  );
}
