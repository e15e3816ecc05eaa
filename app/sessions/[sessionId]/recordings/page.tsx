// /sessions/<sessionId>/recordings: this browser's recordings of one of its sessions.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SessionId } from '../../../../protocol/http';
import { PageFrame } from '../../../_components/classroom/page-frame';
import { SessionRecordings } from '../../../_components/classroom/session-recordings';

/** Not indexed. */
export const metadata: Metadata = { title: 'Recordings', robots: { index: false } };

/** /sessions/<sessionId>/recordings */
export default async function RecordingsPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  if (!SessionId.safeParse(sessionId).success) notFound();
  return (
    <PageFrame title="rec.title">
      <SessionRecordings sessionId={sessionId} />
    </PageFrame>
  );
}
