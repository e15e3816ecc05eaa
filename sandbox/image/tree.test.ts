import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { overlaysUsing, processesUsing, removeTree } from './tree.js';
import { parseMountInfo } from '../host/mounts.js';

const MOUNTINFO = `22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
30 22 0:5 / /var/lib/pier/images/.build-abc-1/rootfs/proc rw - proc proc rw
31 22 0:6 / /var/lib/pier/images/.build-abc-1/rootfs/sys rw - sysfs sysfs rw
32 22 0:7 / /var/lib/pier/images/.build-abc-10/rootfs/proc rw - proc proc rw
40 22 0:50 / /var/lib/pier/sandboxes/s1/rootfs rw - overlay overlay rw,lowerdir=/var/lib/pier/images/8da79029e793/rootfs,upperdir=/u,workdir=/w
41 22 0:51 / /mnt/with\\040space rw - tmpfs tmpfs rw
`;

test('overlaysUsing finds overlays whose lower layer is the image', () => {
  const m = parseMountInfo(MOUNTINFO);
  assert.deepEqual(overlaysUsing('/var/lib/pier/images/8da79029e793/rootfs', m), ['/var/lib/pier/sandboxes/s1/rootfs']);
  assert.deepEqual(overlaysUsing('/var/lib/pier/images/8da79029e793', m), []);
});

test('overlaysUsing counts an overlay over a sandbox\'s idmapped view of the image', () => {
  const m = parseMountInfo(
    '90 22 0:60 / /var/lib/pier/sandboxes/0123456789/rootfs rw - overlay overlay rw,lowerdir=/var/lib/pier/images/8da79029e793/idmapped/0123456789,upperdir=/u,workdir=/w\n',
  );
  assert.deepEqual(overlaysUsing('/var/lib/pier/images/8da79029e793/rootfs', m), ['/var/lib/pier/sandboxes/0123456789/rootfs']);
  assert.deepEqual(overlaysUsing('/var/lib/pier/images/000000000000/rootfs', m), []);
});

test('removeTree deletes a tree with nothing mounted in it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-tree-'));
  mkdirSync(path.join(dir, 'a/b'), { recursive: true });
  writeFileSync(path.join(dir, 'a/b/c'), 'x');
  await removeTree(dir);
  assert.equal(existsSync(dir), false);
});

test('processesUsing finds a process naming the directory on its command line', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-tree-'));
  const user = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)', path.join(dir, 'rootfs')], { stdio: 'ignore' });
  const other = spawn('sleep', ['30'], { stdio: 'ignore' });
  t.after(() => {
    user.kill();
    other.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((r) => setTimeout(r, 100));
  const pids = processesUsing(dir);
  assert.ok(pids.includes(user.pid ?? -1), `${user.pid} in ${pids.join(',')}`);
  assert.ok(!pids.includes(other.pid ?? -1));
  assert.deepEqual(processesUsing(path.join(dir, 'nothing-here')), []);
});
