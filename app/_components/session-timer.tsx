'use client';
// The header's clock: time left until the nearest end of the session, and Extend whenever
// an extension is left. The same reading as the warning banner (one clock).
import type { SessionView } from '../../protocol/http';
import { formatRemaining } from '../_lib/format';
import type { ClockReading } from '../_lib/session-clock';
import { usePrefs } from './prefs-provider';

/** Props of SessionTimer. */
export type SessionTimerProps = {
  session: SessionView;
  clock: ClockReading;
  extending: boolean;
  onExtend: () => void;
};

/** "Time left 1:42:17 [Extend]", in the warning colour while a warning is due. */
export function SessionTimer({ session, clock, extending, onExtend }: SessionTimerProps) {
  const { t } = usePrefs();
  const endsAt = new Date(clock.endsAt).toISOString();
  return (
    <div className="flex items-center gap-1">
      <div
        data-testid="session-timer"
        data-expires-at={session.expiresAt}
        data-ends-at={endsAt}
        data-reason={clock.reason}
        data-ms-left={Math.round(clock.msLeft)}
        className={`flex items-baseline gap-2 rounded-md px-2 py-1 text-sm ${clock.warn ? 'bg-warn/15 text-warn' : 'text-muted'}`}
      >
        <span className="hidden md:inline">{clock.reason === 'idle' ? t('clock.idleLeft') : t('clock.timeLeft')}</span>
        <time dateTime={endsAt} aria-label={clock.reason === 'idle' ? t('clock.idleLeft') : t('clock.timeLeft')} className="font-mono text-base font-semibold tabular-nums text-current">
          {formatRemaining(clock.msLeft)}
        </time>
      </div>
      {session.canExtend && (
        <button
          type="button"
          data-testid="header-extend"
          onClick={onExtend}
          disabled={extending}
          title={t('clock.extendTitle')}
          className="rounded-md border border-line px-2 py-1 text-sm hover:border-accent disabled:opacity-60"
        >
          {extending ? t('play.extending') : t('play.extend')}
        </button>
      )}
    </div>
  );
}
