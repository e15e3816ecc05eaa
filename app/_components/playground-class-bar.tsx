'use client';
// The playground's classroom lines: a banner while staff watch or type in this session's
// terminals (SessionEvent `watchers`), class announcements shown at once until dismissed
// (SessionEvent `announcement`), and the raise-hand button of a class session.
import { useEffect, useState, type FormEvent } from 'react';
import type { Announcement, Watcher } from '../../protocol/http';
import type { HandView } from '../../protocol/classroom';
import { connectMemberEvents } from '../_lib/class-feeds';
import { lowerHand, myClass, mySessions, raiseHand } from '../_lib/classroom-client';
import { errorText } from '../_lib/error-text';
import { usePrefs } from './prefs-provider';

/** Who watches or types now, one line per person and mode. */
export function WatcherBanner({ watchers }: { watchers: readonly Watcher[] }) {
  const { t } = usePrefs();
  const seen = new Map<string, Watcher>();
  for (const w of watchers) {
    const prev = seen.get(w.name);
    if (!prev || w.mode === 'join') seen.set(w.name, w); // typing says more than watching
  }
  if (seen.size === 0) return null;
  const typing = [...seen.values()].some((w) => w.mode === 'join');
  return (
    <div
      role="status"
      aria-live="polite"
      data-testid="watch-banner"
      data-mode={typing ? 'join' : 'watch'}
      className={`flex flex-col gap-0.5 border-b px-4 py-1.5 text-sm font-medium ${typing ? 'border-danger/50 bg-danger/15 text-danger' : 'border-warn/50 bg-warn/15 text-warn'}`}
    >
      {[...seen.values()].map((w) => (
        <span key={w.name} data-testid="watcher" data-mode={w.mode}>
          <span aria-hidden="true">{w.mode === 'join' ? '⌨ ' : '👁 '}</span>
          {w.mode === 'join' ? t('play.typing', { name: w.name }) : t('play.watching', { name: w.name })}
        </span>
      ))}
    </div>
  );
}

/** Announcements waiting on screen, each with Dismiss. */
export function AnnouncementToasts({ announcements, onDismiss }: { announcements: readonly Announcement[]; onDismiss: (id: string) => void }) {
  const { t } = usePrefs();
  if (announcements.length === 0) return null;
  return (
    <div aria-live="assertive" className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(420px,calc(100vw-2rem))] flex-col gap-2">
      {announcements.map((a) => (
        <div key={a.id} role="alert" data-testid="announcement" className="pointer-events-auto flex gap-3 rounded-lg border border-accent bg-panel p-3 shadow-xl">
          <div className="min-w-0 flex-1">
            <p className="text-xs font-semibold text-accent">📣 {t('play.announcement', { name: a.by })}</p>
            <p className="whitespace-pre-wrap break-words">{a.text}</p>
          </div>
          <button type="button" data-testid="announcement-dismiss" onClick={() => onDismiss(a.id)} aria-label={t('play.dismiss')} className="self-start rounded px-2 text-lg leading-none text-muted hover:text-fg">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

/**
 * The class of this session, when it is a class session (from GET /api/me/sessions). Asked
 * only once the session is known to be a lesson session (class sessions always are), so a
 * free playground's first load makes no extra request.
 */
export function useSessionClass(sessionId: string, lessonSession: boolean): string | null {
  const [classId, setClassId] = useState<string | null>(null);
  useEffect(() => {
    if (!lessonSession) return;
    let stopped = false;
    void mySessions().then((result) => {
      if (!stopped && result.ok) setClassId(result.value.sessions.find((s) => s.id === sessionId)?.classId ?? null);
    });
    return () => {
      stopped = true;
    };
  }, [sessionId, lessonSession]);
  return classId;
}

/** Raise hand (with an optional message) / lower hand, kept in step with the class feed. */
export function RaiseHand({ classId, lessonId }: { classId: string; lessonId: string | null }) {
  const { t, lang } = usePrefs();
  const [hand, setHand] = useState<HandView | null>(null);
  const [open, setOpen] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void myClass(classId, lang).then((result) => result.ok && setHand(result.value.hand));
    const feed = connectMemberEvents(classId, lang, { onEvent: (event) => event.type === 'hand' && setHand(event.hand) });
    return () => feed.close();
  }, [classId, lang]);

  async function submit(ev?: FormEvent) {
    ev?.preventDefault();
    setError(null);
    if (hand) {
      const result = await lowerHand(classId);
      if (result.ok) setHand(null);
      else setError(errorText(lang, result));
      return;
    }
    const result = await raiseHand(classId, { message: message.trim(), lessonId });
    if (!result.ok) return setError(errorText(lang, result));
    setHand(result.value);
    setOpen(false);
    setMessage('');
  }

  return (
    <span className="relative inline-flex">
      <button
        type="button"
        data-testid={hand ? 'lower-hand' : 'raise-hand'}
        aria-expanded={hand ? undefined : open}
        onClick={() => (hand ? void submit() : setOpen((v) => !v))}
        className={`rounded-md px-3 py-1 text-sm ${hand ? 'bg-warn font-medium text-bg' : 'border border-line hover:bg-raised'}`}
      >
        ✋ {hand ? t('play.lowerHand') : t('play.raiseHand')}
      </button>
      {hand && <span className="sr-only">{t('play.handUp')}</span>}
      {(open || error) && !hand && (
        <form onSubmit={(ev) => void submit(ev)} className="absolute top-full right-0 z-30 mt-1 flex w-72 flex-col gap-2 rounded-lg border border-line bg-panel p-3 shadow-lg">
          <label htmlFor="play-hand-message" className="text-sm">
            {t('hand.message')}
          </label>
          <input
            id="play-hand-message"
            data-testid="hand-message"
            autoFocus
            value={message}
            maxLength={300}
            onChange={(ev) => setMessage(ev.target.value)}
            onKeyDown={(ev) => ev.key === 'Escape' && setOpen(false)}
            className="rounded-md border border-line bg-bg px-2 py-1.5"
          />
          {error && (
            <p role="alert" className="text-xs text-danger">
              {error}
            </p>
          )}
          <button type="submit" data-testid="hand-submit" className="self-end rounded-md bg-accent px-3 py-1 text-sm font-medium text-accent-fg">
            {t('hand.raise')}
          </button>
        </form>
      )}
    </span>
  );
}
