import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withConsoleSocket, withOnlcrHandshake } from './exec-tty.js';

test('the console options go right after the exec verb, global flags stay before it', () => {
  const args = ['--root', '/run/pier/runc', 'exec', '--cwd', '/root', '--tty', 'pier-abc', '/bin/sh'];
  assert.deepEqual(withConsoleSocket(args, '/s/tty.sock', '/s/tty.pid'), [
    '--root', '/run/pier/runc', 'exec', '--detach', '--console-socket', '/s/tty.sock', '--pid-file', '/s/tty.pid',
    '--cwd', '/root', '--tty', 'pier-abc', '/bin/sh',
  ]);
  assert.throws(() => withConsoleSocket(['run', 'x'], '/s', '/p'), /exec verb/);
});

test('the wrapper waits for one line, then execs the command with its arguments untouched', () => {
  const w = withOnlcrHandshake(['/bin/bash', '-l', 'a b']);
  assert.deepEqual(w.slice(0, 2), ['/bin/sh', '-c']);
  assert.match(w[2]!, /^read -r _; exec "\$@"$/);
  assert.deepEqual(w.slice(4), ['/bin/bash', '-l', 'a b']);
});
