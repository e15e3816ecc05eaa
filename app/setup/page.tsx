// /setup: the first visit of a fresh install creates the administrator account.
import type { Metadata } from 'next';
import { SetupForm } from '../_components/classroom/auth-forms';
import { PageFrame } from '../_components/classroom/page-frame';

/** Not indexed. */
export const metadata: Metadata = { title: 'Set up', robots: { index: false } };

/** /setup */
export default function SetupPage() {
  return (
    <PageFrame title="setup.title">
      <SetupForm />
    </PageFrame>
  );
}
