// Entry of the `pier` command line: picks the subcommand and turns errors into one clear
// line and an exit code.
import { SandboxError } from '../sandbox/index.js';
import { ConfigError } from '../server/config.js';

/** A subcommand: takes its own argv, returns the process exit code. */
export type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  up: { summary: 'serve the playground', load: async () => (await import('./commands/up.js')).upCommand },
  doctor: { summary: "check this host's prerequisites", load: async () => (await import('./commands/doctor.js')).doctorCommand },
  image: { summary: 'build and list sandbox images', load: async () => (await import('./commands/image.js')).imageCommand },
  sandbox: { summary: 'run, list and remove sandboxes', load: async () => (await import('./commands/sandbox.js')).sandboxCommand },
  bench: { summary: 'measure start, teardown, terminals', load: async () => (await import('./commands/bench.js')).benchCommand },
  lesson: { summary: 'write, lint, test and import lessons', load: async () => (await import('./commands/lesson.js')).lessonCommand },
  admin: { summary: 'create staff accounts (the first administrator)', load: async () => (await import('./commands/admin.js')).adminCommand },
  'install-service': { summary: 'write and enable the systemd unit', load: async () => (await import('./commands/service.js')).installServiceCommand },
  backup: { summary: 'back up database, secret, config, lessons', load: async () => (await import('./commands/backup.js')).backupCommand },
  restore: { summary: 'restore a backup (pier stopped)', load: async () => (await import('./commands/restore.js')).restoreCommand },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(15)} ${c.summary}`);
  return `usage: pier <command> [options]\n\n${rows.join('\n')}\n\nRun \`pier <command> --help\` for a command's options.`;
}

/** Runs the command line; resolves with the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`pier: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (err) {
    if (err instanceof SandboxError) {
      console.error(`pier ${name}: ${err.userMessage}\n  (${err.code}) ${err.message}`);
      return 1;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(`pier ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/** Bad command-line usage: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
