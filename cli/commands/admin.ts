// pier admin: manage staff accounts from the server's own shell. `create` makes an admin
// in the configured database (the way to set pier up without a browser on this host).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Password, Username } from '../../protocol/classroom.js';
import { Accounts } from '../../server/classroom/accounts.js';
import { loadConfig } from '../../server/config.js';
import { isServerError } from '../../server/errors.js';
import { openStore } from '../../server/store/store.js';
import { UsageError } from '../main.js';

const HELP = `usage: pier admin create --username NAME [--password-stdin]

Creates an administrator account in the configured database (PIER_DATABASE, or
<stateDir>/pier.db). The password is read from standard input with --password-stdin (one
line), or asked for twice on a terminal. At least 10 characters.`;

/** Reads all of standard input (the password, one line). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks for a line on the terminal without echoing it. */
async function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  let text = '';
  try {
    for await (const chunk of stdin as AsyncIterable<Buffer>) {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return text;
        if (ch === '\u0003') throw new UsageError('cancelled');
        if (ch === '\u007f') text = text.slice(0, -1);
        else text += ch;
      }
    }
    return text;
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

/** `pier admin create --username NAME [--password-stdin]` */
export async function adminCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    console.log(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'create') throw new UsageError(`unknown subcommand "${sub}"\n\n${HELP}`);
  const { values } = parseArgs({ args: rest, options: { username: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } }, strict: true });
  const username = Username.safeParse(values.username ?? '');
  if (!username.success) throw new UsageError(`--username: ${username.error.issues[0]?.message ?? 'invalid'}\n\n${HELP}`);
  let password: string;
  if (values['password-stdin']) password = await readStdin();
  else if (process.stdin.isTTY) {
    password = await askHidden('Password: ');
    if ((await askHidden('Again: ')) !== password) throw new UsageError('the passwords differ');
  } else throw new UsageError(`no terminal to ask for the password: use --password-stdin\n\n${HELP}`);
  const checked = Password.safeParse(password);
  if (!checked.success) throw new UsageError(`password: ${checked.error.issues[0]?.message ?? 'invalid'}`);

  const config = loadConfig();
  const file = config.database || path.join(config.stateDir, 'pier.db');
  const store = openStore(file);
  try {
    const user = await new Accounts({ store }).createAdmin(username.data, checked.data);
    console.log(`pier admin: created the administrator "${user.username}" in ${file}`);
    return 0;
  } catch (err) {
    if (isServerError(err, 'USERNAME_TAKEN')) {
      console.error(`pier admin: the user name "${username.data}" is taken`);
      return 1;
    }
    throw err;
  } finally {
    store.close();
  }
}
