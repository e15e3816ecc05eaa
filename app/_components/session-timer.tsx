'use client';
// The header's countdown to the end of the session.
import { formatRemaining, shouldWarn } from '../_lib/format';
import { usePrefs } from './prefs-provider';
import { useCountdown } from './use-countdown';

/** "Time left 42:17", turning to the warning colour `warnBeforeSeconds` before the end. */
export function SessionTimer({ expiresAt, skewMs, warnBeforeSeconds }: { expiresAt: string; skewMs: number; warnBeforeSeconds: number }) {
  const { t } = usePrefs();
  const msLeft = useCountdown(expiresAt, skewMs);
  const warn = shouldWarn(msLeft, warnBeforeSeconds);
  return (
    <div
      data-testid="session-timer"
      data-expires-at={expiresAt}
      data-ms-left={Math.max(0, Math.round(msLeft))}
      className={`flex items-baseline gap-2 rounded-md px-2 py-1 text-sm ${warn ? 'bg-warn/15 text-warn' : 'text-muted'}`}
    >
      <span>{t('play.timeLeft')}</span>
      <time dateTime={expiresAt} className="font-mono text-base font-semibold tabular-nums text-current">
        {formatRemaining(msLeft)}
      </time>
    </div>
  );
}
