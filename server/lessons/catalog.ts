// Every lesson pier serves: the folders of the built-in `lessons/` plus the extra folders
// from config (`lessonDirs`, `PIER_LESSON_DIRS`), sorted by id (course order). Edits show up
// without a restart: before answering, the catalog re-stats a lesson's files (at most every
// `recheckMs`) and reloads the folder when a size, mtime or mode changed. A broken lesson is
// kept as an entry with its problems (logged once per change); it never hides the others.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatProblem, hasErrors, LESSON_FILE, loadLesson } from './load.js';
import type { LessonProblem, LoadedLesson } from './model.js';

/** One lesson folder as the catalog knows it. */
export interface CatalogEntry {
  id: string;
  dir: string;
  /** The loaded lesson; null when lesson.md is missing or its front matter is invalid. */
  lesson: LoadedLesson | null;
  problems: LessonProblem[];
  /** Whether the lesson can be served: loaded and without errors. */
  ok: boolean;
}

export interface CatalogOptions {
  /** Folders holding one folder per lesson, in precedence order (an id's first folder wins). */
  dirs: string[];
  /** Least time between two checks of the same folder for changes. Default 500 ms. */
  recheckMs?: number;
  /** Where problems go when a lesson (re)loads with any: one call per lesson version. */
  onProblems?: (entry: CatalogEntry, lines: string[]) => void;
}

interface Slot {
  entry: CatalogEntry;
  signature: string;
  checkedAt: number;
}

/** Folders in a lessons root that are not lessons: hidden, or starting with `_`. */
const SKIP_RE = /^[._]/;

/** A cheap fingerprint of a folder: every file's path, size, mtime and mode. */
function signature(dir: string): string {
  const parts: string[] = [];
  const walk = (rel: string, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(path.join(dir, rel)).sort();
    } catch {
      parts.push(`${rel}:unreadable`);
      return;
    }
    for (const name of names) {
      const r = rel === '' ? name : `${rel}/${name}`;
      try {
        const st = lstatSync(path.join(dir, r));
        parts.push(`${r}:${st.size}:${st.mtimeMs}:${st.mode}`);
        if (st.isDirectory() && depth < 8) walk(r, depth + 1);
      } catch {
        parts.push(`${r}:gone`);
      }
    }
  };
  walk('', 0);
  return parts.join('\n');
}

/** The built-in `lessons/` folder, found from this file in server/lessons/ or dist/server/lessons/. */
export function builtinLessonsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'lessons');
    const up = path.dirname(dir);
    if (up === dir) return path.resolve('lessons');
    dir = up;
  }
}

/** The lesson roots for a configuration: the built-in folder, then `lessonDirs`. */
export function lessonRoots(config: { lessonDirs: string[] }): string[] {
  return [builtinLessonsDir(), ...config.lessonDirs.map((d) => path.resolve(d))];
}

/** The lessons of the configured folders, reloaded when their files change. */
export class LessonCatalog {
  readonly dirs: string[];
  private readonly recheckMs: number;
  private readonly onProblems: CatalogOptions['onProblems'];
  private readonly slots = new Map<string, Slot>();
  private scannedAt = -Infinity;

  constructor(options: CatalogOptions) {
    this.dirs = options.dirs.map((d) => path.resolve(d));
    this.recheckMs = options.recheckMs ?? 500;
    this.onProblems = options.onProblems;
  }

  /** Every lesson folder, sorted by id, the broken ones included (with `ok: false`). */
  list(): CatalogEntry[] {
    this.scan(true);
    return [...this.slots.values()].map((s) => s.entry).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The lessons that can be served, in course order. */
  lessons(): LoadedLesson[] {
    return this.list()
      .filter((e) => e.ok)
      .map((e) => e.lesson!);
  }

  /** One folder's entry (fresh), or undefined when no root holds a lesson of that id. */
  entry(id: string): CatalogEntry | undefined {
    let slot = this.slots.get(id);
    if (!slot) {
      this.scan(false);
      slot = this.slots.get(id);
      if (!slot) return undefined;
    }
    return this.refresh(id, slot, Date.now()).entry;
  }

  /** A lesson that can be served, or undefined (unknown id, or the lesson has errors). */
  get(id: string): LoadedLesson | undefined {
    const e = this.entry(id);
    return e?.ok ? e.lesson! : undefined;
  }

  /** Finds lesson folders in the roots; with `all`, also re-checks each known folder. */
  private scan(all: boolean): void {
    const now = Date.now();
    if (!all && now - this.scannedAt < this.recheckMs) return;
    const found = new Map<string, string>();
    for (const root of this.dirs) {
      let names: string[];
      try {
        names = readdirSync(root);
      } catch {
        continue; // a configured root that does not exist (yet) holds no lessons
      }
      for (const name of names.sort()) {
        if (SKIP_RE.test(name) || found.has(name)) continue;
        const dir = path.join(root, name);
        try {
          if (!lstatSync(dir).isDirectory()) continue;
        } catch {
          continue;
        }
        if (!existsSync(path.join(dir, LESSON_FILE)) && root !== this.dirs[0]) continue;
        found.set(name, dir);
      }
    }
    for (const id of [...this.slots.keys()]) if (!found.has(id)) this.slots.delete(id);
    for (const [id, dir] of found) {
      const slot = this.slots.get(id);
      if (!slot || slot.entry.dir !== dir) this.slots.set(id, this.load(id, dir, now));
      else if (all) this.refresh(id, slot, now);
    }
    this.scannedAt = now;
  }

  /** Re-stats a folder (throttled) and reloads it when something changed. */
  private refresh(id: string, slot: Slot, now: number): Slot {
    if (now - slot.checkedAt < this.recheckMs) return slot;
    const sig = signature(slot.entry.dir);
    if (sig === slot.signature) {
      slot.checkedAt = now;
      return slot;
    }
    const next = this.load(id, slot.entry.dir, now, sig);
    this.slots.set(id, next);
    return next;
  }

  private load(id: string, dir: string, now: number, sig = signature(dir)): Slot {
    let entry: CatalogEntry;
    try {
      const loaded = loadLesson(dir);
      entry = { id, dir, lesson: loaded.lesson, problems: loaded.problems, ok: loaded.lesson !== null && !hasErrors(loaded.problems) };
    } catch (err) {
      // The loader reports content problems itself; this is a folder that vanished mid-read.
      entry = { id, dir, lesson: null, problems: [{ severity: 'error', file: '.', message: `cannot read the lesson: ${(err as Error).message}` }], ok: false };
    }
    if (entry.problems.length > 0) this.onProblems?.(entry, entry.problems.map((p) => formatProblem(p, dir)));
    return { entry, signature: sig, checkedAt: now };
  }
}
