'use client';
// The side panel of one student on the dashboard: their live terminal read-only (watch),
// "Join" to type into it, their raised hand with "Resolve", resetting a node, a personal
// rejoin link, and the way to their history and recordings. Escape closes it. On wide
// screens it stops left of the class actions, so an announcement can go out while watching.
import { useEffect, useMemo, useRef, useState } from 'react';
import Link from 'next/link';
import type { GridStudent, RejoinLink } from '../../../protocol/classroom';
import { studentTerminalPath } from '../../_lib/class-feeds';
import { createRejoinLink, resetStudentNode, resolveHand } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { formatMoment } from '../../_lib/format';
import { ConfirmAction } from '../confirm-action';
import { usePrefs } from '../prefs-provider';
import { TerminalView } from '../terminal/terminal-view';
import { FormNote, PRIMARY_BUTTON, SECONDARY_BUTTON } from './fields';

/** Props of StudentPanel. */
export type StudentPanelProps = { classId: string; student: GridStudent; onClose: () => void };

/** The panel; remount it (key) per student. */
export function StudentPanel({ classId, student, onClose }: StudentPanelProps) {
  const { t, lang } = usePrefs();
  const [terminalId, setTerminalId] = useState<string | null>(student.terminals[0]?.id ?? null);
  const [mode, setMode] = useState<'watch' | 'join'>('watch');
  const [note, setNote] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [rejoin, setRejoin] = useState<RejoinLink | null>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  // The chosen terminal may close; fall back to the first one still there.
  const terminal = student.terminals.find((x) => x.id === terminalId) ?? student.terminals[0] ?? null;
  const nodes = useMemo(() => {
    const seen = new Map<string, { sessionId: string; node: string }>();
    for (const term of student.terminals) seen.set(`${term.sessionId}/${term.node}`, { sessionId: term.sessionId, node: term.node });
    return [...seen.values()];
  }, [student.terminals]);

  useEffect(() => {
    closeRef.current?.focus();
    const onKey = (ev: KeyboardEvent) => {
      // Escape inside the joined terminal belongs to the shell.
      if (ev.key === 'Escape' && !(ev.target instanceof HTMLElement && ev.target.closest('.xterm'))) onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  async function act(call: () => Promise<{ ok: true } | { ok: false; status: number; code: string; message: string }>, ok: string | null) {
    setNote(null);
    const result = await call();
    if (!result.ok) setNote({ kind: 'error', text: errorText(lang, result) });
    else if (ok) setNote({ kind: 'ok', text: ok });
  }

  async function makeRejoin() {
    setNote(null);
    const result = await createRejoinLink(classId, student.id);
    if (result.ok) setRejoin(result.value);
    else setNote({ kind: 'error', text: errorText(lang, result) });
  }

  return (
    <aside
      role="dialog"
      aria-modal="false"
      aria-labelledby="student-panel-title"
      data-testid="watch-panel"
      data-student-id={student.id}
      className="fixed inset-y-0 right-0 z-40 flex w-full flex-col gap-3 overflow-y-auto border-x border-line bg-panel p-4 shadow-2xl sm:w-[min(760px,62vw)] xl:right-[21.5rem]"
    >
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <h2 id="student-panel-title" className="truncate text-xl font-semibold">
            {student.displayName}
          </h2>
          <p className="text-sm text-muted">
            <span className={student.online ? 'text-ok' : ''}>{student.online ? `● ${t('dash.online')}` : `○ ${t('dash.offline')}`}</span>
            {' · '}
            {student.lastSeenAt ? t('panel.lastSeen', { time: formatMoment(lang, student.lastSeenAt) }) : t('panel.never')}
          </p>
        </div>
        <button ref={closeRef} type="button" onClick={onClose} data-testid="watch-panel-close" className={SECONDARY_BUTTON}>
          {t('panel.close')}
        </button>
      </div>

      {student.hand && (
        <div role="status" data-testid="panel-hand" className="flex flex-wrap items-center gap-3 rounded-md border border-warn/60 bg-warn/10 px-3 py-2">
          <span className="flex-1">
            <span aria-hidden="true">✋ </span>
            {student.hand.message ? t('dash.handMessage', { message: student.hand.message }) : t('dash.handUp')}
          </span>
          <button type="button" data-testid="resolve-hand" onClick={() => void act(() => resolveHand(classId, student.id), null)} className={`${PRIMARY_BUTTON} py-1 text-sm`}>
            {t('panel.resolve')}
          </button>
        </div>
      )}
      {note && <FormNote kind={note.kind} testId="panel-note">{note.text}</FormNote>}

      <section aria-label={t('panel.terminals')} className="flex min-h-0 flex-col gap-2">
        {terminal ? (
          <>
            <div className="flex flex-wrap items-center gap-2">
              {student.terminals.length > 1 && (
                <div role="tablist" aria-label={t('panel.terminals')} className="flex flex-wrap gap-1">
                  {student.terminals.map((term) => (
                    <button
                      key={term.id}
                      type="button"
                      role="tab"
                      aria-selected={term.id === terminal.id}
                      onClick={() => setTerminalId(term.id)}
                      className={`rounded px-2 py-1 font-mono text-xs ${term.id === terminal.id ? 'bg-raised font-semibold' : 'text-muted hover:text-fg'}`}
                    >
                      {term.title}
                    </button>
                  ))}
                </div>
              )}
              <span data-testid="panel-mode" data-mode={mode} className={`rounded px-2 py-0.5 text-xs font-medium ${mode === 'join' ? 'bg-danger/15 text-danger' : 'bg-raised text-muted'}`}>
                {mode === 'join' ? t('panel.joined') : t('panel.watching')}
              </span>
              <button
                type="button"
                data-testid={mode === 'watch' ? 'watch-join' : 'watch-leave'}
                onClick={() => setMode(mode === 'watch' ? 'join' : 'watch')}
                className={`${mode === 'watch' ? PRIMARY_BUTTON : SECONDARY_BUTTON} ml-auto py-1 text-sm`}
              >
                {mode === 'watch' ? t('panel.join') : t('panel.leave')}
              </button>
            </div>
            <div className={`h-[min(420px,55vh)] overflow-hidden rounded-md border bg-term ${mode === 'join' ? 'border-danger' : 'border-line'}`} data-testid="panel-terminal">
              <TerminalView
                key={`${terminal.id}-${mode}`}
                terminalId={terminal.id}
                active
                socketPath={studentTerminalPath(classId, terminal.id, mode)}
              />
            </div>
          </>
        ) : (
          <p data-testid="panel-no-terminal" className="text-sm text-muted">
            {t('panel.noTerminal')}
          </p>
        )}
      </section>

      <div className="flex flex-wrap gap-2 border-t border-line pt-3">
        {nodes.map(({ sessionId, node }) => (
          <ConfirmAction
            key={`${sessionId}/${node}`}
            testId={`panel-reset-${node}`}
            label={t('panel.reset', { node })}
            question={t('panel.resetConfirm', { node })}
            confirmLabel={t('panel.reset', { node })}
            cancelLabel={t('form.cancel')}
            align="left"
            onConfirm={() => void act(() => resetStudentNode(classId, student.id, { sessionId, node }), t('panel.resetDone', { node }))}
            className="rounded-md border border-danger/50 px-3 py-1.5 text-sm text-danger hover:bg-danger/10"
          />
        ))}
        <button type="button" data-testid="panel-rejoin" onClick={() => void makeRejoin()} className={SECONDARY_BUTTON}>
          {t('panel.rejoin')}
        </button>
        <Link href={`/classes/${classId}/students/${student.id}`} data-testid="panel-history" className={SECONDARY_BUTTON}>
          {t('panel.history')}
        </Link>
      </div>
      {rejoin && (
        <div data-testid="panel-rejoin-link" className="flex flex-col gap-1 rounded-md border border-line bg-raised p-3 text-sm">
          <p className="text-muted">{t('panel.rejoinHint', { time: formatMoment(lang, rejoin.expiresAt) })}</p>
          <input readOnly value={rejoin.url} onFocus={(ev) => ev.target.select()} aria-label={t('panel.rejoin')} className="w-full rounded border border-line bg-bg px-2 py-1 font-mono text-xs" />
        </div>
      )}
    </aside>
  );
}
