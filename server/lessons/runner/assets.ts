// Copies a lesson's assets into a node. The files are read on the host from the lesson
// folder (never following a link out of it) and packed into a tar stream; a `tar -x`
// running *inside* the node unpacks it. The host never writes into a sandbox's
// directories, so a symlink the student planted at the target resolves inside their own
// sandbox and nowhere else.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { SandboxDriver } from '../../../sandbox/index.js';
import type { AssetSpec } from '../model.js';
import { writeTar, type TarEntry } from './tar.js';

/** Seconds one asset copy may take. */
export const ASSET_TIMEOUT_S = 60;
/** Largest asset bundle of one lesson node (bytes). */
export const MAX_ASSET_BYTES = 64 * 1024 * 1024;

/** An asset that cannot be copied: a missing file, a link out of the lesson, a failed unpack. */
export class AssetError extends Error {
  override name = 'AssetError';
}

/** Whether `child` is `parent` or inside it (both absolute, resolved). */
function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real path of `rel` inside the lesson folder `dir`.
 * @throws AssetError when it does not exist or resolves (through a symlink) outside `dir`
 */
export function resolveLessonFile(dir: string, rel: string): string {
  if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) throw new AssetError(`${rel}: not a path inside the lesson folder`);
  const root = realpathSync(dir);
  let real: string;
  try {
    real = realpathSync(path.join(root, rel));
  } catch {
    throw new AssetError(`${rel}: no such file in the lesson folder`);
  }
  if (!isInside(root, real)) throw new AssetError(`${rel}: is a link that leads out of the lesson folder`);
  return real;
}

/** The archive entries of one asset: its target path without the leading `/`. */
export function assetEntries(lessonDir: string, asset: AssetSpec): TarEntry[] {
  const src = resolveLessonFile(lessonDir, asset.from);
  const target = asset.to.replace(/^\/+/, '').replace(/\/+$/, '');
  if (target === '') throw new AssetError(`${asset.from}: cannot replace / of the node`);
  const fileMode = asset.mode === undefined ? undefined : parseInt(asset.mode, 8);
  const root = realpathSync(lessonDir);
  const entries: TarEntry[] = [];
  let total = 0;
  const walk = (hostPath: string, name: string): void => {
    const st = lstatSync(hostPath);
    if (st.isSymbolicLink()) {
      // A link inside an asset folder is copied as what it points to, if that stays inside.
      const real = realpathSync(hostPath);
      if (!isInside(root, real)) throw new AssetError(`${path.relative(root, hostPath)}: is a link that leads out of the lesson folder`);
      return walk(real, name);
    }
    if (st.isDirectory()) {
      entries.push({ name, type: 'dir', mode: st.mode & 0o777 });
      for (const child of readdirSync(hostPath).sort()) walk(path.join(hostPath, child), `${name}/${child}`);
      return;
    }
    if (!st.isFile()) throw new AssetError(`${path.relative(root, hostPath)}: neither a file nor a folder`);
    total += st.size;
    if (total > MAX_ASSET_BYTES) throw new AssetError(`${asset.from}: assets larger than ${MAX_ASSET_BYTES} bytes`);
    entries.push({ name, type: 'file', mode: fileMode ?? st.mode & 0o777, data: readFileSync(hostPath) });
  };
  if (!statSync(src).isDirectory() && !statSync(src).isFile()) throw new AssetError(`${asset.from}: neither a file nor a folder`);
  walk(src, target);
  return entries;
}

/**
 * Copies `assets` (those of one node) into sandbox `sandboxId`: one tar stream unpacked by
 * `tar -x` run as root inside the node. GNU tar there refuses absolute names and `..`.
 * @throws AssetError when an asset is bad or the unpack fails
 */
export async function copyAssets(driver: SandboxDriver, sandboxId: string, lessonDir: string, assets: readonly AssetSpec[]): Promise<void> {
  if (assets.length === 0) return;
  const archive = writeTar(assets.flatMap((a) => assetEntries(lessonDir, a)));
  const child = await driver.execPiped(sandboxId, {
    cmd: ['tar', '-x', '-f', '-', '-C', '/', '--touch', '--no-overwrite-dir', '--no-same-owner'],
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
    cwd: '/',
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString('utf8');
  });
  child.stdout.resume();
  child.stdin.end(archive);
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new AssetError(`copying assets took longer than ${ASSET_TIMEOUT_S} s`));
    }, ASSET_TIMEOUT_S * 1000);
    void child.exited.then((exit) => {
      clearTimeout(timer);
      if (exit.error !== undefined) reject(new AssetError(`cannot start tar in the node: ${exit.error}`));
      else resolve(exit.exitCode);
    });
  });
  if (code !== 0) throw new AssetError(`unpacking assets in the node failed (exit ${code}): ${stderr.trim().slice(0, 500)}`);
}
