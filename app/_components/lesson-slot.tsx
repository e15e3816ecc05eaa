'use client';
// The place the lesson pane will take: collapsed to a thin rail by default, and honest
// about being empty until lessons exist.
import { useState } from 'react';
import { usePrefs } from './prefs-provider';

/** A collapsible, currently empty lesson pane on the left edge of the playground. */
export function LessonSlot({ lessonId }: { lessonId: string | null }) {
  const { t } = usePrefs();
  const [open, setOpen] = useState(false);
  return (
    <aside
      data-testid="lesson-slot"
      data-open={open}
      data-lesson={lessonId ?? ''}
      aria-label={t('lesson.title')}
      className={`flex shrink-0 border-r border-line bg-panel transition-[width] duration-200 ${open ? 'w-[22rem]' : 'w-9'}`}
    >
      <button
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
      </button>
      {open && (
        <div className="flex flex-1 items-start p-4 pl-1">
          <p className="text-sm text-muted">{t('lesson.none')}</p>
        </div>
      )}
    </aside>
  );
}
