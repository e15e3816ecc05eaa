// pier backup: a consistent copy of the server's state into a new directory — the database
// through SQLite's online backup (pier may keep running), the cookie secret, the config file
// and the extra lesson folders — with a manifest of checksums that `pier restore` verifies.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { projectRoot } from '../../server/main.js';
import { backup, statePaths } from '../../server/ops/backup.js';
import { UsageError } from '../main.js';

const USAGE = `usage: pier backup DIR [--json]
  Writes a backup of the database, cookie secret, config file and lesson folders into the
  new directory DIR. Safe while pier runs (SQLite online backup). Restore with \`pier restore DIR\`.
  --json   print the manifest`;

/** The config file loadConfig reads: PIER_CONFIG, else /etc/pier/config.json when it exists. */
export function configFileInUse(env: NodeJS.ProcessEnv = process.env): string | null {
  const file = env.PIER_CONFIG ?? '/etc/pier/config.json';
  return existsSync(file) ? path.resolve(file) : null;
}

/** pier's version from package.json. */
export function pierVersion(): string {
  return (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** \`pier backup DIR\` */
export async function backupCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help) return (console.log(USAGE), 0);
  const [dir, ...extra] = parsed.positionals;
  if (dir === undefined || extra.length > 0) throw new UsageError(USAGE);
  const state = statePaths(loadConfig(), configFileInUse());
  const started = performance.now();
  const manifest = await backup(state, path.resolve(dir), pierVersion());
  if (parsed.values.json) console.log(JSON.stringify(manifest, null, 2));
  else {
    const parts = ['database', manifest.secret ? 'secret' : null, manifest.configFile ? 'config' : null, manifest.lessonDirs.length > 0 ? `${manifest.lessonDirs.length} lesson folder(s)` : null].filter(Boolean);
    console.log(`pier: backup of ${parts.join(', ')} in ${path.resolve(dir)} (${Object.keys(manifest.files).length} files, ${Math.round(performance.now() - started)} ms)`);
  }
  return 0;
}
