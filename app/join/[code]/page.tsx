// /join/<code>: the join link of the projector and QR code; the code is filled in.
import type { Metadata } from 'next';
import { JoinForm } from '../../_components/classroom/join-form';
import { PageFrame } from '../../_components/classroom/page-frame';

/** Join page title. */
export const metadata: Metadata = { title: 'Join a class', robots: { index: false } };

/** /join/<code> */
export default async function JoinCodePage({ params }: { params: Promise<{ code: string }> }) {
  const { code } = await params;
  return (
    <PageFrame title="join.title">
      <JoinForm initialCode={decodeURIComponent(code).slice(0, 20)} />
    </PageFrame>
  );
}
