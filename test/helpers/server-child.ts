// A pier server as its own process, for tests that kill it: `node --import tsx THIS`. The
// configuration comes from PIER_* variables (PIER_DATABASE, PIER_PORT…); Next is off.
// Prints "ready <url>" once it listens, and stops on SIGTERM.
import { startServer } from '../../server/main.js';

const server = await startServer({ next: false, hostname: '127.0.0.1' });
process.stdout.write(`ready ${server.url}\n`);
process.once('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
