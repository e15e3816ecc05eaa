// Builds the offline image set once per recipe hash:
//  1. mmdebstrap a minbase tree per Debian image (two at a time);
//  2. turn each into one layer: the debian tree whole, the others as what they add to it;
//  3. in a build sandbox made by pier's own runtime, podman imports the debian layer and
//     buildah stacks each other layer on its parent, so the store's files get the uids
//     every student sandbox sees (same user namespace mapping);
//  4. the sandbox's store becomes an ext4 image (mke2fs -d), mounted read-only on the host
//     and bound into every sandbox (store.ts).
import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { SandboxDriver } from '../../driver.js';
import { SandboxError } from '../../errors.js';
import { runChecked } from '../../host/command.js';
import { sandboxPaths, type RuntimePaths } from '../../layout.js';
import { OWNER_PID_LABEL } from '../../runc/reconcile.js';
import { writeRecipeFiles } from '../customize.js';
import { acquireLock, pidAlive } from '../lock.js';
import { chooseMirror } from '../mirror.js';
import { runMmdebstrap } from '../mmdebstrap.js';
import { removeTree } from '../tree.js';
import { diffTrees } from './diff.js';
import { imageSetHash, type ImageConfig, type ImageSetRecipe, type SetImage } from './recipes.js';
import { findImageSet, IMAGE_SET_DIR_MODE, imageSetManifestText, imageSetPaths, imageSetsDir, type ImageSetInfo, type ImageSetManifest } from './store.js';

/** Steps of a set build, in order. */
export type ImageSetStep = 'waiting' | 'debootstrap' | 'layers' | 'import' | 'store' | 'done';

/** One progress report of a set build. */
export interface ImageSetProgress {
  step: ImageSetStep;
  /** Rough overall completion, 0..100, never decreasing. */
  percent: number;
  message: string;
}

/** Options of buildImageSet. */
export interface BuildImageSetOptions {
  /** Build even when the set exists (replaced; sandboxes keep the old mount until restarted). */
  force?: boolean;
  onProgress?: (p: ImageSetProgress) => void;
  /** config `imageMirror` (see mirror.ts); empty: the host's apt sources. */
  mirror?: string;
  /** Sandbox image the build sandbox runs (its podman and buildah make the store). */
  sandboxImage: string;
}

/** mmdebstrap runs at once: two cores, and each is mostly dpkg's CPU. */
const DEBOOTSTRAP_CONCURRENCY = 2;
/** The build sandbox's limits: room for every layer twice (tars and store). */
const BUILD_SANDBOX_LIMITS = { diskBytes: 8 * 1024 ** 3, inodes: 1_000_000, memoryBytes: 2 * 1024 ** 3, pids: 4096 };
/** Time for the imports inside the build sandbox. */
const IMPORT_TIMEOUT_MS = 20 * 60 * 1000;
/** Free room left in the store image beyond its content. */
const STORE_IMAGE_SLACK = 1.1;
const STORE_IMAGE_EXTRA_BYTES = 64 * 1024 ** 2;
const LEFTOVER = /^\.build-[0-9a-f]+-(\d+)$/;
/** Where the layers go inside the build sandbox. */
const LAYERS_INSIDE = '/tmp/pier-layers';

/** Quotes a word for the POSIX shell. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** mmdebstrap's argv for one Debian image of the set. */
export function debootstrapArgs(recipe: ImageSetRecipe, image: SetImage, target: string, mirrorArgs: readonly string[]): string[] {
  return [
    '--mode=root',
    '--format=directory',
    '--variant=minbase',
    ...recipe.excludes.map((e) => `--dpkgopt=path-exclude=${e}`),
    ...(image.packages && image.packages.length > 0 ? [`--include=${image.packages.join(',')}`] : []),
    ...(image.hooks ?? []).map((h) => `--customize-hook=${h}`),
    '--',
    recipe.suite,
    target,
    ...mirrorArgs,
  ];
}

/** `buildah config` flags (also used for podman import's --change list, see importChanges). */
export function buildahConfigArgs(config: ImageConfig, createdBy: string): string[] {
  const args: string[] = ['--created-by', createdBy];
  for (const e of config.env ?? []) args.push('--env', e);
  if (config.entrypoint) args.push('--entrypoint', JSON.stringify(config.entrypoint));
  if (config.cmd) args.push('--cmd', JSON.stringify(config.cmd));
  for (const p of config.expose ?? []) args.push('--port', String(p));
  if (config.user) args.push('--user', config.user);
  if (config.workdir) args.push('--workingdir', config.workdir);
  if (config.stopSignal) args.push('--stop-signal', config.stopSignal);
  for (const v of config.volumes ?? []) args.push('--volume', v);
  return args;
}

/** `podman import --change` instructions for a root image. */
export function importChanges(config: ImageConfig): string[] {
  const changes: string[] = [];
  for (const e of config.env ?? []) changes.push(`ENV ${e}`);
  if (config.entrypoint) changes.push(`ENTRYPOINT ${JSON.stringify(config.entrypoint)}`);
  if (config.cmd) changes.push(`CMD ${JSON.stringify(config.cmd)}`);
  for (const p of config.expose ?? []) changes.push(`EXPOSE ${p}`);
  return changes;
}

/**
 * The script the build sandbox runs: podman import of the roots, buildah for each derived
 * image, then every tag. Prints `pier-step NAME` as each image starts.
 */
export function importScript(recipe: ImageSetRecipe): string {
  const q = shellQuote;
  const lines = ['set -eu', `cd ${LAYERS_INSIDE}`];
  for (const image of recipe.images) {
    const main = image.tags[0]!;
    lines.push(`echo pier-step ${q(image.name)}`);
    if (image.kind === 'busybox') {
      // The sandbox image's static busybox, with relative applet links.
      lines.push(
        'rm -rf bb && mkdir -p bb/bin && cp /bin/busybox bb/bin/busybox',
        '(cd bb/bin && for a in $(./busybox --list); do [ -e "$a" ] || ln -s busybox "$a"; done)',
        'tar --numeric-owner -C bb -cf busybox.tar .',
      );
    }
    if (image.kind !== 'derived') {
      const changes = importChanges(image.config).flatMap((c) => ['--change', c]);
      lines.push(`podman import --quiet ${changes.map(q).join(' ')} --message ${q(image.createdBy)} ${q(`${image.name}.tar`)} ${q(main)} >/dev/null`);
    } else {
      const parent = recipe.images.find((i) => i.name === image.from);
      if (!parent) throw new SandboxError('INVALID_ARGUMENT', `image ${image.name}: no parent ${image.from}`);
      lines.push(
        `c=$(buildah from --pull=never --quiet ${q(parent.tags[0]!)})`,
        `buildah add --quiet "$c" ${q(`${image.name}.tar`)} / >/dev/null`,
        `buildah config ${buildahConfigArgs(image.config, image.createdBy).map(q).join(' ')} "$c"`,
        `buildah commit --quiet --rm "$c" ${q(main)} >/dev/null`,
      );
    }
    for (const tag of image.tags.slice(1)) lines.push(`podman tag ${q(main)} ${q(tag)}`);
  }
  lines.push('podman images --format "{{.Repository}}:{{.Tag}}"');
  return `${lines.join('\n')}\n`;
}

/** Runs `fns` with at most `limit` at a time. */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Bytes allocated for a tree (du), each inode once. */
async function diskUsage(dir: string): Promise<{ bytes: number; inodes: number }> {
  const bytes = Number((await runChecked('du', ['-s', '-B1', dir], { timeoutMs: 120_000 })).split('\t')[0]);
  const inodes = Number((await runChecked('du', ['-s', '--inodes', dir], { timeoutMs: 120_000 })).split('\t')[0]);
  return { bytes, inodes };
}

/** Pipes `file` into a command inside the sandbox and waits for it. */
async function pipeInto(driver: SandboxDriver, sandboxId: string, file: string, cmd: string[]): Promise<void> {
  const child = await driver.execPiped(sandboxId, { cmd });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  createReadStream(file).pipe(child.stdin);
  const code = (await child.exited).exitCode;
  if (code !== 0) throw new SandboxError('IMAGE_BUILD_FAILED', `${cmd.join(' ')} in the build sandbox exited ${code}: ${stderr.trim()}`);
}

/** Runs a command on the host with stdout/stderr to nowhere but errors. */
async function host(file: string, args: string[], timeoutMs = 10 * 60 * 1000): Promise<string> {
  return runChecked(file, args, { errorCode: 'IMAGE_BUILD_FAILED', timeoutMs });
}

/**
 * Returns the image set of `recipe`, building it first unless it exists. Needs root.
 * @throws SandboxError IMAGE_BUILD_FAILED (with the failing step's output), HOST_UNSUPPORTED
 */
export async function buildImageSet(paths: RuntimePaths, driver: SandboxDriver, recipe: ImageSetRecipe, options: BuildImageSetOptions): Promise<ImageSetInfo> {
  const id = imageSetHash(recipe);
  if (!options.force) {
    const cached = findImageSet(paths, id);
    if (cached) return cached;
  }
  if (process.getuid?.() !== 0) {
    throw new SandboxError('HOST_UNSUPPORTED', `building image set ${id} needs root`, { userMessage: 'Building the Docker image set needs root.' });
  }
  const dir = imageSetsDir(paths);
  mkdirSync(dir, { recursive: true, mode: IMAGE_SET_DIR_MODE });
  const progress = options.onProgress ?? (() => {});
  const release = await acquireLock(path.join(dir, `.build-${id}.lock`), {
    onWait: (pid) => progress({ step: 'waiting', percent: 0, message: `another build of image set ${id} is running (pid ${pid})` }),
  });
  try {
    const existing = findImageSet(paths, id);
    if (existing && !options.force) return existing;
    for (const name of readdirSync(dir)) {
      const pid = Number(LEFTOVER.exec(name)?.[1]);
      if (!Number.isNaN(pid) && pid !== process.pid && !pidAlive(pid)) await removeTree(path.join(dir, name));
    }
    return await buildLocked(paths, driver, recipe, id, options, progress);
  } finally {
    release();
  }
}

async function buildLocked(
  paths: RuntimePaths,
  driver: SandboxDriver,
  recipe: ImageSetRecipe,
  id: string,
  options: BuildImageSetOptions,
  progress: (p: ImageSetProgress) => void,
): Promise<ImageSetInfo> {
  const started = Date.now();
  const steps: Record<string, number> = {};
  let stepStart = started;
  const lap = (name: string): void => {
    const now = Date.now();
    steps[name] = Math.round((now - stepStart) / 100) / 10;
    stepStart = now;
  };
  const final = imageSetPaths(paths, id);
  const tmp = path.join(path.dirname(final.dir), `.build-${id}-${process.pid}`);
  const trees = path.join(tmp, 'trees');
  const layers = path.join(tmp, 'layers');
  let sandboxId: string | null = null;
  try {
    if (existsSync(tmp)) await removeTree(tmp);
    // Searchable by the sandboxes' root (uid 100000): it becomes the set's directory.
    mkdirSync(tmp, { mode: IMAGE_SET_DIR_MODE });
    mkdirSync(trees, { mode: 0o700 });
    mkdirSync(layers, { recursive: true, mode: 0o700 });

    // 1. Debian trees.
    const mirror = chooseMirror(recipe.suite, options.mirror ?? '');
    const debian = recipe.images.filter((i) => i.kind === 'debian' || i.from === 'debian');
    const debianRoot = recipe.images.find((i) => i.kind === 'debian');
    if (!debianRoot) throw new SandboxError('INVALID_ARGUMENT', 'the image set has no debian root image');
    let done = 0;
    progress({ step: 'debootstrap', percent: 1, message: `${debian.length} Debian trees from ${mirror.description}` });
    await inParallel(debian, DEBOOTSTRAP_CONCURRENCY, async (image) => {
      const tree = path.join(trees, image.name);
      await runMmdebstrap(debootstrapArgs(recipe, image, tree, mirror.args));
      done += 1;
      progress({ step: 'debootstrap', percent: Math.round(1 + (done / debian.length) * 54), message: `${image.name} (${done}/${debian.length})` });
    });
    lap('debootstrap');

    // 2. One layer per image.
    const layerBytes: Record<string, number> = {};
    for (const image of recipe.images) {
      if (image.kind === 'busybox') continue; // made inside the build sandbox
      const tree = path.join(trees, image.name);
      if (!existsSync(tree)) mkdirSync(tree, { mode: 0o755 });
      if (image.files?.length) writeRecipeFiles(tree, image.files);
      const tar = path.join(layers, `${image.name}.tar`);
      const tarArgs = ['--numeric-owner', '--xattrs', '--xattrs-include=*', '-C', tree, '-cf', tar];
      if (image.kind === 'derived' && image.from === 'debian') {
        const diff = diffTrees(path.join(trees, debianRoot.name), tree);
        const list = path.join(tmp, `${image.name}.list`);
        writeFileSync(list, diff.changed.map((p) => `${p}\0`).join(''));
        await host('tar', [...tarArgs, '--no-recursion', '--null', '-T', list]);
        await removeTree(list);
      } else {
        await host('tar', [...tarArgs, '.']);
      }
      layerBytes[image.name] = statSync(tar).size;
      progress({ step: 'layers', percent: 58, message: `${image.name}: ${Math.round(statSync(tar).size / 1024 ** 2)} MiB layer` });
    }
    await removeTree(trees);
    lap('layers');

    // 3. podman and buildah in a sandbox.
    progress({ step: 'import', percent: 60, message: 'starting the build sandbox' });
    // The shared range: the store's files must be owned by the image's on-disk ids (100000..),
    // which every sandbox's idmapped view maps onto its own range.
    const sandbox = await driver.create({ hostname: 'imagebuild', image: options.sandboxImage, limits: BUILD_SANDBOX_LIMITS, uidMode: 'shared', labels: { purpose: 'image-set-build', [OWNER_PID_LABEL]: String(process.pid) } });
    sandboxId = sandbox.id;
    const bundle = path.join(tmp, 'layers.tar');
    await host('tar', ['-C', layers, '-cf', bundle, '.']);
    await removeTree(layers);
    await pipeInto(driver, sandbox.id, bundle, ['sh', '-c', `mkdir -p ${LAYERS_INSIDE} && tar -C ${LAYERS_INSIDE} -xf -`]);
    await removeTree(bundle);
    const imported = await runImport(driver, sandbox.id, recipe, progress);
    const missing = recipe.images.flatMap((i) => i.tags).filter((t) => !imported.includes(t));
    if (missing.length > 0) throw new SandboxError('IMAGE_BUILD_FAILED', `image set ${id}: not in the store after the import: ${missing.join(', ')}`);
    await driver.run(sandbox.id, { cmd: ['rm', '-rf', LAYERS_INSIDE], timeoutMs: 60_000 });
    lap('import');

    // 4. The store as a read-only ext4 image.
    progress({ step: 'store', percent: 92, message: 'writing the store image' });
    // /var/lib/containers of the build sandbox, i.e. `storage/` plus podman's small caches:
    // the filesystem's root directory is never what a sandbox sees, `storage/` is.
    const containersDir = path.join(sandboxPaths(paths, sandbox.id).disk, 'containers');
    const usage = await diskUsage(containersDir);
    const imageFile = path.join(tmp, 'store.img');
    const sizeKiB = Math.ceil((usage.bytes * STORE_IMAGE_SLACK + STORE_IMAGE_EXTRA_BYTES) / 1024);
    const inodes = Math.ceil(usage.inodes * 1.2) + 1024;
    await host('mke2fs', ['-q', '-t', 'ext4', '-O', '^has_journal', '-m', '0', '-L', 'pier-images', '-N', String(inodes), '-d', containersDir, imageFile, `${sizeKiB}k`]);
    await driver.destroy(sandbox.id);
    sandboxId = null;
    lap('store');

    const manifest: ImageSetManifest = {
      id,
      version: recipe.version,
      suite: recipe.suite,
      images: recipe.images.map((i) => ({ name: i.name, tags: [...i.tags], layerBytes: layerBytes[i.name] ?? 0 })),
      storeBytes: usage.bytes,
      imageFileBytes: statSync(imageFile).blocks * 512,
      createdAt: new Date().toISOString(),
      buildSeconds: Math.round((Date.now() - started) / 100) / 10,
      steps,
    };
    writeFileSync(path.join(tmp, 'image-set.json'), imageSetManifestText(manifest), { mode: 0o644 });
    mkdirSync(path.join(tmp, 'mnt'), { mode: IMAGE_SET_DIR_MODE });
    if (existsSync(final.dir)) renameSync(final.dir, `${tmp}-old`);
    renameSync(tmp, final.dir);
    if (existsSync(`${tmp}-old`)) await removeTree(`${tmp}-old`).catch(() => undefined);
  } catch (err) {
    if (sandboxId !== null) await driver.destroy(sandboxId).catch(() => undefined);
    await removeTree(tmp).catch(() => undefined);
    if (err instanceof SandboxError) throw err;
    throw new SandboxError('IMAGE_BUILD_FAILED', `building image set ${id}: ${(err as Error).message}`, { cause: err });
  }
  const set = findImageSet(paths, id);
  if (set === null) throw new SandboxError('IMAGE_BUILD_FAILED', `image set ${id} is not readable right after its build`);
  progress({ step: 'done', percent: 100, message: `image set ${id}` });
  return set;
}

/** Runs the import script in the build sandbox; returns the `repo:tag`s the store then holds. */
async function runImport(driver: SandboxDriver, sandboxId: string, recipe: ImageSetRecipe, progress: (p: ImageSetProgress) => void): Promise<string[]> {
  const child = await driver.execPiped(sandboxId, { cmd: ['bash', '-c', importScript(recipe)] });
  const out: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  let n = 0;
  createInterface({ input: child.stdout }).on('line', (line) => {
    const step = /^pier-step (\S+)$/.exec(line);
    if (step) {
      n += 1;
      progress({ step: 'import', percent: Math.round(60 + (n / recipe.images.length) * 30), message: step[1]! });
    } else out.push(line.trim());
  });
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), IMPORT_TIMEOUT_MS);
  const code = (await child.exited).exitCode;
  clearTimeout(timer);
  if (code !== 0) throw new SandboxError('IMAGE_BUILD_FAILED', `importing the image set in the build sandbox exited ${code}: ${stderr.trim()}`);
  return out;
}

