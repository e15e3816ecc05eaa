'use client';
// A button whose action needs a second click: it opens a small popover asking the question,
// with confirm and cancel buttons (Escape cancels). Used for "Reset" and "End session".
import { useEffect, useRef, useState } from 'react';

/** Props of ConfirmAction. */
export type ConfirmActionProps = {
  /** Text of the first button. */
  label: string;
  /** The question asked before acting. */
  question: string;
  confirmLabel: string;
  cancelLabel: string;
  /** Runs after the confirm click. */
  onConfirm: () => void;
  /** Disables the button (e.g. while the action runs). */
  disabled?: boolean;
  /** Base test id: the button; `-confirm` and `-cancel` for the popover's buttons. */
  testId: string;
  /** Extra classes for the first button. */
  className?: string;
  /** Which edge of the button the popover aligns to. */
  align?: 'left' | 'right';
  /** Width class of the popover (it must fit inside scrolling containers). */
  popoverWidth?: string;
};

/** A destructive action behind a confirmation popover. */
export function ConfirmAction(props: ConfirmActionProps) {
  const [open, setOpen] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    cancelRef.current?.focus();
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);

  return (
    <span className="relative inline-flex">
      <button
        type="button"
        data-testid={props.testId}
        disabled={props.disabled}
        aria-expanded={open}
        onClick={() => setOpen((v) => !v)}
        className={props.className}
      >
        {props.label}
      </button>
      {open && (
        <div
          role="alertdialog"
          aria-label={props.question}
          className={`absolute top-full z-30 mt-1 ${props.popoverWidth ?? 'w-64'} rounded-lg border border-line bg-panel p-3 text-sm shadow-lg ${props.align === 'left' ? 'left-0' : 'right-0'}`}
        >
          <p className="mb-3 text-fg">{props.question}</p>
          <div className="flex justify-end gap-2">
            <button
              ref={cancelRef}
              type="button"
              data-testid={`${props.testId}-cancel`}
              onClick={() => setOpen(false)}
              className="rounded-md border border-line px-3 py-1 text-fg hover:bg-raised"
            >
              {props.cancelLabel}
            </button>
            <button
              type="button"
              data-testid={`${props.testId}-confirm`}
              onClick={() => {
                setOpen(false);
                props.onConfirm();
              }}
              className="rounded-md bg-danger px-3 py-1 font-medium text-white hover:brightness-110"
            >
              {props.confirmLabel}
            </button>
          </div>
        </div>
      )}
    </span>
  );
}
