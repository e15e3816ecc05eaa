// Acceptance 7: nothing is left behind — after many create/destroy cycles, and after a
// runtime killed with SIGKILL in the middle of a create, once `pier sandbox gc` ran.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { driver, hostObjects, pier, runtime, PIER_BIN } from '../helpers/sandbox.js';

const CYCLES = 200;

function sandboxDirs(): string[] {
  const dir = path.join(runtime.paths.stateDir, 'sandboxes');
  return existsSync(dir) ? readdirSync(dir) : [];
}

function loopDevicesOfPier(): string[] {
  const out = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(`${runtime.paths.stateDir}/`));
}

/** pids of processes whose command line names a pier sandbox init. */
function sandboxInits(): string[] {
  const r = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return r.split('\n').filter((l) => l.includes('catatonit -P') || /\s\/\.pier\/init$/.test(l));
}

function snapshot() {
  return { ...hostObjects(), dirs: sandboxDirs(), loops: loopDevicesOfPier(), inits: sandboxInits().length };
}

describe('lifecycle leaves nothing behind', rootSuite(), () => {
  test(`${CYCLES} create/destroy cycles`, { timeout: 15 * 60_000 }, async () => {
    const before = snapshot();
    for (let i = 0; i < CYCLES; i++) {
      const s = await driver.create({ hostname: 'node1' });
      await driver.destroy(s.id);
    }
    assert.deepEqual(snapshot(), before);
  });

  test('`pier sandbox gc` removes what a runtime killed mid-create left', { timeout: 5 * 60_000 }, async () => {
    const before = snapshot();
    // Kill at a spread of moments: before the disk, around runc, after the network.
    for (const delayMs of [5, 25, 50, 75, 100, 150, 250, 400, 800]) {
      const child = spawn(PIER_BIN, ['sandbox', 'run', '--', 'sleep', '600'], { stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, delayMs));
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
    }
    const report = JSON.parse(pier(['sandbox', 'gc', '--json'])) as { removed: string[]; orphans: string[] };
    assert.ok(report.removed.length + report.orphans.length > 0, 'gc found nothing to remove');
    assert.deepEqual(snapshot(), before);
    // A second gc finds nothing left.
    const again = JSON.parse(pier(['sandbox', 'gc', '--json'])) as { removed: string[]; orphans: string[] };
    assert.deepEqual([again.removed, again.orphans], [[], []]);
  });
});

describe('reconciliation never tears down what it cannot read', rootSuite(), () => {
  test('a live sandbox whose runc state is unreadable is left alone, then adopted once readable', { timeout: 60_000 }, async () => {
    const s = await driver.create({ hostname: 'node1' });
    const stateFile = path.join(runtime.paths.runcRoot, s.containerId, 'state.json');
    const saved = readFileSync(stateFile);
    try {
      writeFileSync(stateFile, '{ this is not json'); // as if runc were mid-write or failing
      const report = await driver.reconcile();
      assert.ok(report.skipped.some((x) => x.startsWith(`${s.id}:`)), `not skipped: ${JSON.stringify(report)}`);
      assert.ok(!report.removed.includes(s.id), 'a sandbox that may be live was torn down');
    } finally {
      writeFileSync(stateFile, saved);
    }
    const again = await driver.reconcile();
    assert.ok(again.adopted.includes(s.id), 'once readable, the sandbox is adopted');
    const r = await driver.run(s.id, { cmd: ['echo', 'still here'] });
    assert.equal(r.stdout.trim(), 'still here');
    await driver.destroy(s.id);
  });
});
