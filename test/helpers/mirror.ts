// Test helpers of the host image mirror: a runtime whose networks pull through a mirror,
// a loopback upstream registry, and a unique small image pushed into it over the HTTP API.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../server/config.js';
import { startMirror, type RunningMirror } from '../../server/mirror/index.js';
import { SupervisedRegistry } from '../../server/mirror/registry.js';
import { openRuntime } from '../../server/runtime.js';
import { ensureFirewall } from '../../sandbox/net/firewall.js';

export const quietLog = pino({ level: 'warn' });

/** A mirror of the given mode over a fresh storage dir (or the host's preloaded one). */
export async function testMirror(overrides: Partial<Config>): Promise<RunningMirror> {
  const config: Config = { ...loadConfig(), mirror: true, mirrorPort: 0, ...overrides };
  const mirror = await startMirror(config, quietLog, () => ({ images: ['busybox:latest', 'nginx:latest'] }));
  if (mirror === null) throw new Error('the mirror did not start (see the log above)');
  return mirror;
}

/** A sandbox runtime (as the server opens it) whose new networks pull through `port`. */
export function mirroredRuntime(port: number) {
  return openRuntime(loadConfig(), { mirrorPort: port });
}

/** A plain writable registry on loopback standing in for Docker Hub, with a request count. */
export async function upstreamRegistry(): Promise<{ url: string; blobGets: () => number; push: (name: string, tag: string) => Promise<string>; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-upstream-'));
  const registry = new SupervisedRegistry({ mode: 'preload', stateDir: dir, port: 0, upstream: '', log: quietLog });
  await registry.start();
  // A counting forwarder in front: the mirror's upstream. It counts blob GETs only.
  let blobGets = 0;
  const front = http.createServer((req, res) => {
    if (req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '')) blobGets += 1;
    const up = http.request(`${registry.url}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return {
    url,
    blobGets: () => blobGets,
    push: (name, tag) => pushImage(registry.url, name, tag),
    async close() {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      front.closeAllConnections();
      await registry.stop();
    },
  };
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Uploads one blob (monolithic: POST, then PUT with the digest). */
async function putBlob(base: string, name: string, data: Buffer): Promise<string> {
  const digest = sha(data);
  const start = await fetch(`${base}/v2/${name}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`upload start: ${start.status}`);
  const loc = new URL(start.headers.get('location') ?? '', base);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, { method: 'PUT', body: new Uint8Array(data), headers: { 'content-type': 'application/octet-stream' } });
  if (put.status !== 201) throw new Error(`blob put: ${put.status} ${await put.text()}`);
  return digest;
}

/**
 * Pushes a one-layer image (a file /pier-mirror-test with random content) and returns its
 * manifest digest: unique, so no node has any of its blobs before it pulls.
 */
export async function pushImage(base: string, name: string, tag: string): Promise<string> {
  const work = mkdtempSync(path.join(tmpdir(), 'pier-img-'));
  mkdirSync(path.join(work, 'root'));
  writeFileSync(path.join(work, 'root', 'pier-mirror-test'), randomBytes(256 * 1024).toString('hex'));
  const tar = execFileSync('tar', ['-C', path.join(work, 'root'), '--owner=0', '--group=0', '-cf', '-', '.']);
  const layer = gzipSync(tar);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/pier-mirror-test'] }, rootfs: { type: 'layers', diff_ids: [sha(tar)] } }));
  const layerDigest = await putBlob(base, name, layer);
  const configDigest = await putBlob(base, name, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
      config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.length, digest: configDigest },
      layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: layerDigest }],
    }),
  );
  const r = await fetch(`${base}/v2/${name}/manifests/${tag}`, { method: 'PUT', body: new Uint8Array(manifest), headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' } });
  if (r.status !== 201) throw new Error(`manifest put: ${r.status} ${await r.text()}`);
  return sha(manifest);
}

/** How often keepFirewall re-asserts pier's rules. */
const FIREWALL_REASSERT_MS = 250;

/**
 * Keeps pier's current firewall rules in place while a test runs. On a shared development
 * host older pier processes (other branches) rewrite the table with their own version of
 * the rules whenever they start, which drops the mirror's rule mid-pull; processes of one
 * version agree, so a deployment (or CI, where the suite runs alone) never sees this.
 * ensureFirewall is a no-op when the rules are current.
 * @returns stop
 */
export function keepFirewall(pool: string, mirrorPort: number): () => void {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = running.then(() => ensureFirewall({ pool, mirrorPort })).catch(() => undefined);
  };
  tick();
  const timer = setInterval(tick, FIREWALL_REASSERT_MS);
  return () => clearInterval(timer);
}

/**
 * A runtime whose networks pull through a mirror of the host's own preloaded offline set, as
 * nodes of a student's session do (the course's `docker run nginx` works offline only so).
 */
export async function openMirroredRuntime(): Promise<MirroredRuntime> {
  const mirror = await testMirror({});
  return { ...mirroredRuntime(mirror.port), close: () => mirror.close() };
}
export type MirroredRuntime = ReturnType<typeof mirroredRuntime> & { close(): Promise<void> };
