// /rejoin?token=…: an instructor's personal link that moves a student to this browser.
import type { Metadata } from 'next';
import { PageFrame } from '../_components/classroom/page-frame';
import { RejoinView } from '../_components/classroom/rejoin-view';

/** Not indexed. */
export const metadata: Metadata = { title: 'Rejoin', robots: { index: false } };

/** /rejoin */
export default async function RejoinPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const { token } = await searchParams;
  return (
    <PageFrame title="rejoin.title">
      <RejoinView token={typeof token === 'string' && token.length <= 1000 ? token : null} />
    </PageFrame>
  );
}
