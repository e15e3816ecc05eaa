'use client';
// The warning banner, shown while the session's clock warns: the reason in words (its time
// is up, or nobody used it for N minutes), the time left, and what helps (Extend, or any
// input — "Keep working" is one).
import { formatRemaining } from '../_lib/format';
import type { ClockReading } from '../_lib/session-clock';
import { usePrefs } from './prefs-provider';

/** Props of ExpiryBanner. */
export type ExpiryBannerProps = {
  clock: ClockReading;
  canExtend: boolean;
  extending: boolean;
  onExtend: () => void;
  /** Counts as activity: the idle warning goes away. */
  onKeepWorking: () => void;
};

/** Renders nothing until the clock warns; then a banner with the reason and the remedy. */
export function ExpiryBanner({ clock, canExtend, extending, onExtend, onKeepWorking }: ExpiryBannerProps) {
  const { t } = usePrefs();
  if (!clock.warn) return null;
  const time = formatRemaining(clock.msLeft);
  const idle = clock.reason === 'idle';
  return (
    <div role="alert" data-testid="expiry-banner" data-reason={clock.reason} className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1 border-b border-warn/40 bg-warn/15 px-4 py-2 text-sm">
      <span className="text-fg">{idle ? t('clock.idleWarn', { minutes: clock.idleMinutes, time }) : t('clock.lifetimeWarn', { time })}</span>
      {idle ? (
        <button type="button" data-testid="keep-working" onClick={onKeepWorking} className="rounded-md bg-warn px-3 py-1 font-medium text-black hover:brightness-110">
          {t('clock.keepWorking')}
        </button>
      ) : canExtend ? (
        <button
          type="button"
          data-testid="extend"
          onClick={onExtend}
          disabled={extending}
          className="rounded-md bg-warn px-3 py-1 font-medium text-black hover:brightness-110 disabled:opacity-60"
        >
          {extending ? t('play.extending') : t('play.extend')}
        </button>
      ) : (
        <span data-testid="extend-unavailable" className="text-muted">
          {t('play.cannotExtend')}
        </span>
      )}
    </div>
  );
}
