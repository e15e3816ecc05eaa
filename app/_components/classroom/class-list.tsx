'use client';
// /classes: the signed-in instructor's classes (an admin's: all), each with its code, open
// state, students, who is online and raised hands; and the "New class" form.
import { useCallback, useEffect, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ClassSummary, StaffView } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { listClasses } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { formatJoinCode } from '../../_lib/join-code';
import { usePrefs } from '../prefs-provider';
import { ClassForm } from './class-form';
import { FormNote, PRIMARY_BUTTON } from './fields';

/** The classes list with the new-class form. */
export function ClassesHome({ staff }: { staff: StaffView }) {
  const { t, lang } = usePrefs();
  const router = useRouter();
  const [classes, setClasses] = useState<ClassSummary[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async () => {
    const result = await listClasses();
    if (result.ok) setClasses(result.value.classes);
    else setFailure(result);
  }, []);
  useEffect(() => void load(), [load]);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex items-center justify-between gap-3">
        <p className="text-muted">{staff.role === 'admin' ? t('classes.all') : ''}</p>
        {!creating && (
          <button type="button" data-testid="class-new" onClick={() => setCreating(true)} className={PRIMARY_BUTTON}>
            {t('classes.new')}
          </button>
        )}
      </div>
      {creating && <ClassForm onCancel={() => setCreating(false)} onCreated={(view) => router.push(`/classes/${view.id}`)} />}
      {failure && <FormNote kind="error">{errorText(lang, failure)}</FormNote>}
      {classes && classes.length === 0 && !creating && <p className="text-muted">{t('classes.empty')}</p>}
      {classes && classes.length > 0 && (
        <ul data-testid="class-list" className="flex flex-col gap-3">
          {classes.map((c) => (
            <li key={c.id} data-testid="class-item" data-class-id={c.id} className="flex flex-col gap-2 rounded-lg border border-line bg-panel p-4 sm:flex-row sm:items-center">
              <div className="flex min-w-0 flex-1 flex-col gap-1">
                <h2 className="font-semibold">
                  <Link href={`/classes/${c.id}`} className="hover:underline">
                    {c.name}
                  </Link>
                </h2>
                <p className="flex flex-wrap gap-x-3 text-sm text-muted">
                  <span className="font-mono font-semibold text-fg">{formatJoinCode(c.joinCode)}</span>
                  <span className={c.open ? 'text-ok' : 'text-warn'}>{c.open ? t('classes.open') : t('classes.closed')}</span>
                  <span>{t('classes.students', { n: c.students })}</span>
                  <span>{t('classes.online', { n: c.online })}</span>
                  {c.hands > 0 && <span className="font-medium text-warn">✋ {t('classes.hands', { n: c.hands })}</span>}
                  {staff.role === 'admin' && <span>{t('classes.instructor', { name: c.instructor })}</span>}
                </p>
              </div>
              <div className="flex gap-2">
                <Link href={`/classes/${c.id}`} data-testid="class-open-dashboard" className={PRIMARY_BUTTON}>
                  {t('classes.dashboard')}
                </Link>
                <Link href={`/classes/${c.id}/projector`} className="rounded-md border border-line px-3 py-2 text-sm hover:bg-raised">
                  {t('classes.projector')}
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
