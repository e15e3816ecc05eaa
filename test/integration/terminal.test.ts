// Browser terminals end to end minus the browser: the socket glue and Terminal over a pty
// from a REAL sandbox (`runc exec -t`), a `ws` server on 127.0.0.1:0 and a protocol client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootSuite } from '../helpers/root.js';
import { driver } from '../helpers/sandbox.js';
import { TerminalClient, startTerminalServer, type TerminalTestServer } from '../helpers/terminal-socket.js';
import { Terminal } from '../../server/terminals/terminal.js';
import type { SandboxInfo } from '../../sandbox/index.js';

const SIZE = { cols: 100, rows: 30 };
const PROMPT = /pier\$ $/;

describe('terminal socket over a sandbox pty', rootSuite(), () => {
  let sandbox: SandboxInfo | undefined;
  let term: Terminal | undefined;
  let server: TerminalTestServer | undefined;

  before(async () => {
    sandbox = await driver.create({ hostname: 'node1' });
    const pty = await driver.execTty(sandbox.id, { cmd: ['/bin/bash', '--norc', '-i'], env: { PS1: 'pier$ ', TERM: 'xterm-256color' }, size: SIZE });
    term = new Terminal(pty, SIZE);
    server = await startTerminalServer(term);
  });

  after(async () => {
    await server?.close();
    term?.dispose('closed');
    if (sandbox) await driver.destroy(sandbox.id);
  });

  test('`tty` prints /dev/pts/N, echo works, the size follows resize', { timeout: 30_000 }, async () => {
    assert.ok(server);
    const c = await TerminalClient.connect(server.url);
    await c.hello(undefined, SIZE);
    await c.waitFor(PROMPT, 10_000);
    c.input('tty; stty size; echo $((6*7))\r');
    await c.waitFor(/[\r\n]\/dev\/pts\/\d+\r\n30 100\r\n42\r\n/, 10_000);
    c.send({ type: 'resize', cols: 120, rows: 40 });
    c.input('stty size\r');
    await c.waitFor(/[\r\n]40 120\r\n/, 10_000);
    assert.deepEqual(c.violations, []);
    c.ws.close();
    await c.closed;
  });

  test('a dropped socket resumes with exactly the missing output', { timeout: 30_000 }, async () => {
    assert.ok(server && term);
    const first = await TerminalClient.connect(server.url);
    const ready = await first.hello(term.offset);
    assert.equal(ready.screen, undefined);
    const from = first.start;
    first.input('echo one; sleep 0.5; echo two\r');
    await first.waitFor(/[\r\n]one\r\n/, 10_000);
    first.ws.terminate();
    await first.closed;
    await sleep(1000); // `two` and the prompt are printed while nobody is connected

    const second = await TerminalClient.connect(server.url);
    assert.equal((await second.hello(first.end)).offset, first.end, 'a replay from where the first socket stopped');
    await second.waitFor(/two\r\n[^]*pier\$ $/, 10_000);
    while (second.end < term.offset) await sleep(5);
    const all = Buffer.concat([first.bytes, second.bytes]).toString();
    assert.equal((all.match(/[\r\n]one\r\n/g) ?? []).length, 1, 'one printed once');
    assert.equal((all.match(/[\r\n]two\r\n/g) ?? []).length, 1, 'two printed once');
    assert.doesNotMatch(second.text, /[\r\n]one\r\n/);
    // The stream as the server has it, replayed from the same offset, is the two parts joined.
    const late = await TerminalClient.connect(server.url);
    await late.hello(from);
    while (late.end < term.offset) await sleep(5);
    assert.deepEqual(late.bytes, Buffer.concat([first.bytes, second.bytes]), 'no duplicate, no gap');
    assert.deepEqual([...first.violations, ...second.violations, ...late.violations], []);
    for (const c of [second, late]) c.ws.close();
  });
});
