// The playground route: checks the session id's shape, then hands over to the client UI,
// which loads the session and keeps it live over the events socket.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SessionId } from '../../../../protocol/http';
import { Playground } from '../../../_components/playground';

/** Not indexed: playgrounds are private and short-lived. */
export const metadata: Metadata = { title: 'Playground', robots: { index: false } };

/** /play/<sessionId> */
export default async function PlayPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  if (!SessionId.safeParse(sessionId).success) notFound();
  return <Playground sessionId={sessionId} />;
}
