// /sign-in: staff (administrator, instructors) sign in; `?next=/path` returns there after.
import type { Metadata } from 'next';
import { SignInForm } from '../_components/classroom/auth-forms';
import { PageFrame } from '../_components/classroom/page-frame';

/** Not indexed. */
export const metadata: Metadata = { title: 'Sign in', robots: { index: false } };

/** /sign-in */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <PageFrame title="signIn.title">
      <SignInForm next={typeof next === 'string' ? next : undefined} />
    </PageFrame>
  );
}
