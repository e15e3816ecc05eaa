// pier image: builds the sandbox image (a progress bar on a terminal, phase lines in logs)
// and lists the images built.
import { parseArgs } from 'node:util';
import { isSandboxError, type ImageInfo, type ImageSetInfo } from '../../sandbox/index.js';
import { UsageError } from '../main.js';
import { openRuntime } from '../../server/runtime.js';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pino } from 'pino';
import { preloadMirror, registryPaths } from '../../server/mirror/index.js';

/** Least time between two redraws of the progress bar. */
const RENDER_INTERVAL_MS = 100;
/** Cells of the progress bar. */
const BAR_CELLS = 24;
/** Terminal width assumed when the terminal does not say. */
const DEFAULT_COLUMNS = 80;
const MIB = 1024 ** 2;

const HELP = {
  image: `usage: pier image <build|ls|prune> [options]

  build   build the sandbox image for the current recipe (cached)
  ls      list built images
  prune   remove images and docker image sets of earlier recipes

Run \`pier image <command> --help\` for its options.`,
  build: `usage: pier image build [--force] [--json]

Builds the sandbox root filesystem with mmdebstrap, unless the image for the current
recipe (suite, packages, files) is already built; then the offline image set of nested
\`docker\` (hello-world, busybox, debian, nginx, redis, postgres, python, registry), unless
built; then pushes that set into the host image mirror's storage (once per set), so nodes
pull it through the mirror without internet. Needs root.

  --force   build again even if the image exists (refused while sandboxes use it)
  --json    print the image's details as JSON on stdout`,
  ls: `usage: pier image ls [--json]

Lists built images, newest first; * marks the one sandboxes start from.

  --json    print them as a JSON array`,
  prune: `usage: pier image prune [--dry-run] [--json]

Removes sandbox images and docker image sets left by earlier recipes (after an upgrade
or a change of imageSuite), keeping the current ones. An image that running sandboxes
are built on is kept; an old image set is removed even while sandboxes use it (they keep
their copy until they end). Needs root.

  --dry-run  say what would be removed, remove nothing
  --json     print the report as JSON`,
};

/** `pier image <build|ls>` */
export async function imageCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(HELP.image);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'build') return buildCommand(rest);
  if (sub === 'ls' || sub === 'list') return lsCommand(rest);
  if (sub === 'prune') return pruneCommand(rest);
  throw new UsageError(`unknown subcommand "${sub}"\n\n${HELP.image}`);
}

/** parseArgs with the flags given, turning its errors into UsageErrors. */
function parseFlags(argv: string[], flags: string[], help: string) {
  const options = Object.fromEntries([...flags, 'help'].map((f) => [f, { type: 'boolean' as const, ...(f === 'help' ? { short: 'h' } : {}) }]));
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as Record<string, boolean | undefined>;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${help}`);
  }
}

/** `pier image build [--force] [--json]` */
async function buildCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['force', 'json'], HELP.build);
  if (flags.help) return (console.log(HELP.build), 0);
  const rt = openRuntime();
  const render = progressRenderer(process.stderr);
  let built = false;
  let image: ImageInfo;
  try {
    image = await rt.images.build({
      force: flags.force === true,
      onProgress: (p) => {
        built ||= p.phase === 'done';
        render.update(p);
      },
    });
  } finally {
    render.finish();
  }
  const setRender = progressRenderer(process.stderr);
  let setBuilt = false;
  let set: ImageSetInfo;
  try {
    set = await rt.imageSet.build({
      force: flags.force === true,
      onProgress: (p) => {
        setBuilt ||= p.step === 'done';
        setRender.update({ phase: p.step, percent: p.percent, message: p.message });
      },
    });
  } finally {
    setRender.finish();
  }
  const setLine = `docker image set ${set.id} ${setBuilt ? `built in ${set.buildSeconds.toFixed(1)} s` : `is up to date (built ${localTime(set.createdAt)})`}: ${set.images.length} images, ${Math.round(set.storeBytes / MIB)} MiB`;
  if (flags.json) {
    console.log(JSON.stringify({ ...image, cached: !built, imageSet: { ...set, cached: !setBuilt } }, null, 2));
  } else if (built) {
    console.log(`image ${image.id} built in ${image.buildSeconds.toFixed(1)} s: ${describe(image)}\n  ${image.rootfs}`);
  } else {
    console.log(`image ${image.id} is up to date (built ${localTime(image.createdAt)}): ${describe(image)}\n  ${image.rootfs}`);
  }
  if (!flags.json) console.log(setLine);
  const preloaded = await preloadCommandStep(rt, set, flags.force === true);
  if (!flags.json && preloaded !== null) console.log(preloaded);
  return 0;
}

/**
 * Pushes the image set into the host image mirror's storage (once per set; --force again),
 * so nodes pull it through the mirror without internet (server/mirror/preload.ts).
 * @returns the line to print, or null when the mirror is off
 */
async function preloadCommandStep(rt: ReturnType<typeof openRuntime>, set: ImageSetInfo, force: boolean): Promise<string | null> {
  if (!rt.config.mirror) return null;
  const marker = path.join(registryPaths(rt.config.stateDir).dir, `preloaded-${set.id}`);
  if (!force && existsSync(marker)) return `image mirror: holds image set ${set.id}`;
  const store = await rt.imageSet.mountStore();
  if (store === null) return null;
  const started = performance.now();
  const log = pino({ level: 'warn' }, pino.destination(2));
  const n = await preloadMirror({
    stateDir: rt.config.stateDir,
    store,
    images: set.images,
    log,
    onImage: (tag, i, total) => process.stderr.write(`\rimage mirror: pushing ${i + 1}/${total} ${tag}\x1b[K`),
  });
  process.stderr.write('\n');
  await writeFile(marker, `${new Date().toISOString()}\n`);
  return `image mirror: preloaded ${n} tags of image set ${set.id} in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

/** `pier image ls [--json]` */
async function lsCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['json'], HELP.ls);
  if (flags.help) return (console.log(HELP.ls), 0);
  const rt = openRuntime();
  const images = await rt.images.list();
  let currentId: string | null = null;
  try {
    currentId = (await rt.images.current()).id;
  } catch (err) {
    if (!isSandboxError(err, 'IMAGE_NOT_FOUND')) throw err;
  }
  if (flags.json) {
    console.log(JSON.stringify(images.map((i) => ({ ...i, current: i.id === currentId })), null, 2));
    return 0;
  }
  if (images.length === 0) {
    console.log('no images built; run `pier image build`');
    return 0;
  }
  const rows = [
    ['', 'ID', 'SUITE', 'CREATED', 'SIZE', 'FILES'],
    ...images.map((i) => [i.id === currentId ? '*' : '', i.id, i.suite, localTime(i.createdAt), `${Math.round(i.sizeBytes / MIB)} MiB`, String(i.fileCount)]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows) console.log(r.map((cell, c) => (c >= 4 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd());
  if (currentId === null) console.log('\nno image for the current recipe; run `pier image build`');
  return 0;
}

/** `pier image prune [--dry-run] [--json]` */
async function pruneCommand(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ['dry-run', 'json'], HELP.prune);
  if (flags.help) return (console.log(HELP.prune), 0);
  const dryRun = flags['dry-run'] === true;
  const report = await openRuntime().images.prune({ dryRun });
  if (flags.json) {
    console.log(JSON.stringify({ dryRun, ...report }, null, 2));
    return 0;
  }
  const verb = dryRun ? 'would remove' : 'removed';
  for (const r of report.removed) console.log(`${verb} ${r.kind} ${r.id} (${Math.round(r.bytes / MIB)} MiB)`);
  for (const k of report.kept) console.log(`kept ${k.kind} ${k.id}: ${k.reason}`);
  const freed = report.removed.reduce((n, r) => n + r.bytes, 0);
  console.log(report.removed.length === 0 ? 'nothing to remove' : `${dryRun ? 'would free' : 'freed'} ${Math.round(freed / MIB)} MiB`);
  return 0;
}

/** `bookworm, 455 MiB, 17457 files` */
function describe(image: ImageInfo): string {
  return `${image.suite}, ${Math.round(image.sizeBytes / MIB)} MiB, ${image.fileCount} files`;
}

/** An ISO time as local `YYYY-MM-DD HH:MM`. */
function localTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

/** `m:ss` */
function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** One progress report of either build (the image's phases or the image set's steps). */
interface ProgressLine {
  phase: string;
  percent: number;
  message: string;
}

/**
 * Shows build progress on `stream`: on a terminal one line redrawn in place (phase, bar,
 * percent, elapsed time, message); elsewhere (CI logs) one plain line per phase.
 */
function progressRenderer(stream: NodeJS.WriteStream) {
  const started = Date.now();
  const tty = stream.isTTY === true;
  let lastPhase: string | null = null;
  let lastDraw = 0;
  let drawn = false;

  const line = (p: ProgressLine): string => {
    const filled = Math.round((p.percent / 100) * BAR_CELLS);
    const head = `${p.phase.padEnd(11)} [${'#'.repeat(filled)}${'-'.repeat(BAR_CELLS - filled)}] ${String(p.percent).padStart(3)}%  ${elapsed(Date.now() - started)}  `;
    const room = Math.max(0, (stream.columns || DEFAULT_COLUMNS) - head.length - 1);
    return head + (p.message.length > room ? `${p.message.slice(0, Math.max(0, room - 1))}…` : p.message);
  };

  return {
    /** Reports one progress event. */
    update(p: ProgressLine): void {
      const phaseChanged = p.phase !== lastPhase;
      lastPhase = p.phase;
      if (!tty) {
        if (phaseChanged) stream.write(`[${elapsed(Date.now() - started)}] ${p.phase} ${p.percent}%: ${p.message}\n`);
        return;
      }
      const now = Date.now();
      if (!phaseChanged && p.phase !== 'done' && now - lastDraw < RENDER_INTERVAL_MS) return;
      lastDraw = now;
      drawn = true;
      stream.write(`\r\x1b[2K${line(p)}`);
    },
    /** Ends the redrawn line, if any. */
    finish(): void {
      if (tty && drawn) stream.write('\n');
    },
  };
}
