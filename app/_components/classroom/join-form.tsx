'use client';
// Joining a class: the code (any case, with or without the dash) and a display name. With a
// code in the link (/join/<code>) the class's name is shown first. Clear sentences for an
// unknown code, a closed class and too many tries; success opens the class page.
import { useEffect, useState, type FormEvent } from 'react';
import { useRouter } from 'next/navigation';
import { DisplayName, type JoinPreview } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { joinClass, previewJoin } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import type { MessageKey } from '../../_lib/i18n';
import { formatJoinCode, isJoinCode, normalizeJoinCode } from '../../_lib/join-code';
import { usePrefs } from '../prefs-provider';
import { Field, FormNote, PRIMARY_BUTTON } from './fields';
import { refreshMe } from './use-me';

/** How join failures read. */
const JOIN_ERRORS: Record<string, MessageKey> = {
  RATE_LIMITED: 'join.rateLimited',
  CLASS_CLOSED: 'join.closed',
  CLASS_NOT_FOUND: 'error.CLASS_NOT_FOUND',
  SESSION_NOT_FOUND: 'error.CLASS_NOT_FOUND',
  NOT_FOUND: 'error.CLASS_NOT_FOUND',
};

/** The join form; `initialCode` from /join/<code>. */
export function JoinForm({ initialCode = '' }: { initialCode?: string }) {
  const { t, lang } = usePrefs();
  const router = useRouter();
  const [code, setCode] = useState(initialCode ? formatJoinCode(initialCode) : '');
  const [preview, setPreview] = useState<JoinPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const say = (failure: ApiFailure) => setError(errorText(lang, failure, JOIN_ERRORS));

  useEffect(() => {
    if (!initialCode || !isJoinCode(initialCode)) return;
    void previewJoin(normalizeJoinCode(initialCode)).then((result) => {
      if (result.ok) setPreview(result.value);
      else setError(errorText(lang, result, JOIN_ERRORS));
    });
    // Once per link: the language switch must not ask again (guessing is rate-limited).
  }, [initialCode]);

  async function submit(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget);
    if (!isJoinCode(code)) return setError(t('join.badCode'));
    const name = DisplayName.safeParse(form.get('displayName'));
    if (!name.success) return setError(t('join.nameHint'));
    setBusy(true);
    setError(null);
    const result = await joinClass(normalizeJoinCode(code), name.data);
    if (!result.ok) {
      setBusy(false);
      return say(result);
    }
    await refreshMe();
    router.push(`/class/${result.value.classId}`);
  }

  return (
    <form onSubmit={(ev) => void submit(ev)} data-testid="join-form" className="flex max-w-md flex-col gap-4">
      {preview && (
        <p data-testid="join-preview" className="rounded-md border border-line bg-panel px-3 py-2 text-lg font-semibold">
          {t('join.class', { name: preview.name })}
        </p>
      )}
      {preview && !preview.openNow && <FormNote kind="error">{t('join.closed')}</FormNote>}
      <Field
        label={t('join.code')}
        hint={t('join.codeHint')}
        name="code"
        value={code}
        onChange={(ev) => {
          setCode(ev.target.value.toUpperCase());
          setPreview(null);
        }}
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        maxLength={20}
        required
        testId="join-code-input"
        className="[&_input]:font-mono [&_input]:text-2xl [&_input]:tracking-widest"
      />
      <Field label={t('join.name')} hint={t('join.nameHint')} name="displayName" maxLength={40} autoComplete="nickname" required testId="join-name" />
      {error && <FormNote kind="error" testId="join-error">{error}</FormNote>}
      <button type="submit" disabled={busy} aria-busy={busy} data-testid="join-submit" className={PRIMARY_BUTTON}>
        {busy ? t('join.joining') : t('join.submit')}
      </button>
    </form>
  );
}
