// What a sandbox may not do to cgroups on a cgroup v2 host (docs/SECURITY.md, 16 and 17, and
// the delegation escapes): raise its own limits, enable controllers or kill above itself,
// or reach a cgroup v1 release_agent. Each attempt really runs inside; the host's files say
// it changed nothing, and the sandbox is alive after.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { withSandbox, sh, shOk, show } from '../helpers/sandbox.js';
import { sandboxCgroupPath } from '../../sandbox/index.js';

const MiB = 1024 * 1024;
const hostFile = (rel: string, name: string): string => readFileSync(path.join('/sys/fs/cgroup', rel, name), 'utf8').trim();

/** Writes VALUE into FILE inside; prints "FILE written" or "FILE refused: why". */
const ATTEMPT = `attempt() { if [ ! -e "$1" ]; then echo "$1 absent"; elif out=$(sh -c "echo '$2' > '$1'" 2>&1); then echo "$1 written"; else echo "$1 refused: $out"; fi; }`;

describe('cgroup escapes from a sandbox on cgroup v2', () => {
  test('its own memory.max, pids.max and cpu.max cannot be raised (row 17)', async () => {
    await withSandbox({ limits: { memoryBytes: 96 * MiB, pids: 128 } }, async (s) => {
      const r = await sh(s.id, `${ATTEMPT}
        cat /proc/self/cgroup
        for f in memory.max memory.high memory.swap.max pids.max cpu.max; do attempt /sys/fs/cgroup/$f max; done`);
      assert.match(r.stdout, /^0::\/init$/m, show(r));
      assert.doesNotMatch(r.stdout, / written$/m, show(r));
      assert.match(r.stdout, /\/sys\/fs\/cgroup\/memory\.max refused/, show(r));
      const cg = sandboxCgroupPath(s.id);
      assert.equal(hostFile(cg, 'memory.max'), String(96 * MiB));
      assert.equal(hostFile(cg, 'pids.max'), '128');
    });
  });

  test('above its own cgroup nothing is reachable: no parent subtree_control, no cgroup.kill above it; its own cgroup.kill is refused', async () => {
    await withSandbox({}, async (s) => {
      const parent = path.dirname(sandboxCgroupPath(s.id));
      const before = hostFile(parent, 'cgroup.subtree_control');
      const r = await sh(s.id, `${ATTEMPT}
        mkdir -p /tmp/cg
        # In a new mount namespace, as the sandbox's root (CAP_SYS_ADMIN in its own userns only).
        unshare -m sh -c '
          ${ATTEMPT}
          if mount -t cgroup2 none /tmp/cg 2>/dev/null; then echo mounted; else echo "mount refused"; fi
          # The mount is rooted at the sandbox cgroup: its ".." is /tmp, not a cgroup.
          attempt /tmp/cg/../cgroup.subtree_control +memory
          attempt /tmp/cg/../cgroup.kill 1
          attempt /sys/fs/cgroup/../cgroup.kill 1
          attempt /tmp/cg/cgroup.kill 1
          attempt /sys/fs/cgroup/cgroup.kill 1
          attempt /tmp/cg/memory.max max
        '
        echo still-here`);
      assert.match(r.stdout, /still-here/, show(r));
      assert.doesNotMatch(r.stdout, / written$/m, show(r));
      assert.match(r.stdout, /\/tmp\/cg\/\.\.\/cgroup\.subtree_control absent/, show(r));
      assert.match(r.stdout, /\/sys\/fs\/cgroup\/cgroup\.kill refused/, show(r));
      assert.equal(hostFile(parent, 'cgroup.subtree_control'), before, 'pier.slice subtree_control changed');
      assert.equal((await shOk(s.id, 'echo alive')).trim(), 'alive');
    });
  });

  test('cgroup v1 release_agent cannot be reached (row 16, CVE-2022-0492)', async () => {
    await withSandbox({}, async (s) => {
      const r = await sh(s.id, `${ATTEMPT}
        unshare -UrmC sh -c '
          ${ATTEMPT}
          mkdir -p /tmp/v1
          if mount -t cgroup -o rdma cgroup /tmp/v1 2>/dev/null || mount -t cgroup -o none,name=x cgroup /tmp/v1 2>/dev/null; then
            echo v1-mounted; attempt /tmp/v1/release_agent /tmp/pwn
          else
            echo "v1 mount refused"
          fi'`);
      assert.doesNotMatch(r.stdout, / written$/m, show(r));
      assert.match(r.stdout, /v1 mount refused|release_agent (refused|absent)/, show(r));
    });
  });
});
