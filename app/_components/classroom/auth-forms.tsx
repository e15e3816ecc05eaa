'use client';
// The staff account forms: first set-up of the administrator, sign-in, and password change.
// Each validates with the contract's own schemas before sending and shows the server's
// refusal as a translated sentence.
import { useState, type FormEvent } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Password, Username } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { changePassword, setupAdmin, signIn } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { usePrefs } from '../prefs-provider';
import { Field, FormNote, PRIMARY_BUTTON } from './fields';
import { refreshMe, useMe } from './use-me';

type Note = { kind: 'error'; text: string } | { kind: 'ok'; text: string } | null;

/** Creates the first (admin) account while none exists; then opens the instructors page. */
export function SetupForm() {
  const { t, lang } = usePrefs();
  const router = useRouter();
  const { state } = useMe();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);

  if (state.phase === 'ready' && !state.me.setupNeeded) {
    return (
      <p data-testid="setup-done">
        {t('setup.done')}{' '}
        <Link href="/sign-in" className="text-accent underline">
          {t('signIn.submit')}
        </Link>
      </p>
    );
  }

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget);
    const username = Username.safeParse(form.get('username'));
    const password = String(form.get('password') ?? '');
    if (!username.success) return setNote({ kind: 'error', text: t('auth.usernameHint') });
    if (!Password.safeParse(password).success) return setNote({ kind: 'error', text: t('auth.passwordHint') });
    if (password !== form.get('repeat')) return setNote({ kind: 'error', text: t('auth.passwordMismatch') });
    const code = String(form.get('setupCode') ?? '').trim();
    setBusy(true);
    const result = await setupAdmin(username.data, password, code || undefined);
    setBusy(false);
    if (!result.ok) return setNote({ kind: 'error', text: errorText(lang, result) });
    await refreshMe();
    router.push('/admin');
  }

  return (
    <form onSubmit={(ev) => void submit(ev)} data-testid="setup-form" className="flex max-w-md flex-col gap-4">
      <p className="text-muted">{t('setup.intro')}</p>
      <Field label={t('auth.username')} hint={t('auth.usernameHint')} name="username" autoComplete="username" required testId="setup-username" />
      <Field label={t('auth.password')} hint={t('auth.passwordHint')} name="password" type="password" autoComplete="new-password" required testId="setup-password" />
      <Field label={t('auth.passwordRepeat')} name="repeat" type="password" autoComplete="new-password" required testId="setup-repeat" />
      {state.phase === 'ready' && state.me.setupCodeRequired && (
        <Field label={t('setup.code')} hint={t('setup.codeHint')} name="setupCode" autoComplete="off" spellCheck={false} required testId="setup-code" />
      )}
      {note && <FormNote kind={note.kind} testId="setup-error">{note.text}</FormNote>}
      <button type="submit" disabled={busy} aria-busy={busy} data-testid="setup-submit" className={PRIMARY_BUTTON}>
        {busy ? t('auth.busy') : t('setup.submit')}
      </button>
    </form>
  );
}

/** Staff sign-in; on success opens `next` (default: the classes page). */
export function SignInForm({ next = '/classes' }: { next?: string }) {
  const { t, lang } = usePrefs();
  const router = useRouter();
  const { state } = useMe();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiFailure | null>(null);

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget);
    setBusy(true);
    setFailure(null);
    const result = await signIn(String(form.get('username') ?? '').trim().toLowerCase(), String(form.get('password') ?? ''));
    setBusy(false);
    if (!result.ok) return setFailure(result);
    await refreshMe();
    // Only a path on this site: never an absolute URL from the query.
    router.push(next.startsWith('/') && !next.startsWith('//') ? next : '/classes');
  }

  return (
    <form onSubmit={(ev) => void submit(ev)} data-testid="sign-in-form" className="flex max-w-md flex-col gap-4">
      <p className="text-muted">{t('signIn.intro')}</p>
      {state.phase === 'ready' && state.me.setupNeeded && (
        <p data-testid="setup-needed">
          {t('signIn.setupFirst')}{' '}
          <Link href="/setup" className="text-accent underline">
            {t('signIn.setupLink')}
          </Link>
        </p>
      )}
      <Field label={t('auth.username')} name="username" autoComplete="username" required testId="sign-in-username" />
      <Field label={t('auth.password')} name="password" type="password" autoComplete="current-password" required testId="sign-in-password" />
      {failure && (
        <FormNote kind="error" testId="sign-in-error">
          {errorText(lang, failure, { RATE_LIMITED: 'signIn.rateLimited' })}
        </FormNote>
      )}
      <button type="submit" disabled={busy} aria-busy={busy} data-testid="sign-in-submit" className={PRIMARY_BUTTON}>
        {busy ? t('auth.busy') : t('signIn.submit')}
      </button>
    </form>
  );
}

/** Password change of the signed-in account. */
export function PasswordForm() {
  const { t, lang } = usePrefs();
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const formEl = ev.currentTarget;
    const form = new FormData(formEl);
    const next = String(form.get('next') ?? '');
    if (!Password.safeParse(next).success) return setNote({ kind: 'error', text: t('auth.passwordHint') });
    if (next !== form.get('repeat')) return setNote({ kind: 'error', text: t('auth.passwordMismatch') });
    setBusy(true);
    const result = await changePassword(String(form.get('current') ?? ''), next);
    setBusy(false);
    if (!result.ok) return setNote({ kind: 'error', text: errorText(lang, result) });
    formEl.reset();
    setNote({ kind: 'ok', text: t('password.changed') });
  }

  return (
    <form onSubmit={(ev) => void submit(ev)} data-testid="password-form" className="flex max-w-md flex-col gap-4">
      <Field label={t('password.current')} name="current" type="password" autoComplete="current-password" required testId="password-current" />
      <Field label={t('password.next')} hint={t('auth.passwordHint')} name="next" type="password" autoComplete="new-password" required testId="password-next" />
      <Field label={t('auth.passwordRepeat')} name="repeat" type="password" autoComplete="new-password" required testId="password-repeat" />
      {note && <FormNote kind={note.kind} testId="password-note">{note.text}</FormNote>}
      <button type="submit" disabled={busy} aria-busy={busy} data-testid="password-submit" className={PRIMARY_BUTTON}>
        {busy ? t('auth.busy') : t('password.submit')}
      </button>
    </form>
  );
}
