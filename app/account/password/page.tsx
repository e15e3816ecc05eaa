// /account/password: the signed-in staff member changes their password.
import type { Metadata } from 'next';
import { PasswordPanel } from '../../_components/classroom/staff-pages';
import { PageFrame } from '../../_components/classroom/page-frame';

/** Not indexed. */
export const metadata: Metadata = { title: 'Password', robots: { index: false } };

/** /account/password */
export default function PasswordPage() {
  return (
    <PageFrame title="password.title">
      <PasswordPanel />
    </PageFrame>
  );
}
