// `pier lesson import SRC DEST`: a Killercoda scenario (index.json with details.intro,
// steps, finish, assets, background/foreground and verify scripts) or a Katacoda scenario
// (the same file with courseData/code/answer, editor blocks, environment) becomes a pier
// lesson folder. Plan first (read index.json, decide every file), then write; every
// mapping that guessed is a note, every construct pier cannot honour is listed as
// unsupported with its file and line, and generated solutions are listed for review. The
// result is linted (with lint's unsupported-construct rules) before it is returned.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { lintLesson, type LintReport } from '../lint.js';
import { markdownActions } from '../markdown/blocks.js';
import { convertMarkdown, mapWorkingFolders, WORKING_FOLDERS, type Note } from './markdown.js';
import { copyTree, difficultyOf, expandAsset, flavorOf, hostNode, jsonLine, lessonIdFrom, minutes, PART_KEYS, ScenarioIndex, TOP_KEYS, type Part } from './scenario.js';
import { generateSolution } from './solution.js';

export { lessonIdFrom } from './scenario.js';

/** What an import did. */
export interface ImportReport {
  /** `killercoda` or `katacoda`, as the scenario looked. */
  flavor: 'killercoda' | 'katacoda';
  dest: string;
  steps: number;
  /** Mappings that changed or guessed something (`file:line: what`). */
  notes: string[];
  /** Constructs pier cannot honour, with file, line and why (`file:line: what`). */
  unsupported: string[];
  /** Generated solutions and what in them to review (`file:line: what`). */
  review: string[];
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

/** Options of an import. */
export interface ImportOptions {
  /** Whether the deployment's sandboxes reach the internet (config `outbound`); default no. */
  outbound?: boolean;
}

/** How lint's unsupported-construct warnings begin (lint.ts). */
const CANNOT_HONOUR = 'pier cannot honour ';

const where = (n: Note): string => `${n.file}${n.line !== undefined ? `:${n.line}` : ''}: ${n.message}`;

/** Reads and validates SRC/index.json. @throws ImportError */
function readIndex(src: string): { index: ScenarioIndex; raw: object; text: string } {
  const indexPath = path.join(src, 'index.json');
  if (!existsSync(indexPath)) throw new ImportError('NO_INDEX', `${src} has no index.json: not a Killercoda or Katacoda scenario`);
  const text = readFileSync(indexPath, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ImportError('BAD_INDEX', `${indexPath}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = ScenarioIndex.safeParse(raw);
  if (!parsed.success) {
    throw new ImportError('BAD_INDEX', `${indexPath}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  return { index: parsed.data, raw: raw as object, text };
}

/** Relative paths of every file under `dir`. */
function filesUnder(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel === '' ? name : `${rel}/${name}`;
    if (lstatSync(path.join(dir, r)).isDirectory()) out.push(...filesUnder(dir, r));
    else out.push(r);
  }
  return out;
}

/**
 * Imports the scenario in `src` into the new folder `dest` (whose name becomes the lesson
 * id; it must not exist yet). Never overwrites anything.
 * @throws ImportError when SRC is not a scenario or DEST cannot be used
 */
export function importScenario(srcIn: string, destIn: string, options: ImportOptions = {}): ImportReport {
  const src = path.resolve(srcIn);
  const dest = path.resolve(destIn);
  const { index, raw, text: indexText } = readIndex(src);
  if (existsSync(dest)) throw new ImportError('DEST_EXISTS', `${dest} already exists; import into a new folder`);
  const id = path.basename(dest);
  if (lessonIdFrom(id) !== id) throw new ImportError('BAD_DEST', `the folder name "${id}" is not a lesson id; use e.g. ${lessonIdFrom(id)}`);
  const details = index.details;
  const notes: Note[] = [];
  const note = (message: string, key?: string, value?: string, unsupported = false) =>
    notes.push({ file: 'index.json', ...(key ? { line: jsonLine(indexText, key, value) } : {}), message, ...(unsupported ? { unsupported } : {}) });
  const review: string[] = [];

  // Copy, then convert every Markdown file and map working folders in every script.
  mkdirSync(dest, { recursive: true });
  const copied = copyTree(src, dest, (rel) => notes.push({ file: rel, message: 'a symbolic link; not copied (lessons hold regular files only)' }));
  const originals = new Map(copied.filter((r) => r.endsWith('.md')).map((r) => [r, readFileSync(path.join(dest, r), 'utf8')]));
  const flavor = flavorOf(index, raw, [...originals.values()]);
  const converted = new Map<string, string>();
  for (const [rel, text] of originals) {
    const out = convertMarkdown(text, rel, { files: copied, notes, lessonId: id });
    writeFileSync(path.join(dest, rel), out);
    converted.set(rel, out);
  }
  for (const rel of copied.filter((r) => r.endsWith('.sh'))) {
    const text = readFileSync(path.join(dest, rel), 'utf8');
    const out = mapWorkingFolders(text);
    if (out !== text) {
      writeFileSync(path.join(dest, rel), out);
      notes.push({ file: rel, line: text.slice(0, text.indexOf(WORKING_FOLDERS[0]![0])).split('\n').length, message: `the working folder ${WORKING_FOLDERS[0]![0]} became /root` });
    }
  }

  for (const key of Object.keys(raw)) if (!TOP_KEYS.has(key)) note(`"${key}" is not used by pier`, key);
  for (const [i, p] of details.steps.entries()) for (const key of Object.keys(p)) if (!PART_KEYS.has(key)) note(`steps[${i}].${key} is not used by pier`, key);
  const ideLayout = (o: object | undefined) => o !== undefined && /ide|editor|vscode|theia/i.test(JSON.stringify(o));
  if (index.interface) note(ideLayout(index.interface) ? '"interface" asks for an IDE/editor tab, which pier does not have: the lesson shows beside its terminals' : '"interface" (layout) is not used: pier shows the lesson beside its terminals', 'interface', undefined, ideLayout(index.interface));
  if (index.environment) note(ideLayout(index.environment) ? '"environment" asks for an IDE/editor tab, which pier does not have: the lesson shows beside its terminals' : '"environment" (UI layout, dashboards) is not used: pier shows the lesson beside its terminals', 'environment', undefined, ideLayout(index.environment));
  const image = index.backend?.imageid;
  let nodes = 1;
  if (image) {
    const m = /(\d)nodes?/.exec(image);
    if (m) nodes = Math.min(5, Number(m[1]));
    if (/kubernetes|k8s|minikube|kind|k3s/i.test(image)) note(`backend "${image}" is a Kubernetes backend, which pier does not provide`, 'imageid', image, true);
    else note(`backend image "${image}" is not available: the lesson runs in pier's Debian image with ${nodes} node(s)`, 'imageid', image);
  }
  if (details.steps.length === 0) note('no steps: an empty step 1 was added (pier lessons have at least one step)', 'details');

  const exists = (rel: string | undefined): rel is string => {
    if (rel === undefined) return false;
    if (existsSync(path.join(dest, rel))) return true;
    note(`names ${rel}, which the scenario does not have`, rel);
    return false;
  };
  const executable = (rel: string) => chmodSync(path.join(dest, rel), 0o755);
  const textOf = (rel: string) => converted.get(rel) ?? readFileSync(path.join(dest, rel), 'utf8');

  // The intro: text, credits, background (best-effort, before the prompt), foreground (step 1).
  const intro = details.intro;
  let introText = intro?.text && exists(intro.text) ? textOf(intro.text) : '';
  const credits = index.credits ?? intro?.credits;
  if (credits) {
    introText = `${introText.replace(/\s*$/, '')}\n\n*Credits: ${credits.trim()}*\n`;
    note('"credits" became the last line of the intro', 'credits');
  }
  let backgroundRel = intro?.background ?? intro?.courseData;
  let lessonBackground: string | undefined;
  // pier runs a lesson's setup.sh strictly by its name alone: a scenario's own setup.sh is
  // renamed so it runs only in the role index.json gives it.
  if (existsSync(path.join(dest, 'setup.sh'))) {
    const renamed = existsSync(path.join(dest, 'background.sh')) ? 'setup.scenario.sh' : 'background.sh';
    renameSync(path.join(dest, 'setup.sh'), path.join(dest, renamed));
    notes.push({ file: 'setup.sh', message: `renamed ${renamed}: pier would run a file named setup.sh as a strict setup script` });
    if (backgroundRel === 'setup.sh') backgroundRel = renamed;
    for (const s of details.steps) for (const k of ['verify', 'background', 'foreground', 'courseData', 'code'] as const) if (s[k] === 'setup.sh') s[k] = renamed;
  }
  if (exists(backgroundRel)) {
    lessonBackground = backgroundRel;
    executable(backgroundRel);
    note(`intro background script ${backgroundRel} became the lesson's "background": it runs before the prompt, best-effort (a failure is logged, the lesson still starts)`, intro?.background ? 'background' : 'courseData', backgroundRel);
  }
  const introForeground = intro?.foreground ?? intro?.code;

  const challenge = /^challenge/i.test(index.type ?? '');
  let solve = false;
  const steps = (details.steps.length > 0 ? details.steps : [{ title: 'Explore' } as Part]).map((p, i) => {
    const n = i + 1;
    const step: Record<string, unknown> = { title: p.title?.trim() || `Step ${n}` };
    let text = p.text;
    if (!exists(text)) {
      text = `step${n}.imported.md`;
      writeFileSync(path.join(dest, text), '');
      note(`step ${n} has no text file; wrote an empty ${text}`, 'steps');
    }
    step.text = text;
    const background = p.background ?? p.courseData;
    const foreground = p.foreground ?? p.code ?? (n === 1 ? introForeground : undefined);
    if (n === 1 && introForeground && (p.foreground ?? p.code)) note(`intro foreground script ${introForeground} was dropped: step 1 has its own`, introForeground);
    if (exists(background)) {
      step.background = background;
      executable(background);
    }
    if (exists(foreground)) {
      step.foreground = foreground;
      executable(foreground);
    }
    if (exists(p.verify)) {
      step.check = p.verify;
      executable(p.verify);
      if (challenge) step.watch = true;
      const markdown = textOf(text);
      const solution = `step${n}.solution.sh`;
      step.solution = solution;
      const generated = generateSolution(n, 'node1', text, markdown, markdownActions(markdown));
      if (generated.actions > 0) {
        writeFileSync(path.join(dest, solution), generated.script, { mode: 0o755 });
        review.push(`${solution}: generated from the ${generated.actions} action(s) of ${text}; review it and run \`pier lesson test\``, ...generated.review);
      } else {
        writeFileSync(path.join(dest, solution), `#!/bin/bash\n# Generated by pier lesson import: write the commands that complete step ${n}.\necho "step ${n} has no solution yet" >&2\nexit 1\n`, { mode: 0o755 });
        review.push(`${solution}: ${text} offers no command or file write to build a solution from; it is a placeholder that fails until you write it`);
      }
    }
    if (challenge && p.verify) note(`a challenge: step ${n}'s check watches (watch: true)`, 'type');
    if (p.answer && exists(p.answer)) {
      const target = `step${n}.solution.md`;
      if (p.answer !== target) writeFileSync(path.join(dest, target), textOf(p.answer));
      solve = true;
      note(`answer ${p.answer} became ${target}, shown with Solve ("solve: true")`, 'answer', p.answer);
      if (!p.verify) note(`step ${n} has an answer but no verify script: pier shows answers with Solve, which needs a check`, 'answer', p.answer, true);
    }
    return step;
  });

  const finish = details.finish;
  if (finish?.text && exists(finish.text) && finish.text !== 'finish.md') copyFileSync(path.join(dest, finish.text), path.join(dest, 'finish.md'));
  for (const key of ['background', 'foreground', 'courseData', 'code'] as const) {
    const script = finish?.[key];
    if (script) note(`the finish ${key} script ${script} is not run: pier has no scripts for the finish page`, key, script, true);
  }

  const assets = mapAssets(src, details.assets ?? {}, notes, indexText);
  nodes = Math.max(nodes, ...assets.map((a) => (a.node ? Number(String(a.node).slice(4)) : 1)));

  const difficulty = difficultyOf(index.difficulty);
  if (index.difficulty && difficulty === null) note(`difficulty "${index.difficulty}" is not a level pier knows; left out (beginner)`, 'difficulty');
  else if (index.difficulty && difficulty !== index.difficulty.toLowerCase()) note(`difficulty "${index.difficulty}" became "${difficulty}"`, 'difficulty');
  const time = minutes(index.time);
  if (time === null) note('the scenario gives no time; "time: 15" (minutes) was assumed');
  const allText = [...converted.values()].join('\n');
  const requires = /\b(docker|podman)\b/i.test(allText) ? ['docker'] : [];
  if (requires.length > 0) note('the text mentions docker: "requires: [docker]" was set');

  const front: Record<string, unknown> = {
    title: index.title,
    description: index.description?.trim() || index.title,
    ...(difficulty ? { difficulty } : {}),
    time: time ?? 15,
    nodes,
    ...(requires.length > 0 ? { requires } : {}),
    ...(lessonBackground ? { background: lessonBackground } : {}),
    ...(assets.length > 0 ? { assets } : {}),
    ...(solve ? { solve } : {}),
    steps,
  };
  writeFileSync(path.join(dest, 'lesson.md'), `---\n# Imported from a ${flavor === 'katacoda' ? 'Katacoda' : 'Killercoda'} scenario by pier lesson import.\n${stringify(front)}---\n${introText}`);

  const lint = lintLesson(dest, { outbound: options.outbound ?? false });
  const unsupported = [...new Set([...notes.filter((n) => n.unsupported).map(where), ...lint.problems.filter((p) => p.message.startsWith(CANNOT_HONOUR)).map((p) => `${p.file}:${p.line ?? 1}: ${p.message.slice(CANNOT_HONOUR.length)}`)])];
  return { flavor, dest, steps: steps.length, notes: notes.filter((n) => !n.unsupported).map(where), unsupported, review, lint };
}

/** `details.assets` → the lesson's `assets` (host → node, `~` and working folders → /root). */
function mapAssets(src: string, hosts: NonNullable<ScenarioIndex['details']['assets']>, notes: Note[], indexText: string): Record<string, unknown>[] {
  const assets: Record<string, unknown>[] = [];
  const note = (message: string, value: string) => notes.push({ file: 'index.json', line: jsonLine(indexText, 'file', value) ?? jsonLine(indexText, 'assets'), message });
  for (const [host, entries] of Object.entries(hosts)) {
    const node = hostNode(host);
    if (node === null) {
      notes.push({ file: 'index.json', line: jsonLine(indexText, host), message: `assets for "${host}": not a host pier knows (host01…host05); skipped` });
      continue;
    }
    for (const e of entries) {
      const files = expandAsset(src, e.file);
      if (files.length === 0) note(`asset "${e.file}" for ${host} matches no file under assets/; skipped`, e.file);
      let target = mapWorkingFolders(e.target).replace(/^~(?=\/|$)/, '/root');
      if (!target.startsWith('/')) target = `/root/${target}`;
      target = path.posix.normalize(target);
      if (target.split('/').includes('..')) {
        note(`asset target "${e.target}" leaves the file system root; skipped`, e.file);
        continue;
      }
      let mode: string | undefined;
      if (e.chmod !== undefined) {
        if (/^\+x$/.test(e.chmod)) mode = '0755';
        else if (/^0?[0-7]{3,4}$/.test(e.chmod)) mode = e.chmod;
        else note(`asset "${e.file}": chmod "${e.chmod}" is not mapped (use an octal mode); the file keeps its mode`, e.file);
      }
      for (const f of files) {
        assets.push({ from: `assets/${f}`, to: path.posix.join(target, path.posix.basename(f)), ...(mode ? { mode } : {}), ...(node !== 1 ? { node: `node${node}` } : {}) });
      }
    }
  }
  return assets;
}
