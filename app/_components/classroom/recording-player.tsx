'use client';
// Replays one terminal recording with the real asciinema-player: the cast is fetched first
// (so a refusal reads as a sentence, not a blank box), then the player is loaded on the
// client only (dynamic import) and disposed with the component.
import { useEffect, useRef, useState } from 'react';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import { castUrl } from '../../_lib/classroom-client';
import { usePrefs } from '../prefs-provider';

type PlayerState = { phase: 'loading' } | { phase: 'ready' } | { phase: 'failed'; reason: string };

/** The player of recording `recordingId`; `title` names it for screen readers. */
export function RecordingPlayer({ recordingId, title }: { recordingId: string; title: string }) {
  const { t } = usePrefs();
  const hostRef = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<PlayerState>({ phase: 'loading' });

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    let disposed = false;
    let player: { dispose(): void } | null = null;
    void (async () => {
      let cast: string;
      try {
        const res = await fetch(castUrl(recordingId), { credentials: 'same-origin', cache: 'no-store' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        cast = await res.text();
      } catch (err) {
        if (!disposed) setState({ phase: 'failed', reason: err instanceof Error ? err.message : String(err) });
        return;
      }
      try {
        const { create } = await import('asciinema-player');
        if (disposed) return;
        // "Replay" was the click that asked for it: play at once, long pauses shortened.
        player = create({ data: cast }, host, { fit: 'width', terminalFontSize: 'small', idleTimeLimit: 2, autoPlay: true, controls: true });
        setState({ phase: 'ready' });
      } catch (err) {
        if (!disposed) setState({ phase: 'failed', reason: err instanceof Error ? err.message : String(err) });
      }
    })();
    return () => {
      disposed = true;
      player?.dispose();
    };
  }, [recordingId]);

  return (
    <figure data-testid="recording-player" data-recording-id={recordingId} data-state={state.phase} aria-label={t('rec.player', { title })} className="flex flex-col gap-2">
      {state.phase === 'loading' && <p className="text-sm text-muted">{t('rec.loading')}</p>}
      {state.phase === 'failed' && (
        <p role="alert" className="text-sm text-danger">
          {t('rec.failed', { reason: state.reason })}
        </p>
      )}
      <div ref={hostRef} className="min-h-0 w-full overflow-hidden rounded-md" />
    </figure>
  );
}
