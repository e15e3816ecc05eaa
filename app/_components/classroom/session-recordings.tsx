'use client';
// /sessions/<id>/recordings: a student's (any owner's) recordings of one of their sessions.
import { useEffect, useState } from 'react';
import type { RecordingView } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { sessionRecordings } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { usePrefs } from '../prefs-provider';
import { FormNote } from './fields';
import { RecordingList } from './recording-list';

/** The recordings of session `sessionId`. */
export function SessionRecordings({ sessionId }: { sessionId: string }) {
  const { t, lang } = usePrefs();
  const [recordings, setRecordings] = useState<RecordingView[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  useEffect(() => {
    void sessionRecordings(sessionId).then((result) => (result.ok ? setRecordings(result.value.recordings) : setFailure(result)));
  }, [sessionId]);
  if (failure) return <FormNote kind="error">{failure.status === 404 ? t('error.NOT_FOUND') : errorText(lang, failure)}</FormNote>;
  if (!recordings) return <p className="text-muted">{t('rec.loading')}</p>;
  return <RecordingList recordings={recordings} />;
}
