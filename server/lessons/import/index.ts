// `pier lesson import SRC DEST`: a Killercoda scenario (index.json with details.intro,
// steps, finish, assets, background/foreground and verify scripts) or a Katacoda scenario
// (the same file with courseData/code/answer, time and difficulty) becomes a pier lesson
// folder. Plan first (read index.json, decide every file), then write; everything that
// could not be mapped is listed in the report. The result is linted before it is returned.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { z } from 'zod';
import { lintLesson, type LintReport } from '../lint.js';
import { convertMarkdown, execCommands } from './markdown.js';

/** A path inside the scenario folder (no `..`, not absolute). */
const ScenarioPath = z.string().min(1).refine((p) => !path.isAbsolute(p) && !p.split(/[\\/]/).includes('..'), 'must stay inside the scenario folder');

const Part = z.looseObject({
  title: z.string().optional(),
  text: ScenarioPath.optional(),
  /** Killercoda: the check. Katacoda: the same name. */
  verify: ScenarioPath.optional(),
  background: ScenarioPath.optional(),
  foreground: ScenarioPath.optional(),
  /** Katacoda's background script. */
  courseData: ScenarioPath.optional(),
  /** Katacoda's foreground script. */
  code: ScenarioPath.optional(),
  /** Katacoda's explained answer (Markdown). */
  answer: ScenarioPath.optional(),
});

const AssetEntry = z.looseObject({ file: z.string().min(1), target: z.string().min(1), chmod: z.string().optional() });

/** The parts of index.json the importer reads; the rest is reported as not mapped. */
const ScenarioIndex = z.looseObject({
  title: z.string().min(1),
  description: z.string().optional(),
  difficulty: z.string().optional(),
  time: z.union([z.string(), z.number()]).optional(),
  details: z
    .looseObject({
      intro: Part.optional(),
      steps: z.array(Part).default([]),
      finish: Part.optional(),
      assets: z.record(z.string(), z.array(AssetEntry)).optional(),
    })
    .prefault({}),
  backend: z.looseObject({ imageid: z.string().optional() }).optional(),
  environment: z.looseObject({}).optional(),
  interface: z.looseObject({}).optional(),
});
type ScenarioIndex = z.infer<typeof ScenarioIndex>;

/** What an import did. */
export interface ImportReport {
  /** `killercoda` or `katacoda`, as the index.json looked. */
  flavor: 'killercoda' | 'katacoda';
  dest: string;
  steps: number;
  /** Everything that could not be mapped, or was mapped with a guess the author should review. */
  notes: string[];
  /** `pier lesson lint` of the result. */
  lint: LintReport;
}

/** Import failures (no index.json, invalid JSON, destination exists), with a stable code. */
export class ImportError extends Error {
  constructor(
    readonly code: 'NO_INDEX' | 'BAD_INDEX' | 'DEST_EXISTS' | 'BAD_DEST',
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

const TOP_KEYS = new Set(['title', 'description', 'difficulty', 'time', 'details', 'backend', 'environment', 'interface']);
const PART_KEYS = new Set(['title', 'text', 'verify', 'background', 'foreground', 'courseData', 'code', 'answer']);

/** Which node a Killercoda/Katacoda asset host key means. */
function hostNode(key: string): number | null {
  if (key === 'client') return 1;
  const m = /^host0?([1-5])$/.exec(key);
  return m ? Number(m[1]) : null;
}

/** Minutes from Katacoda's "10 minutes", "1 hour", "15-20 min" or a number. */
function minutes(time: string | number | undefined): number | null {
  if (typeof time === 'number') return Math.max(1, Math.round(time));
  if (!time) return null;
  const m = /(\d+)\s*(h|hour)?/i.exec(time);
  if (!m) return null;
  return Math.min(600, Math.max(1, Number(m[1]) * (m[2] ? 60 : 1)));
}

/** Files an asset entry names: `*`, `dir/*` and plain names (relative to assets/). */
function expandAsset(src: string, pattern: string): string[] {
  const base = path.join(src, 'assets');
  if (!pattern.includes('*')) return existsSync(path.join(base, pattern)) ? [pattern] : [];
  const dir = path.posix.dirname(pattern);
  const re = new RegExp(`^${path.posix.basename(pattern).replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  try {
    return readdirSync(path.join(base, dir))
      .filter((n) => re.test(n))
      .map((n) => (dir === '.' ? n : `${dir}/${n}`))
      .sort();
  } catch {
    return [];
  }
}

/** Copies the scenario folder into DEST (no symlinks, no index.json); returns the files copied. */
function copyTree(src: string, dest: string, notes: string[]): string[] {
  const copied: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(src, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (r === 'index.json' || name === '.git') continue;
      const st = lstatSync(path.join(src, r));
      if (st.isSymbolicLink()) {
        notes.push(`${r}: a symbolic link; not copied (lessons hold regular files only)`);
      } else if (st.isDirectory()) {
        mkdirSync(path.join(dest, r), { recursive: true });
        walk(r);
      } else if (st.isFile()) {
        copyFileSync(path.join(src, r), path.join(dest, r));
        chmodSync(path.join(dest, r), st.mode & 0o777);
        copied.push(r);
      }
    }
  };
  walk('');
  return copied;
}

/** A lesson id from a folder name: lowercase letters, digits and dashes. */
export function lessonIdFrom(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'imported-lesson';
}

/**
 * Imports the scenario in `src` into the new folder `dest` (whose name becomes the lesson
 * id; it must not exist yet). Never overwrites anything.
 */
export function importScenario(srcIn: string, destIn: string): ImportReport {
  const src = path.resolve(srcIn);
  const dest = path.resolve(destIn);
  const indexPath = path.join(src, 'index.json');
  if (!existsSync(indexPath)) throw new ImportError('NO_INDEX', `${src} has no index.json: not a Killercoda or Katacoda scenario`);
  if (existsSync(dest)) throw new ImportError('DEST_EXISTS', `${dest} already exists; import into a new folder`);
  if (lessonIdFrom(path.basename(dest)) !== path.basename(dest)) {
    throw new ImportError('BAD_DEST', `the folder name "${path.basename(dest)}" is not a lesson id; use e.g. ${lessonIdFrom(path.basename(dest))}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(indexPath, 'utf8'));
  } catch (err) {
    throw new ImportError('BAD_INDEX', `${indexPath}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = ScenarioIndex.safeParse(raw);
  if (!parsed.success) {
    throw new ImportError('BAD_INDEX', `${indexPath}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const index: ScenarioIndex = parsed.data;
  const details = index.details;
  const allParts = [details.intro, ...details.steps, details.finish].filter((p): p is z.infer<typeof Part> => p !== undefined);
  const flavor: ImportReport['flavor'] =
    allParts.some((p) => p.courseData || p.code || p.answer) || index.time !== undefined || index.environment !== undefined ? 'katacoda' : 'killercoda';
  const notes: string[] = [];

  for (const key of Object.keys(raw as object)) if (!TOP_KEYS.has(key)) notes.push(`index.json: "${key}" is not used by pier`);
  for (const [i, p] of details.steps.entries()) for (const key of Object.keys(p)) if (!PART_KEYS.has(key)) notes.push(`index.json: steps[${i}].${key} is not used by pier`);
  if (index.interface) notes.push('index.json: "interface" (layout, IDE) is not used: pier shows the lesson beside its terminals');
  if (index.environment) notes.push('index.json: "environment" (UI layout, dashboards) is not used: pier shows the lesson beside its terminals');
  const image = index.backend?.imageid;
  let nodes = 1;
  if (image) {
    const m = /(\d)nodes?/.exec(image);
    if (m) nodes = Math.min(5, Number(m[1]));
    notes.push(`backend image "${image}" is not available: the lesson runs in pier's Debian image with ${nodes} node(s)`);
    if (/kubernetes|k8s|minikube/i.test(image)) notes.push('the scenario expects Kubernetes, which pier does not provide; checks that call kubectl will not pass');
  }
  if (details.steps.length === 0) notes.push('index.json lists no steps: an empty step 1 was added (pier lessons have at least one step)');

  // Plan: the front matter and the files to write.
  mkdirSync(dest, { recursive: true });
  copyTree(src, dest, notes);
  const readConverted = (rel: string): string => {
    const text = readFileSync(path.join(dest, rel), 'utf8');
    const out = convertMarkdown(text, rel, notes);
    writeFileSync(path.join(dest, rel), out);
    return out;
  };
  const exists = (rel: string | undefined): rel is string => {
    if (rel === undefined) return false;
    if (existsSync(path.join(dest, rel))) return true;
    notes.push(`index.json names ${rel}, which the scenario does not have`);
    return false;
  };
  const executable = (rel: string) => chmodSync(path.join(dest, rel), 0o755);

  // Markdown files everywhere get the marker conversion (steps may link to others).
  const mdFiles: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(dest, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = lstatSync(path.join(dest, r));
      if (st.isDirectory()) walk(r);
      else if (name.endsWith('.md')) mdFiles.push(r);
    }
  };
  walk('');
  const converted = new Map(mdFiles.map((r) => [r, readConverted(r)]));

  const intro = details.intro;
  const introText = intro?.text && exists(intro.text) ? (converted.get(intro.text) ?? readFileSync(path.join(dest, intro.text), 'utf8')) : '';
  const setupRel = intro?.background ?? intro?.courseData;
  const introForeground = intro?.foreground ?? intro?.code;
  let setup: string | undefined;
  if (exists(setupRel)) {
    setup = setupRel;
    executable(setupRel);
    notes.push(`intro background script ${setupRel} became the setup script: it now runs before the prompt instead of beside it`);
  }

  const steps = (details.steps.length > 0 ? details.steps : [{ title: 'Explore' }]).map((p, i) => {
    const n = i + 1;
    const step: Record<string, unknown> = { title: p.title?.trim() || `Step ${n}` };
    let text = p.text;
    if (!exists(text)) {
      text = `step${n}.imported.md`;
      writeFileSync(path.join(dest, text), '');
      notes.push(`step ${n} has no text file; wrote an empty ${text}`);
    }
    step.text = text;
    const background = p.background ?? p.courseData;
    const foreground = p.foreground ?? p.code ?? (n === 1 ? introForeground : undefined);
    if (n === 1 && introForeground && (p.foreground ?? p.code)) notes.push(`intro foreground script ${introForeground} was dropped: step 1 has its own`);
    if (exists(background)) {
      step.background = background;
      executable(background);
    }
    if (exists(foreground)) step.foreground = foreground;
    if (exists(p.verify)) {
      step.check = p.verify;
      executable(p.verify);
      const commands = execCommands(converted.get(text) ?? '');
      const solution = `step${n}.solution.sh`;
      step.solution = solution;
      if (commands.length > 0) {
        writeFileSync(
          path.join(dest, solution),
          `#!/bin/bash\n# Generated by pier lesson import from step ${n}'s {{exec}} commands: review it.\nset -e\n${commands.join('\n')}\n`,
          { mode: 0o755 },
        );
        notes.push(`step ${n}: the scenario has no solution script; ${solution} was generated from the step's {{exec}} commands, review it and run \`pier lesson test\``);
      } else {
        writeFileSync(path.join(dest, solution), `#!/bin/bash\n# Generated by pier lesson import: write the commands that complete step ${n}.\necho "step ${n} has no solution yet" >&2\nexit 1\n`, { mode: 0o755 });
        notes.push(`step ${n}: no solution and no {{exec}} commands to build one from; ${solution} is a placeholder that fails until you write it`);
      }
    }
    if (p.answer && exists(p.answer)) {
      const target = `step${n}.solution.md`;
      if (p.answer !== target) copyFileSync(path.join(dest, p.answer), path.join(dest, target));
    }
    return step;
  });

  const assets: Record<string, unknown>[] = [];
  for (const [host, entries] of Object.entries(details.assets ?? {})) {
    const node = hostNode(host);
    if (node === null) {
      notes.push(`assets for "${host}": not a host pier knows (host01…host05); skipped`);
      continue;
    }
    nodes = Math.max(nodes, node);
    for (const e of entries) {
      const files = expandAsset(src, e.file);
      if (files.length === 0) notes.push(`asset "${e.file}" for ${host} matches no file under assets/; skipped`);
      let target = e.target.replace(/^~(?=\/|$)/, '/root');
      if (!target.startsWith('/')) target = `/root/${target}`;
      target = path.posix.normalize(target);
      if (target.split('/').includes('..')) {
        notes.push(`asset target "${e.target}" leaves the file system root; skipped`);
        continue;
      }
      let mode: string | undefined;
      if (e.chmod !== undefined) {
        if (/^\+x$/.test(e.chmod)) mode = '0755';
        else if (/^0?[0-7]{3,4}$/.test(e.chmod)) mode = e.chmod;
        else notes.push(`asset "${e.file}": chmod "${e.chmod}" is not mapped (use an octal mode); the file keeps its mode`);
      }
      for (const f of files) {
        assets.push({ from: `assets/${f}`, to: path.posix.join(target, path.posix.basename(f)), ...(mode ? { mode } : {}), ...(node !== 1 ? { node: `node${node}` } : {}) });
      }
    }
  }

  const difficulty = index.difficulty?.toLowerCase();
  const time = minutes(index.time);
  if (time === null) notes.push('the scenario gives no time; "time: 15" (minutes) was assumed');
  if (difficulty && !['beginner', 'intermediate', 'advanced'].includes(difficulty)) notes.push(`difficulty "${index.difficulty}" is not one of beginner, intermediate, advanced; left out`);
  const allText = [...converted.values()].join('\n');
  const requires = /\b(docker|podman)\b/i.test(allText) ? ['docker'] : [];
  if (requires.length > 0) notes.push('the text mentions docker: "requires: [docker]" was set');

  const front: Record<string, unknown> = {
    title: index.title,
    description: index.description?.trim() || index.title,
    ...(difficulty && ['beginner', 'intermediate', 'advanced'].includes(difficulty) ? { difficulty } : {}),
    time: time ?? 15,
    nodes,
    ...(requires.length > 0 ? { requires } : {}),
    ...(setup ? { setup } : {}),
    ...(assets.length > 0 ? { assets } : {}),
    steps,
  };
  if (details.finish?.text && exists(details.finish.text) && details.finish.text !== 'finish.md') {
    copyFileSync(path.join(dest, details.finish.text), path.join(dest, 'finish.md'));
  }
  const lessonMd = `---\n# Imported from a ${flavor === 'katacoda' ? 'Katacoda' : 'Killercoda'} scenario by pier lesson import.\n${stringify(front)}---\n${introText}`;
  writeFileSync(path.join(dest, 'lesson.md'), lessonMd);

  return { flavor, dest, steps: steps.length, notes, lint: lintLesson(dest) };
}
