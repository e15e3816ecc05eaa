'use client';
// The administrator's instructors page: every staff account with its role and state, a
// form that adds one (user name + password), and "Disable" behind a confirmation.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Password, Username, type StaffView } from '../../../protocol/classroom';
import type { ApiFailure } from '../../_lib/api-client';
import { createStaff, disableStaff, listStaff } from '../../_lib/classroom-client';
import { errorText } from '../../_lib/error-text';
import { formatMoment } from '../../_lib/format';
import { ConfirmAction } from '../confirm-action';
import { usePrefs } from '../prefs-provider';
import { AdminHostNotice } from './admin-host';
import { Field, FormNote, PRIMARY_BUTTON } from './fields';

/** The instructors list and the add form. */
export function AdminUsers({ self }: { self: StaffView }) {
  const { t, lang } = usePrefs();
  const [users, setUsers] = useState<StaffView[] | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [note, setNote] = useState<{ kind: 'error' | 'ok'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const result = await listStaff();
    if (result.ok) setUsers(result.value.users);
    else setFailure(result);
  }, []);
  useEffect(() => void load(), [load]);

  async function add(ev: FormEvent<HTMLFormElement>) {
    ev.preventDefault();
    const formEl = ev.currentTarget;
    const form = new FormData(formEl);
    const username = Username.safeParse(form.get('username'));
    const password = String(form.get('password') ?? '');
    if (!username.success) return setNote({ kind: 'error', text: t('auth.usernameHint') });
    if (!Password.safeParse(password).success) return setNote({ kind: 'error', text: t('auth.passwordHint') });
    setBusy(true);
    const result = await createStaff({ username: username.data, password, role: form.get('role') === 'admin' ? 'admin' : 'instructor' });
    setBusy(false);
    if (!result.ok) return setNote({ kind: 'error', text: errorText(lang, result) });
    formEl.reset();
    setNote({ kind: 'ok', text: t('admin.added', { name: result.value.username }) });
    void load();
  }

  async function disable(user: StaffView) {
    const result = await disableStaff(user.id);
    if (!result.ok) setNote({ kind: 'error', text: errorText(lang, result) });
    void load();
  }

  return (
    <div className="flex flex-col gap-8">
      <AdminHostNotice />
      <p className="text-muted">{t('admin.intro')}</p>
      {failure && <FormNote kind="error">{errorText(lang, failure)}</FormNote>}
      {users && users.length <= 1 && <p className="text-sm text-muted">{t('admin.empty')}</p>}
      {users && (
        <div className="overflow-x-auto">
          <table data-testid="staff-table" className="w-full text-left text-sm">
            <thead className="border-b border-line text-muted">
              <tr>
                <th className="py-2 pr-3 font-medium">{t('auth.username')}</th>
                <th className="py-2 pr-3 font-medium">{t('admin.role')}</th>
                <th className="py-2 pr-3 font-medium">{t('admin.created')}</th>
                <th className="py-2 pr-3 font-medium">{t('admin.status')}</th>
                <th className="py-2" />
              </tr>
            </thead>
            <tbody>
              {users.map((user) => (
                <tr key={user.id} data-testid="staff-row" data-username={user.username} data-disabled={user.disabled} className="border-b border-line/60">
                  <td className="py-2 pr-3 font-medium">{user.username}</td>
                  <td className="py-2 pr-3">{t(`role.${user.role}`)}</td>
                  <td className="py-2 pr-3 text-muted">{formatMoment(lang, user.createdAt)}</td>
                  <td className={`py-2 pr-3 ${user.disabled ? 'text-danger' : 'text-ok'}`}>{user.disabled ? t('admin.disabled') : t('admin.active')}</td>
                  <td className="py-2 text-right">
                    {!user.disabled && user.id !== self.id && (
                      <ConfirmAction
                        testId={`disable-${user.username}`}
                        label={t('admin.disable')}
                        question={t('admin.disableConfirm', { name: user.username })}
                        confirmLabel={t('admin.disable')}
                        cancelLabel={t('form.cancel')}
                        onConfirm={() => void disable(user)}
                        className="rounded-md border border-danger/50 px-2 py-1 text-xs text-danger hover:bg-danger/10"
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={(ev) => void add(ev)} data-testid="add-staff-form" className="flex max-w-md flex-col gap-4 rounded-lg border border-line bg-panel p-4">
        <h2 className="text-lg font-semibold">{t('admin.addTitle')}</h2>
        <Field label={t('auth.username')} hint={t('auth.usernameHint')} name="username" autoComplete="off" required testId="add-staff-username" />
        <Field label={t('auth.password')} hint={t('auth.passwordHint')} name="password" type="password" autoComplete="new-password" required testId="add-staff-password" />
        <label className="flex flex-col gap-1 text-sm font-medium">
          {t('admin.role')}
          <select name="role" data-testid="add-staff-role" defaultValue="instructor" className="rounded-md border border-line bg-bg px-3 py-2 font-normal">
            <option value="instructor">{t('role.instructor')}</option>
            <option value="admin">{t('role.admin')}</option>
          </select>
        </label>
        {note && <FormNote kind={note.kind} testId="add-staff-note">{note.text}</FormNote>}
        <button type="submit" disabled={busy} aria-busy={busy} data-testid="add-staff-submit" className={PRIMARY_BUTTON}>
          {t('admin.add')}
        </button>
      </form>
    </div>
  );
}
