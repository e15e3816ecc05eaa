// A sandbox runtime whose networks pull docker.io images through a host image mirror of
// the test's own (server/mirror/, on a free port), as nodes of a student's session do: the
// course's `docker run nginx` works offline only through it.
import { pino } from 'pino';
import { loadConfig } from '../../server/config.js';
import { shortImageName, startMirror } from '../../server/mirror/index.js';
import { openRuntime } from '../../server/runtime.js';

export type MirroredRuntime = ReturnType<typeof openRuntime> & { close(): Promise<void> };

/** Starts the mirror, then opens the runtime that names its port. @throws when the mirror does not start */
export async function openMirroredRuntime(): Promise<MirroredRuntime> {
  const config = loadConfig();
  let images: () => string[] = () => [];
  const mirror = await startMirror({ ...config, mirror: true, mirrorPort: 0 }, pino({ level: 'warn' }), () => ({ images: images() }));
  if (mirror === null) throw new Error('the host image mirror did not start (see the log above)');
  const runtime = openRuntime(config, { mirrorPort: mirror.port });
  images = () => [...new Set((runtime.imageSet.current()?.images ?? []).flatMap((i) => i.tags.map(shortImageName)))];
  return { ...runtime, close: () => mirror.close() };
}
