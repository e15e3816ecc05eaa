// The sandbox's root filesystem: overlayfs with the shared read-only image below and the
// sandbox's own disk above.
import { mkdir } from 'node:fs/promises';
import { runChecked } from '../host/command.js';

/**
 * Mounts overlayfs at `target`: `lower` (the image, shared by every sandbox, never
 * written), `upper` and `work` on the sandbox's disk.
 */
export async function mountOverlay(lower: string, upper: string, work: string, target: string): Promise<void> {
  await mkdir(target, { recursive: true });
  for (const p of [lower, upper, work]) {
    // overlayfs splits its option string on ',' and ':'; our paths never hold them.
    if (/[,:]/.test(p)) throw new Error(`overlay path contains ',' or ':': ${p}`);
  }
  await runChecked('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, target], {
    errorCode: 'DISK_SETUP_FAILED',
  });
}
