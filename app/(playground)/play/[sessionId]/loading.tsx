// Shown while the playground route renders.
import { PlaygroundLoading } from '../../../_components/playground-loading';

/** Loading state of /play/<sessionId>. */
export default function Loading() {
  return <PlaygroundLoading />;
}
