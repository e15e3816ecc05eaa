'use client';
// Shows its children only to signed-in staff (or only to the admin): everyone else gets a
// sentence and the sign-in link. The server checks every route itself; this is for the eye.
import type { ReactNode } from 'react';
import Link from 'next/link';
import type { StaffView } from '../../../protocol/classroom';
import { errorText } from '../../_lib/error-text';
import { usePrefs } from '../prefs-provider';
import { useMe } from './use-me';

/** Renders `children(staff)` for staff (the admin when `adminOnly`). */
export function StaffGate({ adminOnly = false, children }: { adminOnly?: boolean; children: (staff: StaffView) => ReactNode }) {
  const { t, lang } = usePrefs();
  const { state } = useMe();
  if (state.phase === 'loading') return <p className="text-sm text-muted">{t('page.loading')}</p>;
  if (state.phase === 'failed')
    return (
      <p role="alert" className="text-sm text-danger">
        {errorText(lang, state.failure)}
      </p>
    );
  const staff = state.me.staff;
  if (!staff || (adminOnly && staff.role !== 'admin')) {
    return (
      <div data-testid="staff-gate" className="flex flex-col items-start gap-3">
        <p>{staff ? t('gate.adminOnly') : t('gate.signIn')}</p>
        {!staff && (
          <Link href="/sign-in" className="rounded-md bg-accent px-4 py-2 font-medium text-accent-fg">
            {t('signIn.submit')}
          </Link>
        )}
      </div>
    );
  }
  return <>{children(staff)}</>;
}
