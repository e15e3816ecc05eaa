// 50 create/destroy cycles on a cgroup v2 host leave nothing: no scope or cgroup, mount,
// veth, loop device, runc state, firewall element or process of any of them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { driver, sh } from '../helpers/sandbox.js';
import { waitForNoLeftovers, hostProcessesInCgroupsOf } from '../helpers/host.js';
import { sandboxCgroupPath } from '../../sandbox/index.js';

const CYCLES = 50;

describe('create/destroy cycles', () => {
  test(`${CYCLES} cycles leave no cgroup, mount, veth or process`, { timeout: 20 * 60_000 }, async () => {
    const ids: string[] = [];
    const networks: string[] = [];
    const ms: number[] = [];
    for (let i = 0; i < CYCLES; i++) {
      const t = performance.now();
      const s = await driver.create({ hostname: 'node1' });
      ids.push(s.id);
      networks.push(s.network);
      const cg = path.join('/sys/fs/cgroup', sandboxCgroupPath(s.id));
      assert.ok(existsSync(cg), `cycle ${i}: no cgroup ${cg}`);
      // Every tenth: a background process, which must die with the sandbox.
      if (i % 10 === 0) await sh(s.id, 'sleep 1000 >/dev/null 2>&1 & echo started');
      await driver.destroy(s.id);
      ms.push(performance.now() - t);
    }
    const { left, waitedMs } = await waitForNoLeftovers(ids, networks, 30_000);
    assert.deepEqual(left, [], `left after ${CYCLES} cycles (waited ${Math.round(waitedMs)} ms)`);
    assert.deepEqual(hostProcessesInCgroupsOf(ids), []);
    for (const id of ids) assert.ok(!existsSync(path.join('/sys/fs/cgroup', sandboxCgroupPath(id))), `scope of ${id} left`);
    ms.sort((a, b) => a - b);
    console.log(`# ${CYCLES} cycles: median ${Math.round(ms[CYCLES >> 1]!)} ms, slowest ${Math.round(ms[CYCLES - 1]!)} ms per create+exec+destroy`);
  });
});
