'use client';
// The administrator's view of the host: capacity and the queue, every live session with its
// owner or student, class, age, end and resources, and the actions end (behind a
// confirmation), extend and "open read-only" (the first terminal, watched without input).
import { useCallback, useEffect, useState } from 'react';
import type { AdminSession, AdminSessions as AdminSessionsView } from '../../../protocol/classroom';
import type { ApiFailure, ApiResult } from '../../_lib/api-client';
import { adminTerminalPath, endAdminSession, extendAdminSession, listAdminSessions } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { formatBytes, formatDuration, formatRemaining } from '../../_lib/format';
import { ConfirmAction } from '../confirm-action';
import { usePrefs } from '../prefs-provider';
import { TerminalView } from '../terminal/terminal-view';
import { FormNote, SECONDARY_BUTTON } from './fields';

/** How often the list refreshes (ms). */
export const ADMIN_SESSIONS_REFRESH_MS = 5_000;

/** The live sessions section of /admin. */
export function AdminSessions() {
  const { t, lang } = usePrefs();
  const [view, setView] = useState<AdminSessionsView | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [watching, setWatching] = useState<AdminSession | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(async () => {
    const result = await listAdminSessions();
    setNow(Date.now());
    if (result.ok) {
      setView(result.value);
      setFailure(null);
    } else setFailure(result);
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), ADMIN_SESSIONS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  async function act(run: () => Promise<ApiResult<unknown>>) {
    const result = await run();
    if (!result.ok) setFailure(result);
    void load();
  }

  const c = view?.capacity;
  return (
    <section className="flex flex-col gap-3" data-testid="admin-sessions">
      <h2 className="text-lg font-semibold">{t('admin.sessionsTitle')}</h2>
      {c && (
        <p className="text-sm text-muted" data-testid="admin-capacity">
          {t('admin.capacity', { live: String(c.live), max: String(c.maxSessions), memory: formatBytes(c.memoryAvailableBytes), memoryTotal: formatBytes(c.memoryTotalBytes), disk: formatBytes(c.diskFreeBytes), queued: String(c.queued) })}
        </p>
      )}
      {failure && <FormNote kind="error">{errorText(lang, failure)}</FormNote>}
      {view && view.sessions.length === 0 && <p className="text-sm text-muted" data-testid="admin-sessions-empty">{t('admin.sessionsEmpty')}</p>}
      {view && view.sessions.length > 0 && (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" data-testid="admin-sessions-table">
            <thead className="border-b border-line text-muted">
              <tr>
                <th className="py-2 pr-3 font-medium">{t('admin.owner')}</th>
                <th className="py-2 pr-3 font-medium">{t('admin.class')}</th>
                <th className="py-2 pr-3 font-medium">{t('admin.age')}</th>
                <th className="py-2 pr-3 font-medium">{t('admin.ends')}</th>
                <th className="py-2 pr-3 font-medium">{t('admin.resources')}</th>
                <th className="py-2" />
              </tr>
            </thead>
            <tbody>
              {view.sessions.map((s) => (
                <tr key={s.id} data-testid="admin-session-row" data-session={s.id} className="border-b border-line/60">
                  <td className="py-2 pr-3 font-medium">{s.owner}</td>
                  <td className="py-2 pr-3">{s.className ?? '—'}</td>
                  <td className="py-2 pr-3 text-muted">{formatDuration(lang, (now - s.createdAt) / 1000)}</td>
                  <td className="py-2 pr-3 font-mono text-muted" data-testid="admin-session-ends">{formatRemaining(s.expiresAt - now)}</td>
                  <td className="py-2 pr-3 text-muted">{`${formatBytes(s.memoryBytes)} · ${s.pids} · ${formatBytes(s.diskUsedBytes)}`}</td>
                  <td className="flex justify-end gap-2 py-2">
                    {s.terminals[0] && (
                      <button type="button" className={SECONDARY_BUTTON} data-testid="admin-session-watch" onClick={() => setWatching(s)}>
                        {t('admin.watch')}
                      </button>
                    )}
                    <button type="button" className={SECONDARY_BUTTON} data-testid="admin-session-extend" onClick={() => void act(() => extendAdminSession(s.id))}>
                      {t('admin.extend')}
                    </button>
                    <ConfirmAction
                      testId={`admin-session-end-${s.id}`}
                      label={t('admin.end')}
                      question={t('admin.endConfirm', { name: s.owner })}
                      confirmLabel={t('admin.end')}
                      cancelLabel={t('form.cancel')}
                      onConfirm={() => void act(() => endAdminSession(s.id))}
                      className="rounded-md border border-danger/50 px-2 py-1 text-xs text-danger hover:bg-danger/10"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {watching?.terminals[0] && (
        <div className="flex flex-col gap-2" data-testid="admin-watch">
          <div className="flex items-center gap-2 text-sm">
            <span className="font-medium">{watching.owner}</span>
            <button type="button" className={`${SECONDARY_BUTTON} ml-auto`} onClick={() => setWatching(null)} data-testid="admin-watch-close">
              {t('admin.closeWatch')}
            </button>
          </div>
          <div className="h-[min(420px,55vh)] overflow-hidden rounded-md border border-line bg-term">
            <TerminalView key={watching.terminals[0].id} terminalId={watching.terminals[0].id} active socketPath={adminTerminalPath(watching.terminals[0].id)} />
          </div>
        </div>
      )}
    </section>
  );
}
