'use client';
// /classes/<id>/projector: the join code, link and QR code as big as the screen allows,
// for the room's projector.
import { useEffect, useState } from 'react';
import Link from 'next/link';
import type { ClassView } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { getClass } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { usePrefs } from '../prefs-provider';
import { FormNote } from './fields';
import { JoinCodeCard } from './join-code-card';

/** The projector view of class `classId`. */
export function ProjectorView({ classId }: { classId: string }) {
  const { t, lang } = usePrefs();
  const [view, setView] = useState<ClassView | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  useEffect(() => {
    void getClass(classId).then((result) => (result.ok ? setView(result.value) : setFailure(result)));
  }, [classId]);
  if (failure) return <FormNote kind="error">{failure.status === 404 ? t('dash.gone') : errorText(lang, failure)}</FormNote>;
  if (!view) return <p className="text-muted">{t('page.loading')}</p>;
  return (
    <div data-testid="projector" className="flex flex-1 flex-col items-center justify-center gap-6">
      <h1 className="text-center text-4xl font-bold lg:text-5xl">{view.settings.name}</h1>
      <JoinCodeCard view={view} big />
      <Link href={`/classes/${classId}`} className="text-sm text-muted underline">
        {t('code.projectorBack')}
      </Link>
    </div>
  );
}
