// /join: a student joins a class with its code and a display name.
import type { Metadata } from 'next';
import { JoinForm } from '../_components/classroom/join-form';
import { PageFrame } from '../_components/classroom/page-frame';

/** Join page title. */
export const metadata: Metadata = { title: 'Join a class' };

/** /join */
export default function JoinPage() {
  return (
    <PageFrame title="join.title">
      <JoinForm />
    </PageFrame>
  );
}
