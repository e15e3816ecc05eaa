'use client';
// Labelled form controls of the classroom's forms: text, number and switch, each with its
// label tied to the input, an optional hint, and the same look everywhere.
import { useId, type InputHTMLAttributes, type ReactNode } from 'react';

/** Shared look of text inputs. */
export const INPUT_CLASS =
  'w-full rounded-md border border-line bg-bg px-3 py-2 text-fg placeholder:text-muted focus:border-accent focus:outline-none focus:ring-2 focus:ring-accent/40';

/** Shared look of the main button. */
export const PRIMARY_BUTTON =
  'inline-flex items-center justify-center gap-2 rounded-md bg-accent px-4 py-2 font-medium text-accent-fg hover:brightness-110 disabled:cursor-progress disabled:opacity-70';

/** Shared look of secondary buttons. */
export const SECONDARY_BUTTON = 'inline-flex items-center justify-center gap-2 rounded-md border border-line px-3 py-1.5 text-sm hover:bg-raised disabled:opacity-50';

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & { label: string; hint?: ReactNode; testId?: string };

/** A labelled input (any type but checkbox). */
export function Field({ label, hint, testId, className, ...input }: InputProps) {
  const id = useId();
  return (
    <div className={`flex flex-col gap-1 ${className ?? ''}`}>
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input id={id} data-testid={testId} aria-describedby={hint ? `${id}-hint` : undefined} className={INPUT_CLASS} {...input} />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {hint}
        </p>
      )}
    </div>
  );
}

/** A switch: a checkbox with role="switch" and its label. */
export function Switch({
  label,
  checked,
  onChange,
  testId,
  disabled,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <label className="flex cursor-pointer items-center gap-3 text-sm">
      <input
        type="checkbox"
        role="switch"
        data-testid={testId}
        checked={checked}
        disabled={disabled}
        aria-checked={checked}
        onChange={(ev) => onChange(ev.target.checked)}
        className="peer sr-only"
      />
      <span
        aria-hidden="true"
        className="relative h-5 w-9 shrink-0 rounded-full bg-raised ring-1 ring-line transition peer-checked:bg-accent peer-focus-visible:ring-2 peer-focus-visible:ring-accent after:absolute after:top-0.5 after:left-0.5 after:size-4 after:rounded-full after:bg-fg after:transition peer-checked:after:translate-x-4 peer-checked:after:bg-accent-fg"
      />
      <span>{label}</span>
    </label>
  );
}

/** A sentence under a form: an error (role=alert) or a success note (role=status). */
export function FormNote({ kind, children, testId }: { kind: 'error' | 'ok'; children: ReactNode; testId?: string }) {
  return kind === 'error' ? (
    <p role="alert" data-testid={testId} className="rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger">
      {children}
    </p>
  ) : (
    <p role="status" data-testid={testId} className="rounded-md border border-ok/40 bg-ok/10 px-3 py-2 text-sm text-ok">
      {children}
    </p>
  );
}
