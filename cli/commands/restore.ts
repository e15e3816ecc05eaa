// pier restore: puts a `pier backup` back — verified first (every checksum), then the
// database, secret, config file and lesson folders — while pier is stopped.
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { restore, statePaths, verifyBackup } from '../../server/ops/backup.js';
import { UsageError } from '../main.js';
import { configFileInUse } from './backup.js';

const USAGE = `usage: pier restore DIR [--force]
  Restores the backup in DIR over this server's database, cookie secret, config file and
  lesson folders. Stop pier first (systemctl stop pier); it refuses while something serves
  on the configured port, unless --force. Sessions whose sandboxes are gone end at the next
  start; accounts, classes and progress are kept.`;

/** Whether something accepts connections on the server's port (loopback). */
function serving(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => (s.destroy(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

/** \`pier restore DIR\` */
export async function restoreCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { force: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (parsed.values.help) return (console.log(USAGE), 0);
  const [dir, ...extra] = parsed.positionals;
  if (dir === undefined || extra.length > 0) throw new UsageError(USAGE);
  const config = loadConfig();
  try {
    verifyBackup(path.resolve(dir));
  } catch (err) {
    console.error(`pier restore: ${(err as Error).message}`);
    return 1;
  }
  if (!parsed.values.force && (await serving(config.port))) {
    console.error(`pier restore: something serves on port ${config.port}: stop pier first (or --force)`);
    return 1;
  }
  const here = statePaths(config, configFileInUse());
  const report = restore(path.resolve(dir), { database: here.database, secret: here.secret, ...(here.configFile ? { configFile: here.configFile } : {}) });
  console.log(`pier: restored ${report.database}${report.secret ? `, ${report.secret}` : ''}${report.configFile ? `, ${report.configFile}` : ''}${report.lessonDirs.map((d) => `, ${d}`).join('')}`);
  return 0;
}
