// Acceptance 2 of the sandbox runtime: what a student sees of their own sandbox through
// `pier sandbox run`, and a real tty through `runc exec -t`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { rootSuite } from '../helpers/root.js';
import { driver, withSandbox, PIER_BIN } from '../helpers/sandbox.js';

const NAMESPACES = ['pid', 'mnt', 'uts', 'ipc', 'net', 'cgroup', 'user'] as const;

/** Runs `pier sandbox run --json -- sh -c SCRIPT` and parses its JSON answer. */
function pierRun(script: string, extra: string[] = []): { exitCode: number; stdout: string; stderr: string; timings: { createMs: number } } {
  const r = spawnSync(PIER_BIN, ['sandbox', 'run', '--json', ...extra, '--', 'sh', '-c', script], { encoding: 'utf8', timeout: 120_000 });
  assert.ok(r.stdout.trim().length > 0, `pier printed nothing; stderr: ${r.stderr}`);
  return JSON.parse(r.stdout) as ReturnType<typeof pierRun>;
}

describe('pier sandbox run', rootSuite(), () => {
  test('root inside maps to an unprivileged host uid', () => {
    const r = pierRun('id -u; cat /proc/self/uid_map');
    assert.equal(r.exitCode, 0, r.stderr);
    const [uid, map] = r.stdout.trim().split('\n');
    assert.equal(uid, '0');
    const [inside, outside, count] = (map ?? '').trim().split(/\s+/).map(Number);
    assert.equal(inside, 0);
    assert.ok(outside !== undefined && outside > 0, `uid 0 maps to host uid ${outside}`);
    assert.ok(count !== undefined && count <= 65536);
  });

  test("every namespace differs from the host's", () => {
    const r = pierRun(NAMESPACES.map((n) => `readlink /proc/self/ns/${n}`).join('; '));
    assert.equal(r.exitCode, 0, r.stderr);
    const inside = r.stdout.trim().split('\n');
    NAMESPACES.forEach((n, i) => {
      const host = readlinkSync(`/proc/self/ns/${n}`);
      assert.notEqual(inside[i], host, `${n} namespace is the host's`);
      assert.match(inside[i] ?? '', new RegExp(`^${n}:\\[\\d+\\]$`));
    });
  });

  test("hostname is the node's name and ps shows only the sandbox's processes", () => {
    const r = pierRun('hostname; ps -e -o pid=,comm=', ['--hostname', 'node7']);
    assert.equal(r.exitCode, 0, r.stderr);
    const [hostname, ...procs] = r.stdout.trim().split('\n');
    assert.equal(hostname, 'node7');
    const comms = procs.map((l) => l.trim().split(/\s+/));
    assert.ok(['init', 'catatonit'].includes(comms[0]?.[1] ?? '') && comms[0]?.[0] === '1', `PID 1 is the init (pier's, or catatonit): ${procs.join(' | ')}`);
    assert.ok(comms.length <= 5, `only a handful of processes, got ${procs.join(' | ')}`);
    assert.ok(!comms.some(([, c]) => c === 'systemd' || c === 'node'), 'no host process visible');
  });

  test('exit code and output pass through', () => {
    const r = spawnSync(PIER_BIN, ['sandbox', 'run', '--', 'sh', '-c', 'echo out; echo err >&2; exit 7'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 7);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  test('bad limits get a clear message', () => {
    const r = spawnSync(PIER_BIN, ['sandbox', 'run', '--memory', 'lots', '--', 'true'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--memory: not a size: "lots"/);
  });
});

describe('terminals', rootSuite(), () => {
  test('`tty` prints /dev/pts/N inside and the size follows resize', async () => {
    await withSandbox({}, async (s) => {
      const term = await driver.execTty(s.id, { cmd: ['/bin/bash', '--norc', '-i'], size: { cols: 100, rows: 30 } });
      let out = '';
      term.onData((d) => (out += d));
      const waitFor = async (re: RegExp) => {
        const deadline = Date.now() + 10_000;
        while (!re.test(out)) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; screen: ${JSON.stringify(out)}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      term.write('tty; stty size\r');
      await waitFor(/\/dev\/pts\/\d+\r?\n30 100/);
      term.resize(120, 40);
      term.write('stty size\r');
      await waitFor(/40 120/);
      term.write('exit\r');
      await new Promise<void>((resolve) => term.onExit(() => resolve()));
    });
  });
});
