// The playground route: checks the session id's shape, then hands over to the client UI,
// which loads the session and keeps it live over the events socket. No loading.tsx: with
// one, notFound() would answer 200 (the stream has begun); the page renders at once anyway.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { SessionId } from '../../../../protocol/http';
import { Playground } from '../../../_components/playground';
import { translate } from '../../../_lib/i18n';
import { requestLang } from '../../../_lib/request-lang';

/** The title in the request's language; not indexed: playgrounds are private and short-lived. */
export async function generateMetadata(): Promise<Metadata> {
  return { title: translate(await requestLang(), 'title.play'), robots: { index: false } };
}

/** /play/<sessionId> */
export default async function PlayPage({ params }: { params: Promise<{ sessionId: string }> }) {
  const { sessionId } = await params;
  if (!SessionId.safeParse(sessionId).success) notFound();
  return <Playground sessionId={sessionId} />;
}
