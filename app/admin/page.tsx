// /admin: the administrator lists, adds and disables instructors.
import type { Metadata } from 'next';
import { AdminPanel } from '../_components/classroom/staff-pages';
import { PageFrame } from '../_components/classroom/page-frame';

/** Not indexed. */
export const metadata: Metadata = { title: 'Instructors', robots: { index: false } };

/** /admin */
export default function AdminPage() {
  return (
    <PageFrame title="admin.title">
      <AdminPanel />
    </PageFrame>
  );
}
