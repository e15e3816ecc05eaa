// `pier image build`'s last step: pushes the offline image set into the mirror's storage,
// so nodes pull it through the mirror without internet (docker cannot read podman's shared
// store; podman finds the images there and in the mirror alike).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { runTool } from './tool.js';
import { registryPaths, SupervisedRegistry } from './registry.js';

/** Copy tool of Debian's skopeo package. */
export const SKOPEO_BINARY = 'skopeo';
/** Time one image's copy may take (postgres is ~400 MB). */
export const PRELOAD_COPY_TIMEOUT_MS = 600_000;

/** What to preload. */
export interface PreloadOptions {
  stateDir: string;
  /** podman's store of the image set (mounted read-only), e.g. `…/mnt/storage`. */
  store: string;
  /** The set's images with their full tags (`docker.io/library/nginx:latest`). */
  images: readonly { name: string; tags: readonly string[] }[];
  log: Logger;
  onImage?: (tag: string, index: number, total: number) => void;
}

/** The registry path of a docker.io tag: `docker.io/library/nginx:1.22` → `library/nginx:1.22`. */
export function registryPath(tag: string): string {
  return tag.replace(/^docker\.io\//, '');
}

/**
 * Starts a writable registry on loopback over the mirror's storage, copies every tag from
 * the read-only store into it (layers already there are skipped), and stops it. The
 * server's own registry may run meanwhile: the storage is content-addressed.
 * @returns the number of tags copied
 */
export async function preloadMirror(o: PreloadOptions): Promise<number> {
  const p = registryPaths(o.stateDir);
  const registry = new SupervisedRegistry({ mode: 'preload', stateDir: o.stateDir, port: 0, upstream: '', log: o.log, configFile: p.preloadConfig });
  // skopeo reads the set through a scratch store that lists it as an additional (read-only)
  // image store, since the set's own store is on a read-only filesystem and cannot be locked.
  const scratch = await mkdtemp(path.join(tmpdir(), 'pier-preload-'));
  const storageConf = path.join(scratch, 'storage.conf');
  await writeFile(
    storageConf,
    [
      '[storage]',
      'driver = "overlay"',
      `graphroot = ${JSON.stringify(path.join(scratch, 'graph'))}`,
      `runroot = ${JSON.stringify(path.join(scratch, 'run'))}`,
      '[storage.options]',
      `additionalimagestores = [${JSON.stringify(o.store)}]`,
      '',
    ].join('\n'),
  );
  const tags = o.images.flatMap((i) => i.tags);
  try {
    await registry.start();
    let n = 0;
    for (const tag of tags) {
      o.onImage?.(tag, n, tags.length);
      await runTool(
        SKOPEO_BINARY,
        ['copy', '--quiet', '--dest-tls-verify=false', `containers-storage:${tag}`, `docker://${registry.url.replace(/^http:\/\//, '')}/${registryPath(tag)}`],
        { env: { CONTAINERS_STORAGE_CONF: storageConf }, timeoutMs: PRELOAD_COPY_TIMEOUT_MS },
      );
      n += 1;
    }
    return n;
  } finally {
    await registry.stop();
    // containers/storage's overlay driver leaves its graph directory bind-mounted on itself.
    await runTool('umount', ['-R', path.join(scratch, 'graph', 'overlay')], { timeoutMs: PRELOAD_COPY_TIMEOUT_MS }).catch(() => undefined);
    await rm(scratch, { recursive: true, force: true });
  }
}
