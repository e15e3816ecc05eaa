import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from '../types.js';
import { CGROUP_DROP_IN, NESTED_IMAGE_STORE } from '../image/containers-config.js';
import { buildSpec, type SpecInput } from './build-spec.js';
import { nestedCgroups, nestedContainerBinds, withNestedCgroups, V2_DELEGATION } from './nested.js';

const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  rootfs: '/var/lib/pier/sandboxes/0123456789/rootfs',
  hostname: 'node1',
  cgroupsPath: '/pier/pier-0123456789',
  idMap: { hostId: 100_000, size: 65_536 },
  limits: DEFAULT_LIMITS,
  binds: [],
  seccomp: null,
  ...over,
});
const cgroupMount = (spec: ReturnType<typeof buildSpec>) => spec.mounts.find((m) => m.destination === '/sys/fs/cgroup');

test('only a cgroup v2 host with a delegated subtree gets nested cgroups; hybrid counts as v1', () => {
  assert.equal(nestedCgroups('v2', true), 'v2');
  assert.equal(nestedCgroups('v1', true), 'v1');
  assert.equal(nestedCgroups('hybrid', true), 'v1');
  assert.equal(V2_DELEGATION, false, 'off by default: only the runtime, where it delegates (systemd v2 hosts), turns it on');
  assert.equal(nestedCgroups('v2'), 'v1', 'without delegation a v2 host gets the drop-in that works without cgroups');
});

test('v2 without delegation (no systemd): the cgroup mount stays read-only', () => {
  assert.ok(cgroupMount(buildSpec(input({ cgroupMode: 'v2' })))?.options.includes('ro'));
});

test('v2 with a delegated subtree: the sandbox\'s cgroup namespace is mounted read-write; v1 and hybrid stay read-only', () => {
  const v2 = cgroupMount(withNestedCgroups(buildSpec(input()), 'v2', true));
  assert.ok(v2?.options.includes('rw'));
  assert.ok(!v2?.options.includes('ro'));
  assert.deepEqual(v2?.options.filter((o) => o !== 'rw'), ['nosuid', 'noexec', 'nodev', 'relatime'], 'no other option changes');
  for (const mode of ['v1', 'hybrid'] as const) {
    const m = cgroupMount(buildSpec(input({ cgroupMode: mode })));
    assert.ok(m?.options.includes('ro'), mode);
    assert.ok(!m?.options.includes('rw'), mode);
  }
  assert.ok(cgroupMount(buildSpec(input()))?.options.includes('ro'), 'no mode given: read-only');
  // The transform touches nothing but the cgroup mount, and keeps the cgroup namespace.
  const base = buildSpec(input());
  const spec = withNestedCgroups(base, 'v2', true);
  assert.deepEqual(spec.mounts.filter((m) => m.destination !== '/sys/fs/cgroup'), base.mounts.filter((m) => m.destination !== '/sys/fs/cgroup'));
  assert.ok(spec.linux.namespaces.some((n) => n.type === 'cgroup'));
  assert.deepEqual(spec.linux.resources, base.linux.resources, 'the sandbox\'s own limits stay on its cgroup');
  assert.equal(withNestedCgroups(base, 'v1', true), base);
  assert.equal(withNestedCgroups(base, 'v2'), base, 'no delegation: unchanged');
});

test('binds: the cgroup drop-in and daemon.json of the host\'s mode from the image, and the image store read-only when built', () => {
  const rootfs = '/var/lib/pier/images/abc/rootfs';
  const store = '/var/lib/pier/container-images/def/mnt/storage';
  assert.deepEqual(nestedContainerBinds({ imageRootfs: rootfs, cgroupMode: 'v1', imageStore: store }), [
    { source: `${rootfs}/usr/share/pier/containers/cgroups-v1.conf`, destination: CGROUP_DROP_IN, readonly: true },
    { source: `${rootfs}/usr/share/pier/docker/daemon-v1.json`, destination: '/etc/docker/daemon.json', readonly: true },
    { source: store, destination: NESTED_IMAGE_STORE, readonly: true },
  ]);
  assert.deepEqual(nestedContainerBinds({ imageRootfs: rootfs, cgroupMode: 'v2', imageStore: null, delegation: true }), [
    { source: `${rootfs}/usr/share/pier/containers/cgroups-v2.conf`, destination: CGROUP_DROP_IN, readonly: true },
    { source: `${rootfs}/usr/share/pier/docker/daemon-v2.json`, destination: '/etc/docker/daemon.json', readonly: true },
  ]);
  assert.equal(nestedContainerBinds({ imageRootfs: rootfs, cgroupMode: 'v2', imageStore: null })[0]?.source.endsWith('cgroups-v1.conf'), true, 'v2 without delegation');
  assert.equal(nestedContainerBinds({ imageRootfs: rootfs, cgroupMode: 'hybrid', imageStore: null })[0]?.source.endsWith('cgroups-v1.conf'), true);
  // As spec mounts: bind, ro.
  const spec = buildSpec(input({ binds: nestedContainerBinds({ imageRootfs: rootfs, cgroupMode: 'v1', imageStore: store }) }));
  const m = spec.mounts.find((x) => x.destination === NESTED_IMAGE_STORE);
  assert.deepEqual(m?.options, ['bind', 'rprivate', 'nosuid', 'nodev', 'ro']);
});
