// Backup and restore of a pier server's state: the database (SQLite's online backup, safe
// while the server runs), the cookie secret, the config file and the extra lesson folders.
// A backup is a directory with a manifest listing every file and its SHA-256; restore checks
// them all before it changes anything. Sandboxes and images are not backed up: images are
// rebuilt by recipe, and sessions whose sandboxes are gone end at start, progress kept.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Config } from '../config.js';

/** The manifest's file name inside a backup. */
export const MANIFEST = 'manifest.json';

const Manifest = z.object({
  format: z.literal(1),
  createdAt: z.string(),
  pierVersion: z.string(),
  /** Where each part came from, to restore it there. */
  database: z.string(),
  secret: z.string().nullable(),
  configFile: z.string().nullable(),
  lessonDirs: z.array(z.object({ from: z.string(), dir: z.string() })),
  files: z.record(z.string(), z.string().regex(/^[0-9a-f]{64}$/)),
});
export type Manifest = z.infer<typeof Manifest>;

/** Where a server's state lives, from its config. */
export interface StatePaths {
  database: string;
  secret: string;
  /** The config file in use, or null when there is none. */
  configFile: string | null;
  lessonDirs: string[];
}

/** The state paths of `config` (`configFile` as loadConfig found it). */
export function statePaths(config: Config, configFile: string | null): StatePaths {
  return {
    database: config.database || path.join(config.stateDir, 'pier.db'),
    secret: path.join(config.stateDir, 'secret'),
    configFile,
    lessonDirs: config.lessonDirs,
  };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) out.push(...filesUnder(dir, rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Writes a backup of `state` into the new directory `target`. The database is copied page by
 * page with SQLite's online backup API, a consistent snapshot even while pier writes to it.
 * @throws Error when `target` exists or the database cannot be read
 */
export async function backup(state: StatePaths, target: string, pierVersion: string): Promise<Manifest> {
  if (existsSync(target)) throw new Error(`${target} exists: name a new directory`);
  const work = `${target}.partial`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const db = new Database(state.database, { readonly: true, fileMustExist: true });
  try {
    await db.backup(path.join(work, 'pier.db'));
  } finally {
    db.close();
  }
  let secret: string | null = null;
  if (existsSync(state.secret)) {
    cpSync(state.secret, path.join(work, 'secret'));
    chmodSync(path.join(work, 'secret'), 0o600);
    secret = state.secret;
  }
  let configFile: string | null = null;
  if (state.configFile !== null && existsSync(state.configFile)) {
    cpSync(state.configFile, path.join(work, 'config.json'));
    configFile = state.configFile;
  }
  const lessonDirs = state.lessonDirs.filter((d) => existsSync(d)).map((from, i) => {
    const dir = `lessons/${i}`;
    cpSync(from, path.join(work, dir), { recursive: true, verbatimSymlinks: true });
    return { from, dir };
  });
  const files = Object.fromEntries(filesUnder(work).sort().map((rel) => [rel, sha256(path.join(work, rel))]));
  const manifest: Manifest = { format: 1, createdAt: new Date().toISOString(), pierVersion, database: state.database, secret, configFile, lessonDirs, files };
  writeFileSync(path.join(work, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  renameSync(work, target);
  return manifest;
}

/** Reads and verifies a backup: the manifest parses and every file's hash matches. */
export function verifyBackup(dir: string): Manifest {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) throw new Error(`${dir}: not a pier backup (no ${MANIFEST})`);
  const parsed = Manifest.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a pier backup manifest (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  for (const [rel, hash] of Object.entries(parsed.data.files)) {
    const f = path.join(dir, rel);
    if (!existsSync(f) || !statSync(f).isFile()) throw new Error(`${dir}: ${rel} is missing`);
    if (sha256(f) !== hash) throw new Error(`${dir}: ${rel} does not match its checksum (damaged backup)`);
  }
  return parsed.data;
}

/** What restore wrote. */
export interface RestoreReport {
  database: string;
  secret: string | null;
  configFile: string | null;
  lessonDirs: string[];
}

/**
 * Restores a verified backup into `state` (the running config's paths; the backup's own
 * paths when these are not given). The server must be stopped. Each file is written beside
 * its target and renamed over it; the database's WAL and shared-memory files are removed.
 */
export function restore(dir: string, state: Partial<StatePaths> = {}): RestoreReport {
  const m = verifyBackup(dir);
  const database = state.database ?? m.database;
  mkdirSync(path.dirname(database), { recursive: true });
  cpSync(path.join(dir, 'pier.db'), `${database}.restore`);
  chmodSync(`${database}.restore`, 0o600);
  for (const side of ['-wal', '-shm']) rmSync(`${database}${side}`, { force: true });
  renameSync(`${database}.restore`, database);
  let secret: string | null = null;
  if (m.secret !== null) {
    secret = state.secret ?? m.secret;
    mkdirSync(path.dirname(secret), { recursive: true });
    cpSync(path.join(dir, 'secret'), `${secret}.restore`);
    chmodSync(`${secret}.restore`, 0o600);
    renameSync(`${secret}.restore`, secret);
  }
  let configFile: string | null = null;
  if (m.configFile !== null) {
    configFile = state.configFile ?? m.configFile;
    mkdirSync(path.dirname(configFile), { recursive: true });
    cpSync(path.join(dir, 'config.json'), `${configFile}.restore`);
    renameSync(`${configFile}.restore`, configFile);
  }
  const lessonDirs: string[] = [];
  for (const { from, dir: rel } of m.lessonDirs) {
    rmSync(`${from}.restore`, { recursive: true, force: true });
    cpSync(path.join(dir, rel), `${from}.restore`, { recursive: true, verbatimSymlinks: true });
    rmSync(from, { recursive: true, force: true });
    renameSync(`${from}.restore`, from);
    lessonDirs.push(from);
  }
  return { database, secret, configFile, lessonDirs };
}
