'use client';
// The collapsible lesson pane on the left edge of the playground: open by default when the
// session has a lesson (its content is the children), a thin rail otherwise.
import { useState, type ReactNode } from 'react';
import { usePrefs } from './prefs-provider';

/** A collapsible lesson pane; `children` is the lesson, shown open from the start. */
export function LessonSlot({ lessonId, full = false, children }: { lessonId: string | null; full?: boolean; children?: ReactNode }) {
  const { t } = usePrefs();
  const [userOpen, setOpen] = useState(lessonId !== null);
  // Full (a narrow screen showing the lesson): the whole width, always open.
  const open = full || userOpen;
  return (
    <aside
      data-testid="lesson-slot"
      data-open={open}
      data-lesson={lessonId ?? ''}
      aria-label={t('lesson.title')}
      className={`flex border-r border-line bg-panel transition-[width] duration-200 ${full ? 'min-w-0 flex-1' : `shrink-0 ${open ? (lessonId ? 'w-[28rem] max-w-[45vw]' : 'w-[22rem]') : 'w-9'}`}`}
    >
      {!full && <button
        type="button"
        data-testid="lesson-toggle"
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        title={open ? t('lesson.hide') : t('lesson.show')}
        aria-label={open ? t('lesson.hide') : t('lesson.show')}
        className="flex w-9 shrink-0 flex-col items-center gap-2 py-3 text-muted hover:text-fg"
      >
        <span aria-hidden="true">{open ? '‹' : '›'}</span>
        <span className="text-xs [writing-mode:vertical-rl]">{t('lesson.title')}</span>
      </button>}
      {/* Kept mounted while collapsed, so the lesson's place and check results survive. */}
      {children ? (
        <div className={`min-w-0 flex-1 flex-col ${open ? 'flex' : 'hidden'}`}>{children}</div>
      ) : (
        open && (
          <div className="flex flex-1 items-start p-4 pl-1">
            <p className="text-sm text-muted">{t('lesson.none')}</p>
          </div>
        )
      )}
    </aside>
  );
}
