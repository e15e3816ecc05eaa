'use client';
// The header's account corner: a "Staff sign-in" link for visitors, and for a signed-in
// admin or instructor a menu with their classes, the instructors page (admin), password
// change and sign-out. Keyboard: Enter/Space opens, Escape closes and returns focus.
import { useEffect, useRef, useState } from 'react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { signOut } from '../../_lib/classroom-client';
import { usePrefs } from '../prefs-provider';
import { refreshMe, useMe } from './use-me';

/** The staff menu, or the sign-in link. */
export function StaffMenu() {
  const { t } = usePrefs();
  const router = useRouter();
  const { state } = useMe();
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelector<HTMLElement>('a,button')?.focus();
    const onKey = (ev: KeyboardEvent) => {
      if (ev.key === 'Escape') {
        setOpen(false);
        buttonRef.current?.focus();
      }
    };
    const onClick = (ev: MouseEvent) => {
      if (!menuRef.current?.contains(ev.target as Node) && !buttonRef.current?.contains(ev.target as Node)) setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onClick);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onClick);
    };
  }, [open]);

  if (state.phase !== 'ready') return null;
  const staff = state.me.staff;
  if (!staff) {
    return (
      <Link href="/sign-in" prefetch={false} data-testid="staff-sign-in-link" className="text-xs text-muted hover:text-fg">
        {t('staff.signIn')}
      </Link>
    );
  }

  async function doSignOut() {
    setOpen(false);
    await signOut();
    await refreshMe();
    router.push('/');
  }

  const item = 'block w-full rounded px-3 py-1.5 text-left text-sm hover:bg-raised focus:bg-raised focus:outline-none';
  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        data-testid="staff-menu"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={t('staff.menu', { name: staff.username })}
        onClick={() => setOpen((v) => !v)}
        className="flex items-center gap-1.5 rounded-md border border-line px-2 py-1 text-xs"
      >
        <span className="font-medium">{staff.username}</span>
        <span className="text-muted">{t(`role.${staff.role}`)}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div ref={menuRef} role="menu" data-testid="staff-menu-items" className="absolute right-0 top-full z-40 mt-1 w-52 rounded-lg border border-line bg-panel p-1 shadow-lg">
          <Link role="menuitem" href="/classes" className={item} onClick={() => setOpen(false)} data-testid="menu-classes">
            {t('staff.classes')}
          </Link>
          {staff.role === 'admin' && (
            <Link role="menuitem" href="/admin" className={item} onClick={() => setOpen(false)} data-testid="menu-admin">
              {t('staff.admin')}
            </Link>
          )}
          <Link role="menuitem" href="/account/password" className={item} onClick={() => setOpen(false)} data-testid="menu-password">
            {t('staff.password')}
          </Link>
          <button role="menuitem" type="button" className={item} onClick={() => void doSignOut()} data-testid="menu-sign-out">
            {t('staff.signOut')}
          </button>
        </div>
      )}
    </div>
  );
}
