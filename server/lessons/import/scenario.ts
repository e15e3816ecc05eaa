// What the importer reads of a Killercoda or Katacoda scenario: the zod schema of its
// index.json, which of the two it is, and the small lookups that map its fields onto the
// pier format (hosts, time, difficulty, asset globs). Pure, apart from reading folders.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** A path inside the scenario folder (no `..`, not absolute). */
const ScenarioPath = z.string().min(1).refine((p) => !path.isAbsolute(p) && !p.split(/[\\/]/).includes('..'), 'must stay inside the scenario folder');

export const Part = z.looseObject({
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
  /** Katacoda's credits line (intro). */
  credits: z.string().optional(),
});
export type Part = z.infer<typeof Part>;

const AssetEntry = z.looseObject({ file: z.string().min(1), target: z.string().min(1), chmod: z.string().optional() });

/** The parts of index.json the importer reads; the rest is reported as not mapped. */
export const ScenarioIndex = z.looseObject({
  title: z.string().min(1),
  description: z.string().optional(),
  difficulty: z.string().optional(),
  time: z.union([z.string(), z.number()]).optional(),
  /** `challenge@0.5` / `challenge@1.0`: every verify script watches. */
  type: z.string().optional(),
  credits: z.string().optional(),
  pathwayTitle: z.string().optional(),
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
export type ScenarioIndex = z.infer<typeof ScenarioIndex>;

export const TOP_KEYS = new Set(['title', 'description', 'difficulty', 'time', 'type', 'credits', 'pathwayTitle', 'icon', 'details', 'backend', 'environment', 'interface']);
export const PART_KEYS = new Set(['title', 'text', 'verify', 'background', 'foreground', 'courseData', 'code', 'answer']);

/**
 * Katacoda or Killercoda, from what only Katacoda has: courseData/code/answer, the
 * `environment` block, a pathway, `client` assets, Katacoda host variables or editor blocks
 * in the text.
 * `difficulty` and `time` say nothing: Killercoda scenarios carry them too.
 */
export function flavorOf(index: ScenarioIndex, raw: object, texts: readonly string[]): 'killercoda' | 'katacoda' {
  const parts = [index.details.intro, ...index.details.steps, index.details.finish].filter((p): p is Part => p !== undefined);
  const katacoda =
    parts.some((p) => p.courseData || p.code || p.answer) ||
    'environment' in raw ||
    'pathwayTitle' in raw ||
    index.details.assets?.client !== undefined ||
    texts.some((t) => /\[\[(HOST\d?_SUBDOMAIN|KATACODA_HOST)\]\]|data-filename=/.test(t));
  return katacoda ? 'katacoda' : 'killercoda';
}

/** Which node a Killercoda/Katacoda asset host key means. */
export function hostNode(key: string): number | null {
  if (key === 'client') return 1;
  const m = /^host0?([1-5])$/.exec(key);
  return m ? Number(m[1]) : null;
}

/** Minutes from "10 minutes", "1 hour", "15-20 min" or a number. */
export function minutes(time: string | number | undefined): number | null {
  if (typeof time === 'number') return Math.min(600, Math.max(1, Math.round(time)));
  if (!time) return null;
  const m = /(\d+)\s*(h|hour)?/i.exec(time);
  if (!m) return null;
  return Math.min(600, Math.max(1, Number(m[1]) * (m[2] ? 60 : 1)));
}

/** The words scenarios use for difficulty → pier's three levels. */
const DIFFICULTY: Record<string, 'beginner' | 'intermediate' | 'advanced'> = {
  beginner: 'beginner',
  easy: 'beginner',
  basic: 'beginner',
  introductory: 'beginner',
  intermediate: 'intermediate',
  medium: 'intermediate',
  moderate: 'intermediate',
  advanced: 'advanced',
  hard: 'advanced',
  difficult: 'advanced',
  expert: 'advanced',
};

/** pier's difficulty for a scenario's word, or null when it is not one we know. */
export function difficultyOf(word: string | undefined): 'beginner' | 'intermediate' | 'advanced' | null {
  return word === undefined ? null : (DIFFICULTY[word.trim().toLowerCase()] ?? null);
}

/** Files an asset entry names: `*`, `dir/*` and plain names (relative to assets/). */
export function expandAsset(src: string, pattern: string): string[] {
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
export function copyTree(src: string, dest: string, onLink: (rel: string) => void): string[] {
  const copied: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(src, rel)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      if (r === 'index.json' || name === '.git') continue;
      const st = lstatSync(path.join(src, r));
      if (st.isSymbolicLink()) onLink(r);
      else if (st.isDirectory()) {
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

/** The 1-based line of index.json where `"key"` (optionally with the string value) first occurs. */
export function jsonLine(raw: string, key: string, value?: string): number | undefined {
  const needle = value === undefined ? `"${key}"` : new RegExp(`"${key}"\\s*:\\s*"${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`);
  const at = typeof needle === 'string' ? raw.indexOf(needle) : (needle.exec(raw)?.index ?? -1);
  return at === -1 ? undefined : raw.slice(0, at).split('\n').length;
}

/** A lesson id from a folder name: lowercase letters, digits and dashes. */
export function lessonIdFrom(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'imported-lesson';
}
