'use client';
// A list of terminal recordings (title, node, when, size, cut short or not), each with an
// inline "Replay" (the asciinema player) and a "Download .cast" link.
import { useState } from 'react';
import type { RecordingView } from '../../../protocol/classroom';
import { castUrl } from '../../_lib/classroom-client';
import { formatBytes, formatMoment } from '../../_lib/format';
import { usePrefs } from '../prefs-provider';
import { SECONDARY_BUTTON } from './fields';
import { RecordingPlayer } from './recording-player';

/** The recordings, newest first as given. */
export function RecordingList({ recordings }: { recordings: readonly RecordingView[] }) {
  const { t, lang } = usePrefs();
  const [playing, setPlaying] = useState<string | null>(null);
  if (recordings.length === 0) return <p className="text-sm text-muted">{t('rec.none')}</p>;
  return (
    <ul data-testid="recording-list" className="flex flex-col gap-3">
      {recordings.map((rec) => (
        <li key={rec.id} data-testid="recording-row" data-recording-id={rec.id} className="flex flex-col gap-2 rounded-lg border border-line bg-panel p-3">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
            <span className="font-mono font-medium">{rec.title}</span>
            <span className="text-muted">{formatMoment(lang, rec.startedAt)}</span>
            <span className="text-muted">{formatBytes(rec.bytes)}</span>
            {rec.endedAt === null && <span className="text-ok">● {t('rec.recording')}</span>}
            {rec.truncated && <span className="text-warn">{t('rec.truncated')}</span>}
            <span className="ml-auto flex gap-2">
              <button type="button" data-testid="recording-item" aria-expanded={playing === rec.id} onClick={() => setPlaying(playing === rec.id ? null : rec.id)} className={SECONDARY_BUTTON}>
                {playing === rec.id ? t('rec.hide') : t('rec.play')}
              </button>
              <a href={castUrl(rec.id, true)} download data-testid="recording-download" className={SECONDARY_BUTTON}>
                {t('rec.download')}
              </a>
            </span>
          </div>
          {playing === rec.id && <RecordingPlayer recordingId={rec.id} title={rec.title} />}
        </li>
      ))}
    </ul>
  );
}
