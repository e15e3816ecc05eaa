'use client';
// Rendered lesson HTML (sanitized by the server) with its actions wired by event delegation:
// a click on an element carrying `data-pier-action` runs, copies or writes its text (a
// `{{write}}` block into its file, through the server), and port links (`data-pier-port`)
// get their href from the session's port proxy.
import { useEffect, useRef, type MouseEvent } from 'react';
import { readAction, type LessonActionSpec } from '../../_lib/lesson-actions';
import { portPath } from '../port-links';
import { usePrefs } from '../prefs-provider';

/** How long the "copied" mark stays on a block (ms). */
export const FEEDBACK_MS = 1500;

/** Copies `text`, with the old execCommand path where the Clipboard API is unavailable. */
async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

/** Props of LessonHtml. */
export type LessonHtmlProps = {
  html: string;
  /** The session the port links point into; null (author preview) leaves them inert. */
  sessionId: string | null;
  /** Runs an exec action; absent (preview), exec blocks copy their text instead. */
  onExec?: (spec: LessonActionSpec) => void;
  /** Performs a write block; resolves to whether it was written. Absent, write blocks copy. */
  onWrite?: (spec: LessonActionSpec) => Promise<boolean>;
  testId?: string;
};

/** One block of lesson HTML. */
export function LessonHtml({ html, sessionId, onExec, onWrite, testId }: LessonHtmlProps) {
  const { t } = usePrefs();
  const ref = useRef<HTMLDivElement>(null);

  // Port links and action tooltips, after every render of new HTML.
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    for (const link of root.querySelectorAll<HTMLAnchorElement>('a[data-pier-port]')) {
      const port = Number(link.getAttribute('data-pier-port'));
      const node = link.getAttribute('data-pier-node') ?? 'node1';
      // An optional path after the port (`{{TRAFFIC_HOST1_80}}/api`), kept to plain URL characters.
      const rest = link.getAttribute('data-pier-path') ?? '';
      const suffix = /^\/[A-Za-z0-9/._~%?=&+:,-]*$/.test(rest) && !rest.split(/[/?]/).includes('..') ? rest.slice(1) : '';
      if (sessionId && Number.isInteger(port) && port > 0 && port < 65536 && /^node[1-9]$/.test(node)) {
        link.href = portPath(sessionId, node, port) + suffix;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
      } else {
        link.removeAttribute('href');
      }
    }
    for (const el of root.querySelectorAll<HTMLElement>('[data-pier-action]')) {
      const kind = el.getAttribute('data-pier-action');
      const exec = kind === 'exec' && onExec;
      const write = kind === 'write' && onWrite;
      el.title = write ? t('lesson.writeHint', { file: el.getAttribute('data-pier-file') ?? '' }) : exec ? t('lesson.runHint') : t('lesson.copyHint');
      el.setAttribute('role', 'button');
      el.tabIndex = 0;
    }
  }, [html, sessionId, onExec, onWrite, t]);

  function flash(el: HTMLElement, text: string) {
    el.setAttribute('data-pier-feedback', text);
    setTimeout(() => el.removeAttribute('data-pier-feedback'), FEEDBACK_MS);
  }

  function activate(target: EventTarget | null) {
    const root = ref.current;
    if (!root || !(target instanceof Element)) return false;
    const el = target.closest<HTMLElement>('[data-pier-action]');
    if (!el || !root.contains(el)) return false;
    const spec = readAction(el);
    if (!spec) return false;
    if (spec.action === 'exec' && onExec) {
      onExec(spec);
      flash(el, '▶');
    } else if (spec.action === 'write' && onWrite) {
      void onWrite(spec).then((ok) => flash(el, ok ? t('lesson.written') : t('lesson.writeFailed')));
    } else {
      void copyText(spec.text.replace(/\n$/, '')).then((ok) => flash(el, ok ? t('lesson.copied') : t('lesson.copyFailed')));
    }
    return true;
  }

  const onClick = (event: MouseEvent) => {
    // A selection being made is not a click on the command.
    if (window.getSelection()?.toString()) return;
    if (activate(event.target)) event.preventDefault();
  };

  return (
    <div
      ref={ref}
      data-testid={testId}
      className="pier-lesson"
      onClick={onClick}
      onKeyDown={(event) => {
        if ((event.key === 'Enter' || event.key === ' ') && activate(event.target)) event.preventDefault();
      }}
      // Sanitized by the server's renderer (no script, no javascript: links); see protocol/lesson.ts.
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
