// docs/SECURITY.md, aggregate caps and admission (#11.6): from a student's shell, a fork bomb
// and a memory hog across two sandboxes stop at the parent cgroup's limit (the host keeps its
// reserve); from outside, a create is refused 503 + Retry-After when the host's free memory
// or disk would cross the reserve, and fresh cookies from one address stop at its cap while
// a class session is not counted.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmdirSync, existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { SessionView } from '../../protocol/http.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { readHostFree } from '../../server/sessions/admission.js';
import { createRuncDriver } from '../../sandbox/runc/driver.js';
import { hostTotals, parentLimits, readParentLimits } from '../../sandbox/host/parent-cgroup.js';
import { CGROUP_ROOT } from '../../sandbox/stats/cgroup.js';
import type { SandboxInfo } from '../../sandbox/index.js';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime } from '../helpers/sandbox.js';
import { CGROUP_MODE, MiB, hostForkMs } from '../helpers/host.js';
import { Browser, testConfig } from '../helpers/playground.js';
import { LESSON_A, createClass, joinClass, setupAdmin, startClassSession } from '../../e2e/helpers/classroom.js';

type ErrorBody = { error: { code: string; message: string } };
const v1 = (controller: string, cgroup: string, file: string) => path.join(CGROUP_ROOT, controller, cgroup, file);
const num = (file: string) => Number(readFileSync(file, 'utf8').trim());

describe('the parent cgroup of all sandboxes', { ...rootSuite(), timeout: 180_000 }, () => {
  test('/pier holds the host totals minus hostReserve once the runtime has started', async () => {
    const info = await driver.create({ hostname: 'node1' });
    try {
      const want = parentLimits(hostTotals(), { memoryBytes: runtime.config.hostReserve.memory, cpus: runtime.config.hostReserve.cpus, pids: runtime.config.hostReserve.pids });
      assert.deepEqual(await readParentLimits(CGROUP_MODE), want);
      if (CGROUP_MODE !== 'v2') assert.ok(existsSync(v1('pids', `pier/pier-${info.id}`, 'pids.max')), 'the sandbox cgroup is a child of /pier');
    } finally {
      await driver.destroy(info.id);
    }
  });

  test('a fork bomb and a memory hog across two sandboxes stop at the parent limit, not the host', { skip: CGROUP_MODE === 'v2' ? 'v1/hybrid hierarchy files read here' : false }, async (t) => {
    // A scratch parent sized by the same rule (host total − reserve) but small: 300 pids and
    // 400 MiB for both sandboxes, each of which alone may take 512 pids and 512 MiB.
    const name = `pierp6t${randomBytes(3).toString('hex')}`;
    const totals = hostTotals();
    const parent = { pids: 300, memoryBytes: 400 * MiB };
    const scratch = createRuncDriver({
      paths: runtime.paths,
      network: { pool: runtime.config.subnetPool, prefix: runtime.config.subnetPrefix, outbound: false },
      resolveImage: () => runtime.images.current(),
      ids: { mode: runtime.config.uidMode, ranges: runtime.config.uidRanges },
      hostReserve: { memoryBytes: totals.memoryBytes - parent.memoryBytes, cpus: 0, pids: totals.pids - parent.pids },
      cgroupParent: name,
    });
    const boxes: SandboxInfo[] = [];
    try {
      for (const n of ['node1', 'node2']) boxes.push(await scratch.create({ hostname: n, limits: { pids: 512, memoryBytes: 512 * MiB } }));
      assert.equal(num(v1('pids', name, 'pids.max')), parent.pids);
      assert.equal(num(v1('memory', name, 'memory.limit_in_bytes')), parent.memoryBytes);
      // Fork bomb: each sandbox tries 400 sleepers (under its own 512), together 800.
      const bomb = 'n=0; for i in $(seq 400); do sleep 60 & n=$((n+1)); done 2>/dev/null; echo started; wait';
      const runs = boxes.map((b) => scratch.run(b.id, { cmd: ['/bin/sh', '-c', bomb], timeoutMs: 20_000 }));
      // The kernel counts a refused fork in pids.events of the cgroups on the way (v1: the
      // sandbox's own, hierarchical kernels the parent's too): wait for the first.
      const refusedForks = () => [name, ...boxes.map((b) => `${name}/pier-${b.id}`)].reduce((sum, cg) => sum + Number(/max (\d+)/.exec(readFileSync(v1('pids', cg, 'pids.events'), 'utf8'))?.[1] ?? 0), 0);
      const deadline = Date.now() + 15_000;
      while (refusedForks() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const refused = refusedForks();
      const current = num(v1('pids', name, 'pids.current'));
      const each = boxes.map((b) => num(v1('pids', `${name}/pier-${b.id}`, 'pids.current')));
      assert.ok(current <= parent.pids && current >= parent.pids - 10, `parent pids ${current} (limit ${parent.pids})`);
      assert.ok(each.every((n) => n < 512), `each sandbox stayed under its own limit: ${each.join(', ')}`);
      assert.ok(refused > 0, `forks were refused (${refused}) while each sandbox was under its own 512`);
      assert.ok(hostForkMs() < 1000, 'the host still forks');
      t.diagnostic(`fork bomb: parent ${current}/${parent.pids} pids, sandboxes ${each.join(' + ')}, ${refused} forks refused`);
      for (const b of boxes) await scratch.run(b.id, { cmd: ['/bin/sh', '-c', 'kill -9 -1 2>/dev/null; true'], timeoutMs: 10_000 }).catch(() => undefined);
      await Promise.allSettled(runs);
      // Memory hog: each sandbox fills and holds a 300 MiB buffer (under its own 512 MiB),
      // together 600. (trixie's dd no longer touches its buffer for /dev/zero → /dev/null.)
      const hog = `python3 -c 'import time; b = b"x" * (300 << 20); time.sleep(2)' 2>&1; echo rc=$?`;
      const hogs = await Promise.all(boxes.map((b) => scratch.run(b.id, { cmd: ['/bin/sh', '-c', hog], timeoutMs: 30_000 })));
      const failcnt = num(v1('memory', name, 'memory.failcnt'));
      const peak = num(v1('memory', name, 'memory.max_usage_in_bytes'));
      const peaks = boxes.map((b) => num(v1('memory', `${name}/pier-${b.id}`, 'memory.max_usage_in_bytes')));
      assert.ok(failcnt > 0, `the parent's memory limit was hit (failcnt ${failcnt}; hogs: ${hogs.map((h) => h.stdout.trim()).join(' | ')})`);
      assert.ok(peak <= parent.memoryBytes, `parent peak ${peak / MiB} MiB`);
      t.diagnostic(`memory hog: parent peak ${Math.round(peak / MiB)}/${parent.memoryBytes / MiB} MiB, failcnt ${failcnt}, sandbox peaks ${peaks.map((p) => Math.round(p / MiB)).join(' + ')} MiB; hogs: ${hogs.map((h) => h.stdout.trim().split('\n').pop()).join(' | ')}`);
      assert.ok(peaks.every((p) => p < 512 * MiB), `each sandbox stayed under its own 512 MiB: ${peaks.map((p) => Math.round(p / MiB)).join(', ')} MiB`);
    } finally {
      for (const b of boxes) await scratch.destroy(b.id).catch(() => undefined);
      for (const c of ['memory', 'pids', 'cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'blkio', 'net_cls', 'net_prio', 'perf_event', 'hugetlb', 'rdma', 'misc', 'systemd', 'unified']) {
        const dir = path.join(CGROUP_ROOT, c, name);
        if (existsSync(dir)) rmdirSync(dir);
      }
    }
  });
});

describe('admission and the per-address cap over HTTP', { ...rootSuite(), timeout: 300_000 }, () => {
  const servers: { server: RunningServer; cleanup: () => void }[] = [];
  const start = async (overrides: Parameters<typeof testConfig>[0]) => {
    const c = testConfig(overrides);
    const server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    servers.push({ server, cleanup: c.cleanup });
    return `http://127.0.0.1:${server.port}`;
  };
  after(async () => {
    for (const { server, cleanup } of servers) {
      await server.close();
      cleanup();
    }
  });

  for (const resource of ['memory', 'disk'] as const) {
    test(`a create is refused 503 HOST_BUSY with Retry-After when free ${resource} would cross the reserve`, async () => {
      const free = readHostFree(runtime.config.stateDir);
      const reserve = { memory: resource === 'memory' ? free.memoryBytes * 2 : 1, disk: resource === 'disk' ? free.diskBytes * 2 : 1 };
      const base = await start({ admissionReserve: reserve });
      const r = await new Browser(base).call<ErrorBody>('POST', '/api/sessions', {});
      assert.equal(r.status, 503);
      assert.equal(r.body.error.code, 'HOST_BUSY');
      assert.match(r.body.error.message, /low on free memory or disk/);
      assert.ok(Number(r.headers.get('retry-after')) > 0, `Retry-After: ${r.headers.get('retry-after')}`);
    });
  }

  test('fresh cookies from one address stop at maxSessionsPerAddress; a class session is not counted', async () => {
    const base = await start({ maxSessionsPerAddress: 2 });
    const made: { b: Browser; id: string }[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const b = new Browser(base);
        const r = await b.call<SessionView>('POST', '/api/sessions', {});
        assert.equal(r.status, 201, `fresh browser ${i + 1}`);
        made.push({ b, id: r.body.id });
      }
      const third = await new Browser(base).call<ErrorBody>('POST', '/api/sessions', {});
      assert.equal(third.status, 429);
      assert.equal(third.body.error.code, 'TOO_MANY_SESSIONS_FROM_ADDRESS');
      const admin = await setupAdmin(base);
      const klass = await createClass(admin.client, 'Admission', [LESSON_A]);
      const { client: student } = await joinClass(base, klass.joinCode, 'Student');
      const session = await startClassSession(student, klass.id, LESSON_A);
      assert.ok(session.id, 'a class session starts from the same address');
      await student.call('DELETE', `/api/sessions/${session.id}`);
      const after1 = await made[0]!.b.call('DELETE', `/api/sessions/${made[0]!.id}`);
      assert.equal(after1.status, 204);
      made.shift();
      const fresh = new Browser(base);
      const again = await fresh.call<SessionView>('POST', '/api/sessions', {});
      assert.equal(again.status, 201, 'an ended playground frees its place');
      made.push({ b: fresh, id: again.body.id });
    } finally {
      for (const { b, id } of made) await b.call('DELETE', `/api/sessions/${id}`).catch(() => undefined);
    }
  });
});
