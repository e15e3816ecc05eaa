// Reads one lesson folder into a LoadedLesson plus the problems found on the way: front
// matter (YAML with line numbers, validated by the zod schema in model.ts), step files in
// the flat form (step1.md, step1.check.sh …) and the folder form (step1/text.md,
// step1/check.sh …), Korean files falling back to English, and a content version hash.
// Synchronous on purpose: a lesson is a handful of small files, and the catalog calls this
// only when a folder changed.
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import {
  AssetSpec,
  LessonFrontMatter,
  LessonLimits,
  StepFrontMatter,
  type LessonLang,
  type LessonProblem,
  type LoadedLesson,
  type LoadedStep,
} from './model.js';

/** What loading one folder gives: the lesson when its front matter is valid, and every problem. */
export interface LessonLoad {
  id: string;
  dir: string;
  /** Null when the lesson cannot be used (no lesson.md, or invalid front matter). */
  lesson: LoadedLesson | null;
  problems: LessonProblem[];
}

/** The file holding a lesson's front matter and intro. */
export const LESSON_FILE = 'lesson.md';

/** Largest lesson file read; bigger files are reported, not read (a lesson is text). */
const MAX_TEXT_BYTES = 1024 * 1024;

/** A front matter block: `---` on the first line, up to the next `---` line. */
const FRONT_MATTER_RE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n?^---[ \t]*(?:\r?\n|$)/m;

/** A Markdown file split into its front matter text and body. */
export interface SplitMarkdown {
  /** The YAML between the `---` lines, or null when the file has none. */
  yaml: string | null;
  /** The Markdown after the front matter. */
  body: string;
  /** 1-based line of the first YAML line in the file (2 when the file starts with `---`). */
  yamlLine: number;
  /** Lines before the body: add to a body line to get the file line. */
  bodyLineOffset: number;
}

/** Splits `---\nyaml\n---\nbody` into its parts; a file without front matter is all body. */
export function splitFrontMatter(text: string): SplitMarkdown {
  const m = text.startsWith('---') ? FRONT_MATTER_RE.exec(text) : null;
  if (!m || m.index !== 0) return { yaml: null, body: text, yamlLine: 0, bodyLineOffset: 0 };
  const consumed = m[0];
  const lines = consumed.split('\n').length - (consumed.endsWith('\n') ? 1 : 0);
  return { yaml: m[1] ?? '', body: text.slice(consumed.length), yamlLine: 2, bodyLineOffset: lines };
}

/** Keys allowed in each object of the front matter, for "did you mean" hints. */
const KNOWN_KEYS: Record<'lesson' | 'step' | 'asset' | 'limits', string[]> = {
  lesson: Object.keys(LessonFrontMatter.shape),
  step: Object.keys(StepFrontMatter.shape),
  asset: Object.keys(AssetSpec.shape),
  limits: Object.keys(LessonLimits.shape),
};

/** Edit distance, for suggesting the key an author probably meant. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/** Which object a zod path points into: the lesson, a step, an asset or the limits. */
function objectKind(p: PropertyKey[]): keyof typeof KNOWN_KEYS {
  if (p[0] === 'steps' && p.length >= 2) return 'step';
  if (p[0] === 'assets' && p.length >= 2) return 'asset';
  if (p[0] === 'limits') return 'limits';
  return 'lesson';
}

/** Where in the YAML a zod path points: the deepest node that exists, its key when asked. */
function locate(doc: ReturnType<typeof parseDocument>, p: PropertyKey[], key?: string): [number, number] | undefined {
  let node: unknown = doc.contents;
  let range: [number, number, number] | undefined = (doc.contents as YamlNode | null)?.range ?? undefined;
  const steps = key === undefined ? p : [...p, key];
  for (const seg of steps) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === seg);
      if (!pair) break;
      const keyNode = pair.key as YamlNode;
      const valueNode = pair.value as YamlNode | null;
      // A key named as unknown or a missing value points at the key; otherwise at the value.
      range = (seg === key || !valueNode?.range ? keyNode.range : valueNode.range) ?? range;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as YamlNode | undefined;
      if (!item) break;
      range = item.range ?? range;
      node = item;
    } else break;
  }
  return range ? [range[0], range[1]] : undefined;
}

/** A fix hint for a zod issue, in the words an author would use. */
function fixFor(issue: z.core.$ZodIssue, kind: keyof typeof KNOWN_KEYS): string | undefined {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const guesses = issue.keys.map((k) => closest(k, KNOWN_KEYS[kind])).filter((g): g is string => g !== undefined);
      return guesses.length > 0
        ? `did you mean "${guesses.join('", "')}"? (allowed: ${KNOWN_KEYS[kind].join(', ')})`
        : `remove it; allowed here: ${KNOWN_KEYS[kind].join(', ')}`;
    }
    case 'invalid_type':
      return `write a ${issue.expected} here`;
    case 'too_small':
      return issue.origin === 'array' ? `add at least ${String(issue.minimum)} item(s)` : `use a value of at least ${String(issue.minimum)}`;
    case 'too_big':
      return `use a value of at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `use one of: ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'invalid_union':
      return 'write one string, or an object with both "en" and "ko"';
    case 'invalid_format':
      return 'see docs/LESSON-FORMAT.md for the form this field takes';
    default:
      return undefined;
  }
}

/** Parses front matter YAML into a value, or problems located in `file`. */
export function parseFrontMatterYaml(yamlText: string, file: string, firstLine: number): { value: unknown; doc: ReturnType<typeof parseDocument>; lines: LineCounter; problems: LessonProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const problems: LessonProblem[] = [];
  for (const err of doc.errors) {
    const pos = lines.linePos(err.pos[0]);
    problems.push({
      severity: 'error',
      file,
      line: pos.line + firstLine - 1,
      column: pos.col,
      message: `front matter is not valid YAML: ${err.message.split('\n')[0]}`,
      fix: 'check the indentation and quoting on this line (quote strings that contain ": " or start with { [ * & !)',
    });
  }
  return { value: problems.length > 0 ? undefined : doc.toJS(), doc, lines, problems };
}

/** Maps zod issues of the front matter to problems at their YAML lines. */
function schemaProblems(error: z.ZodError, value: unknown, doc: ReturnType<typeof parseDocument>, lines: LineCounter, file: string, firstLine: number): LessonProblem[] {
  const out: LessonProblem[] = [];
  for (const issue of error.issues) {
    const where = issue.path.length > 0 ? issue.path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`)).join('').replace(/^\./, '') : '(front matter)';
    let input: unknown = value;
    for (const seg of issue.path) input = input !== null && typeof input === 'object' ? (input as Record<PropertyKey, unknown>)[seg] : undefined;
    if (input === undefined && issue.path.length > 0 && issue.code !== 'unrecognized_keys') {
      const at = locate(doc, issue.path.slice(0, -1));
      const pos = at ? lines.linePos(at[0]) : { line: 1, col: 1 };
      const field = String(issue.path.at(-1));
      out.push({ severity: 'error', file, line: pos.line + firstLine - 1, column: pos.col, message: `${where}: the required field "${field}" is missing`, fix: `add "${field}:" here (see docs/LESSON-FORMAT.md)` });
      continue;
    }
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
    for (const key of keys) {
      const at = locate(doc, issue.path, key);
      const pos = at ? lines.linePos(at[0]) : { line: 1, col: 1 };
      const message = issue.code === 'unrecognized_keys' ? `${issue.path.length > 0 ? `${where}: ` : ''}unknown field "${key}"` : `${where}: ${issue.message}`;
      const fix = fixFor(issue, objectKind(issue.path));
      out.push({ severity: 'error', file, line: pos.line + firstLine - 1, column: pos.col, message, ...(fix ? { fix } : {}) });
    }
  }
  return out;
}

/**
 * Whether `rel` stays inside the lesson folder once symbolic links in its parent folders
 * are resolved (a `step1 -> /etc` link would otherwise lead a lesson file out).
 */
function staysInside(dir: string, rel: string): boolean {
  try {
    const root = realpathSync(dir);
    const parent = realpathSync(path.dirname(path.join(dir, rel)));
    return parent === root || parent.startsWith(root + path.sep);
  } catch {
    return true; // a missing parent: nothing to follow; the caller reports the missing file
  }
}

function statOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/** Whether a path is a regular file inside the lesson (symlinks are not followed). */
function isFile(p: string): boolean {
  return statOrNull(p)?.isFile() ?? false;
}

function readText(dir: string, rel: string, problems: LessonProblem[]): string | null {
  const abs = path.join(dir, rel);
  const st = statOrNull(abs);
  if (!st) return null;
  if (!staysInside(dir, rel)) {
    problems.push({ severity: 'error', file: rel, message: 'is reached through a symbolic link that leaves the lesson folder', fix: 'replace the linked folder with a real one' });
    return null;
  }
  if (st.isSymbolicLink()) {
    problems.push({ severity: 'error', file: rel, message: 'is a symbolic link; lesson files must be regular files', fix: 'replace the link with a copy of the file' });
    return null;
  }
  if (!st.isFile()) return null;
  if (st.size > MAX_TEXT_BYTES) {
    problems.push({ severity: 'error', file: rel, message: `is ${st.size} bytes; lesson text files may be at most ${MAX_TEXT_BYTES}`, fix: 'split it, or move large data into assets/' });
    return null;
  }
  return readFileSync(abs, 'utf8');
}

/** The Korean sibling of a Markdown path: `step1.md` → `step1.ko.md`. */
export function koPath(rel: string): string {
  return rel.replace(/\.md$/, '') + '.ko.md';
}

/** Reads an optional `title:` front matter of a translation and returns the body. */
function readTranslation(dir: string, rel: string, problems: LessonProblem[]): { body: string; title?: string } | null {
  const text = readText(dir, rel, problems);
  if (text === null) return null;
  const split = splitFrontMatter(text);
  if (split.yaml === null) return { body: text };
  const parsed = parseFrontMatterYaml(split.yaml, rel, split.yamlLine);
  problems.push(...parsed.problems);
  const v = parsed.value as Record<string, unknown> | null | undefined;
  if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) {
      if (k !== 'title') problems.push({ severity: 'warning', file: rel, line: split.yamlLine, message: `translation front matter field "${k}" is ignored`, fix: 'only "title" may be set in a translation; put the rest in the English file' });
    }
    if (typeof v.title === 'string' && v.title !== '') return { body: split.body, title: v.title };
  }
  return { body: split.body };
}

/** A title that combines the English title with a translation's. */
function withKo<T extends string | { en: string; ko: string }>(title: T, ko: string | undefined): string | { en: string; ko: string } {
  if (ko === undefined || typeof title !== 'string') return title;
  return { en: title, ko };
}

/** Hashes every file of the folder (path, mode, content), sorted: the lesson's version. */
export function hashFolder(dir: string): string {
  const hash = createHash('sha256');
  const walk = (rel: string): void => {
    const entries = readdirSync(path.join(dir, rel), { withFileTypes: true }).map((e) => e.name).sort();
    for (const name of entries) {
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = statOrNull(path.join(dir, r));
      if (!st) continue;
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) {
        hash.update(`${r}\0${(st.mode & 0o777).toString(8)}\0${st.size}\0`);
        hash.update(readFileSync(path.join(dir, r)));
      } else if (st.isSymbolicLink()) hash.update(`${r}\0link\0`);
    }
  };
  walk('');
  return hash.digest('hex').slice(0, 16);
}

/** Line and column of a step entry (or one of its fields) in lesson.md, for located problems. */
type Locator = (p: PropertyKey[]) => { line?: number; column?: number };

/**
 * Resolves a script of a step: the named path, or the first default that exists.
 * A named path that does not exist, or a script that is not executable, is a problem.
 */
function resolveScript(
  dir: string,
  named: string | undefined,
  defaults: string[],
  what: string,
  at: ReturnType<Locator>,
  problems: LessonProblem[],
  mustBeExecutable: boolean,
): string | undefined {
  const rel = named ?? defaults.find((d) => statOrNull(path.join(dir, d)) !== null);
  if (rel === undefined) return undefined;
  const abs = path.join(dir, rel);
  const st = statOrNull(abs);
  if (!st) {
    problems.push({ severity: 'error', file: LESSON_FILE, ...at, message: `${what} "${rel}" does not exist`, fix: `create ${rel}, or correct the path` });
    return undefined;
  }
  if (st.isSymbolicLink() || !st.isFile() || !staysInside(dir, rel)) {
    problems.push({ severity: 'error', file: rel, message: `${what} must be a regular file inside the lesson folder`, fix: 'replace it (or the linked folder holding it) with a regular file' });
    return undefined;
  }
  if ((st.mode & 0o111) === 0) {
    problems.push({
      severity: mustBeExecutable ? 'error' : 'warning',
      file: rel,
      line: 1,
      column: 1,
      message: `${what} is not executable`,
      fix: `chmod +x ${rel}`,
    });
  }
  return abs;
}

/**
 * Loads a lesson folder. Never throws for content problems: they come back in `problems`,
 * and `lesson` is null only when the lesson cannot be used at all.
 */
export function loadLesson(dirIn: string): LessonLoad {
  const dir = path.resolve(dirIn);
  const id = path.basename(dir);
  const problems: LessonProblem[] = [];
  const fail = (): LessonLoad => ({ id, dir, lesson: null, problems });
  if (!/^[a-z0-9][a-z0-9-]{0,79}$/.test(id)) {
    problems.push({ severity: 'error', file: '.', message: `folder name "${id}" is not a lesson id`, fix: 'rename the folder to lowercase letters, digits and dashes, e.g. 03-cgroups' });
  }
  const text = readText(dir, LESSON_FILE, problems);
  if (text === null) {
    problems.push({ severity: 'error', file: LESSON_FILE, message: `${LESSON_FILE} is missing`, fix: 'create lesson.md with front matter (see docs/LESSON-FORMAT.md, or run `pier lesson new`)' });
    return fail();
  }
  const split = splitFrontMatter(text);
  if (split.yaml === null) {
    problems.push({ severity: 'error', file: LESSON_FILE, line: 1, column: 1, message: 'has no front matter', fix: 'start the file with a line "---", the YAML fields, and another "---" line' });
    return fail();
  }
  const parsed = parseFrontMatterYaml(split.yaml, LESSON_FILE, split.yamlLine);
  if (parsed.problems.length > 0) {
    problems.push(...parsed.problems);
    return fail();
  }
  const result = LessonFrontMatter.safeParse(parsed.value ?? {});
  if (!result.success) {
    problems.push(...schemaProblems(result.error, parsed.value, parsed.doc, parsed.lines, LESSON_FILE, split.yamlLine));
    return fail();
  }
  const meta = result.data;
  const locator: Locator = (p) => {
    const at = locate(parsed.doc, p);
    if (!at) return {};
    const pos = parsed.lines.linePos(at[0]);
    return { line: pos.line + split.yamlLine - 1, column: pos.col };
  };

  // Intro and finish, with their Korean versions.
  const introKo = readTranslation(dir, 'lesson.ko.md', problems);
  meta.title = withKo(meta.title, introKo?.title);
  const finishEn = readText(dir, 'finish.md', problems);
  const finishKo = readTranslation(dir, 'finish.ko.md', problems);
  const intro: Record<LessonLang, string> = { en: split.body, ko: introKo?.body ?? split.body };
  const finish: Record<LessonLang, string> = { en: finishEn ?? '', ko: finishKo?.body ?? finishEn ?? '' };

  const steps: LoadedStep[] = meta.steps.map((s, i) => {
    const n = i + 1;
    const at = locator(['steps', i]);
    const folder = `step${n}`;
    const hasFolder = statOrNull(path.join(dir, folder))?.isDirectory() ?? false;
    const textRel = s.text ?? (isFile(path.join(dir, `${folder}.md`)) || !hasFolder ? `${folder}.md` : `${folder}/text.md`);
    const en = readText(dir, textRel, problems);
    if (en === null) {
      problems.push({
        severity: 'error',
        file: LESSON_FILE,
        ...(s.text ? locator(['steps', i, 'text']) : at),
        message: `step ${n} has no text file: ${textRel} does not exist`,
        fix: `create ${textRel}${s.text ? '' : ` (or ${folder}/text.md)`}`,
      });
    }
    const ko = readTranslation(dir, koPath(textRel), problems);
    const base = hasFolder && !isFile(path.join(dir, `${folder}.md`)) ? `${folder}/` : `${folder}.`;
    const flat = (suffix: string) => [`${folder}.${suffix}`, `${folder}/${suffix}`];
    const checkPath = resolveScript(dir, s.check, flat('check.sh'), `step ${n}'s check`, s.check ? locator(['steps', i, 'check']) : at, problems, true);
    const solutionPath = resolveScript(dir, s.solution, flat('solution.sh'), `step ${n}'s solution`, s.solution ? locator(['steps', i, 'solution']) : at, problems, true);
    const backgroundPath = resolveScript(dir, s.background, flat('background.sh'), `step ${n}'s background script`, s.background ? locator(['steps', i, 'background']) : at, problems, false);
    const foregroundPath = resolveScript(dir, s.foreground, flat('foreground.sh'), `step ${n}'s foreground script`, s.foreground ? locator(['steps', i, 'foreground']) : at, problems, false);
    if (checkPath && !solutionPath && !s.solution) {
      problems.push({ severity: 'error', file: LESSON_FILE, ...at, message: `step ${n} has a check but no solution`, fix: `write ${base}solution.sh: a non-interactive script that does what the student should do` });
    }
    if (solutionPath && !checkPath && !s.check) {
      problems.push({ severity: 'error', file: LESSON_FILE, ...at, message: `step ${n} has a solution but no check script`, fix: `write ${base}check.sh (exit 0 when the step is done, print "FAIL: why" otherwise), or remove the solution` });
    }
    if (s.watch && !checkPath && !s.check) {
      problems.push({ severity: 'warning', file: LESSON_FILE, ...locator(['steps', i, 'watch']), message: `step ${n} sets watch: true but has no check`, fix: 'add a check script or remove "watch"' });
    }
    let solutionMarkdown: Record<LessonLang, string> | undefined;
    const solMd = [`${folder}.solution.md`, `${folder}/solution.md`].find((p) => isFile(path.join(dir, p)));
    if (solMd) {
      const enSol = readText(dir, solMd, problems) ?? '';
      const koSol = readTranslation(dir, koPath(solMd), problems);
      solutionMarkdown = { en: enSol, ko: koSol?.body ?? enSol };
    }
    const nodeNo = Number(s.node.slice(4));
    if (nodeNo > meta.nodes) {
      problems.push({ severity: 'error', file: LESSON_FILE, ...locator(['steps', i, 'node']), message: `step ${n} runs in ${s.node} but the lesson has ${meta.nodes} node(s)`, fix: `set "nodes: ${nodeNo}" or use node1…node${meta.nodes}` });
    }
    const rel = (abs: string | undefined) => (abs ? path.relative(dir, abs) : undefined);
    return {
      ...s,
      title: withKo(s.title, ko?.title),
      index: n,
      text: textRel,
      check: rel(checkPath),
      solution: rel(solutionPath),
      background: rel(backgroundPath),
      foreground: rel(foregroundPath),
      markdown: { en: en ?? '', ko: ko?.body ?? en ?? '' },
      ...(checkPath ? { checkPath } : {}),
      ...(solutionPath ? { solutionPath } : {}),
      ...(solutionMarkdown ? { solutionMarkdown } : {}),
      ...(backgroundPath ? { backgroundPath } : {}),
      ...(foregroundPath ? { foregroundPath } : {}),
    } satisfies LoadedStep;
  });

  const setupPath = resolveScript(dir, meta.setup, ['setup.sh'], 'the setup script', meta.setup ? locator(['setup']) : { line: 1 }, problems, true);
  if (setupPath) meta.setup = path.relative(dir, setupPath);
  const lessonBackgroundPath = meta.background ? resolveScript(dir, meta.background, [], 'the lesson background script', locator(['background']), problems, true) : undefined;

  meta.assets.forEach((a, i) => {
    const abs = path.join(dir, a.from);
    const st = statOrNull(abs);
    const at = locator(['assets', i, 'from']);
    if (!st) {
      problems.push({ severity: 'error', file: LESSON_FILE, ...at, message: `asset "${a.from}" does not exist`, fix: `create ${a.from} in the lesson folder, or correct "from"` });
    } else if (st.isSymbolicLink()) {
      problems.push({ severity: 'error', file: LESSON_FILE, ...at, message: `asset "${a.from}" is a symbolic link`, fix: 'replace the link with a copy of the file' });
    }
    const nodeNo = Number(a.node.slice(4));
    if (nodeNo > meta.nodes) {
      problems.push({ severity: 'error', file: LESSON_FILE, ...locator(['assets', i, 'node']), message: `asset "${a.from}" goes to ${a.node} but the lesson has ${meta.nodes} node(s)`, fix: `set "nodes: ${nodeNo}" or use node1…node${meta.nodes}` });
    }
  });

  let version: string;
  try {
    version = hashFolder(dir);
  } catch (err) {
    problems.push({ severity: 'error', file: '.', message: `cannot read the folder: ${(err as Error).message}` });
    return fail();
  }
  const lesson: LoadedLesson = { id, dir, meta, intro, finish, steps, ...(setupPath ? { setupPath } : {}), ...(lessonBackgroundPath ? { backgroundPath: lessonBackgroundPath } : {}), version };
  return { id, dir, lesson, problems };
}

/** Whether any problem is an error (a lesson with errors is not served). */
export function hasErrors(problems: LessonProblem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

/** One problem as `file:line:col: severity: message (fix: …)`, relative to `base` when given. */
export function formatProblem(p: LessonProblem, base?: string): string {
  const file = base ? path.join(base, p.file) : p.file;
  const loc = p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : '';
  return `${file}${loc}: ${p.severity}: ${p.message}${p.fix ? ` (fix: ${p.fix})` : ''}`;
}

/** Whether a path holds a lesson (a folder with lesson.md). */
export function isLessonDir(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && existsSync(path.join(dir, LESSON_FILE));
  } catch {
    return false;
  }
}
