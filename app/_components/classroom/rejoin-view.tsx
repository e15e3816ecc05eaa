'use client';
// /rejoin?token=…: moves the student of a rejoin link into this browser, then opens their
// class. One request per page (the token is single-purpose); a failure says what to do.
import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { rejoin } from '../../_lib/classroom-client';
import { usePrefs } from '../prefs-provider';
import { FormNote } from './fields';
import { refreshMe } from './use-me';

/** Redeems `token`. */
export function RejoinView({ token }: { token: string | null }) {
  const { t } = usePrefs();
  const router = useRouter();
  const [failed, setFailed] = useState(false);
  const asked = useRef(false);

  useEffect(() => {
    if (!token || asked.current) return;
    asked.current = true;
    void rejoin(token).then(async (result) => {
      if (!result.ok) return setFailed(true);
      await refreshMe();
      router.replace(`/class/${result.value.classId}`);
    });
  }, [token, router]);

  if (!token) return <FormNote kind="error" testId="rejoin-error">{t('rejoin.missing')}</FormNote>;
  if (failed) return <FormNote kind="error" testId="rejoin-error">{t('rejoin.failed')}</FormNote>;
  return (
    <p role="status" data-testid="rejoin-busy" className="text-muted">
      {t('rejoin.busy')}
    </p>
  );
}
