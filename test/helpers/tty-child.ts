// A process holding one sandbox terminal, for tests that kill it: `node --import tsx THIS
// SANDBOX_ID CMD…`. Prints "ready" once the command's first output arrived, then relays
// nothing and waits to be killed.
import { openRuntime } from '../../server/runtime.js';

const [id, ...cmd] = process.argv.slice(2);
if (!id || cmd.length === 0) throw new Error('usage: tty-child SANDBOX_ID CMD…');
const tty = await openRuntime().driver.execTty(id, { cmd, size: { cols: 80, rows: 24 } });
const first = tty.onData(() => {
  first.dispose();
  process.stdout.write('ready\n');
});
tty.onExit((e) => {
  process.stdout.write(`exit ${e.exitCode}\n`);
  process.exit(1);
});
