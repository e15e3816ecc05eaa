// pier up: serves the playground (pages, API, terminals, port proxy) on one port until
// SIGINT or SIGTERM. Stopping keeps every sandbox: the next `pier up` adopts them.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../server/config.js';
import { ServerError } from '../../server/errors.js';
import { RuntimeRefusedError } from '../../server/runtime.js';
import { startServer } from '../../server/main.js';
import { UsageError } from '../main.js';

/**
 * After a clean stop, how long the process may linger before it exits anyway (ms). HACK:
 * Next's dev server (--dev) leaves file watchers and workers that keep Node alive after
 * its close(); the production server exits on its own.
 */
export const EXIT_GRACE_MS = 1_000;

const USAGE = `usage: pier up [--port N] [--host H] [--dev]
  Serves the playground (default http://localhost:3000).
  --port N   port to listen on (config port, PIER_PORT)
  --host H   address to listen on (config host, PIER_HOST)
  --dev      Next.js in development mode (hot reload) instead of the production build`;

/** `pier up`: resolves with the exit code once the server has stopped. */
export async function upCommand(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; dev?: boolean; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, host: { type: 'string' }, dev: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) return (console.log(USAGE), 0);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new UsageError(`--port: not a port: ${values.port}`);
  const config = loadConfig();
  let server;
  try {
    server = await startServer({ config, dev: values.dev ?? false, ...(port !== undefined ? { port } : {}), ...(values.host ? { hostname: values.host } : {}) });
  } catch (err) {
    if (err instanceof ServerError) {
      console.error(`pier up: ${err.userMessage}\n  (${err.code}) ${err.message}`);
      return 1;
    }
    if (err instanceof RuntimeRefusedError) {
      console.error(`pier up: ${err.message}`);
      return 1;
    }
    throw err;
  }
  console.log(`pier: serving ${server.url}`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  console.log(`pier: ${signal}: stopping (sandboxes are kept for the next start)`);
  await server.close();
  setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
  return 0;
}
