'use client';
// The warning banner shown `warnBeforeSeconds` before the session ends, with "Extend".
import { formatRemaining, shouldWarn } from '../_lib/format';
import { usePrefs } from './prefs-provider';
import { useCountdown } from './use-countdown';

/** Props of ExpiryBanner. */
export type ExpiryBannerProps = {
  expiresAt: string;
  skewMs: number;
  warnBeforeSeconds: number;
  canExtend: boolean;
  extending: boolean;
  onExtend: () => void;
};

/** Renders nothing until the warning window; then a banner with the time left and Extend. */
export function ExpiryBanner(props: ExpiryBannerProps) {
  const { t } = usePrefs();
  const msLeft = useCountdown(props.expiresAt, props.skewMs);
  if (!shouldWarn(msLeft, props.warnBeforeSeconds)) return null;
  return (
    <div role="alert" data-testid="expiry-banner" className="flex items-center justify-between gap-4 border-b border-warn/40 bg-warn/15 px-4 py-2 text-sm">
      <span className="text-fg">{t('play.expiringSoon', { time: formatRemaining(msLeft) })}</span>
      {props.canExtend ? (
        <button
          type="button"
          data-testid="extend"
          onClick={props.onExtend}
          disabled={props.extending}
          className="rounded-md bg-warn px-3 py-1 font-medium text-black hover:brightness-110 disabled:opacity-60"
        >
          {props.extending ? t('play.extending') : t('play.extend')}
        </button>
      ) : (
        <span data-testid="extend-unavailable" className="text-muted">
          {t('play.cannotExtend')}
        </span>
      )}
    </div>
  );
}
