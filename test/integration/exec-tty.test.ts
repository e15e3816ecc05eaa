// A terminal inside a real sandbox, as the server gets it from the driver (execTty): runc
// exec --tty --detach hands the pty master to this process (console socket), which reads,
// writes and sizes it; pier-ptywait reports the exit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, sh } from '../helpers/sandbox.js';
import type { SandboxInfo, SandboxTty } from '../../sandbox/index.js';

const SIZE = { cols: 80, rows: 24 };
/** Terminals opened and closed by the leak test, and how many at once. */
const LEAK_TERMINALS = 500;
const LEAK_PARALLEL = 10;

/** What this process's descriptors point at. */
function ownFds(): string[] {
  return readdirSync('/proc/self/fd').map((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      return 'gone'; // the directory's own descriptor
    }
  });
}

/** Opens a terminal on `cat`, waits for it to speak, hangs it up, waits for its exit. */
async function openAndClose(id: string): Promise<void> {
  const tty = await driver.execTty(id, { cmd: ['/bin/sh', '-c', 'echo up; exec cat'], size: SIZE });
  const out = collect(tty);
  while (!out.bytes().includes('up')) await new Promise<void>((resolve) => tty.onData(() => resolve()));
  tty.kill('SIGHUP');
  await out.exited;
}

/** Everything `tty` prints until it exits, and how it exited. */
function collect(tty: SandboxTty): { bytes: () => Buffer; exited: Promise<{ exitCode: number; signal?: number | undefined }> } {
  const chunks: Buffer[] = [];
  tty.onData((d) => chunks.push(d));
  const exited = new Promise<{ exitCode: number; signal?: number | undefined }>((resolve) => tty.onExit(resolve));
  return { bytes: () => Buffer.concat(chunks), exited };
}

describe('sandbox terminals (execTty)', rootSuite(), () => {
  let s: SandboxInfo;

  before(async () => {
    s = await driver.create({ hostname: 'node1' });
  });

  after(async () => {
    if (s) await driver.destroy(s.id);
  });

  test('output is exactly what a terminal shows: CR LF line ends, nothing of the set-up, the environment intact', { timeout: 30_000 }, async () => {
    const tty = await driver.execTty(s.id, { cmd: ['/bin/sh', '-c', 'printf "a\\nb\\n"; echo "[$PS1]"; exit 3'], env: { PS1: 'x$ ' }, size: SIZE });
    const out = collect(tty);
    const exit = await out.exited;
    assert.equal(out.bytes().toString('latin1'), 'a\r\nb\r\n[x$ ]\r\n');
    assert.equal(exit.exitCode, 3);
  });

  test('the shell is on its own /dev/pts/N, sized before it starts, and no other process holds the master', { timeout: 30_000 }, async () => {
    const tty = await driver.execTty(s.id, { cmd: ['/bin/sh', '-c', 'tty; stty size; read -r line; echo "got $line"'], size: { cols: 100, rows: 30 } });
    const out = collect(tty);
    while (!out.bytes().toString('latin1').includes(' 100\r\n')) await new Promise<void>((resolve) => tty.onData(() => resolve()));
    // A process this server starts now does not inherit the master (close-on-exec).
    const childFds = execFileSync('/bin/sh', ['-c', 'ls -l /proc/$$/fd'], { encoding: 'utf8' });
    assert.doesNotMatch(childFds, /ptmx|\/dev\/pts/, childFds);
    const waiterFds = readdirSync(`/proc/${tty.pid}/fd`).map((fd) => readlinkSync(`/proc/${tty.pid}/fd/${fd}`));
    assert.ok(!waiterFds.some((l) => /ptmx|\/dev\/pts/.test(l)), waiterFds.join(' '));
    tty.write('hello\r');
    const exit = await out.exited;
    assert.equal(exit.exitCode, 0);
    assert.match(out.bytes().toString('latin1'), /^\/dev\/pts\/\d+\r\n30 100\r\nhello\r\ngot hello\r\n$/);
  });

  test(`${LEAK_TERMINALS} terminals opened and closed leave no descriptor, file or process behind`, { timeout: 600_000 }, async () => {
    for (let i = 0; i < LEAK_PARALLEL; i++) await openAndClose(s.id); // warm-up: libuv's lazily opened descriptors
    const before = ownFds();
    for (let done = 0; done < LEAK_TERMINALS; done += LEAK_PARALLEL) {
      await Promise.all(Array.from({ length: LEAK_PARALLEL }, () => openAndClose(s.id)));
    }
    const after = ownFds();
    assert.equal(after.length, before.length, `before: ${before.join(' ')}\nafter: ${after.join(' ')}`);
    const leftovers = readdirSync(path.join(runtime.config.stateDir, 'sandboxes', s.id)).filter((f) => f.startsWith('tty-'));
    assert.deepEqual(leftovers, [], 'console sockets and pid files are removed');
    const children = execFileSync('ps', ['-o', 'comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    assert.doesNotMatch(children, /pier-ptywait/, 'no waiter is left');
  });

  test('keystrokes written before the shell is up arrive once, in order', { timeout: 30_000 }, async () => {
    const tty = await driver.execTty(s.id, { cmd: ['/bin/bash', '--norc', '-i'], env: { PS1: 'pier$ ' }, size: SIZE });
    const out = collect(tty);
    tty.write('echo $((6*7))\r');
    tty.write('exit 7\r');
    const exit = await out.exited;
    const text = out.bytes().toString('utf8');
    assert.equal(exit.exitCode, 7, text);
    assert.equal(text.match(/[\r\n]42\r\n/g)?.length, 1, text);
    assert.ok(text.indexOf('42') < text.lastIndexOf('exit 7'), text);
  });

  test('exit is reported after the last byte of output', { timeout: 30_000 }, async () => {
    const tty = await driver.execTty(s.id, { cmd: ['/bin/sh', '-c', "head -c 3000000 /dev/zero | tr '\\0' a; exit 5"], size: SIZE });
    const out = collect(tty);
    const exit = await out.exited;
    assert.equal(exit.exitCode, 5);
    assert.equal(out.bytes().length, 3_000_000);
  });

  test('pause holds the process back without losing a byte; resume delivers the rest', { timeout: 30_000 }, async () => {
    const tty = await driver.execTty(s.id, { cmd: ['/bin/sh', '-c', "head -c 8000000 /dev/zero | tr '\\0' b"], size: SIZE });
    const out = collect(tty);
    await new Promise<void>((resolve) => {
      const d = tty.onData(() => (d.dispose(), resolve()));
    });
    tty.pause();
    await sleep(300); // what was read before the pause took effect
    const held = out.bytes().length;
    await sleep(700);
    assert.equal(out.bytes().length, held, 'no output while paused');
    assert.ok(held < 8_000_000, `paused after ${held} bytes`);
    tty.resume();
    await out.exited;
    assert.equal(out.bytes().length, 8_000_000);
  });

  test('the size follows resize', { timeout: 30_000 }, async () => {
    const tty = await driver.execTty(s.id, { cmd: ['/bin/bash', '--norc', '-i'], env: { PS1: 'pier$ ' }, size: SIZE });
    const out = collect(tty);
    tty.resize(132, 50);
    await sleep(200);
    tty.write('stty size; exit\r');
    await out.exited;
    assert.match(out.bytes().toString('utf8'), /[\r\n]50 132\r\n/);
  });

  test('a server killed with SIGKILL takes its shells with it', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../helpers/tty-child.ts', import.meta.url)), s.id, '/bin/sh', '-c', 'echo up; exec sleep 4242'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    child.stdout.on('data', (d: Buffer) => (said += d.toString()));
    while (!said.includes('ready')) {
      if (child.exitCode !== null) assert.fail(`the child ended first: ${said}`);
      await sleep(20);
    }
    assert.equal((await sh(s.id, 'pgrep -x sleep')).exitCode, 0, 'the shell runs');
    child.kill('SIGKILL');
    await once(child, 'exit');
    const deadline = Date.now() + 10_000;
    while ((await sh(s.id, 'pgrep -x sleep')).exitCode === 0) {
      assert.ok(Date.now() < deadline, 'the shell outlived its server by 10 s');
      await sleep(100);
    }
  });
});
