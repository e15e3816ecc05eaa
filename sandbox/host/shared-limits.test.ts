// Unit tests of the host sysctl totals and the drop-in (pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOST_RESERVE, renderSysctlDropIn, requiredHostSysctls, SANDBOX_USER_LIMITS, sandboxLimitArgs } from './shared-limits.js';

test('host totals hold every sandbox share, pier\'s own namespaces and the host reserve', () => {
  const byKey = Object.fromEntries(requiredHostSysctls(10).map((r) => [r.key, r.value]));
  assert.equal(byKey['fs.inotify.max_user_instances'], 10 * (SANDBOX_USER_LIMITS.max_inotify_instances + 1) + HOST_RESERVE.max_inotify_instances);
  assert.equal(byKey['user.max_user_namespaces'], 10 * (SANDBOX_USER_LIMITS.max_user_namespaces + 2) + HOST_RESERVE.max_user_namespaces);
  // The default pool fits the kernel's default namespace totals (threads-max / 2 on 24 GiB).
  for (const r of requiredHostSysctls(512).filter((x) => x.key.startsWith('user.'))) assert.ok(r.value <= 96_369, `${r.key} ${r.value}`);
});

test('the drop-in only ever raises', () => {
  const text = renderSysctlDropIn(2, { 'fs.inotify.max_user_watches': 10 ** 9, 'fs.inotify.max_user_instances': 1 });
  assert.match(text, /^fs\.inotify\.max_user_watches = 1000000000$/m);
  assert.match(text, new RegExp(`^fs\\.inotify\\.max_user_instances = ${2 * 129 + HOST_RESERVE.max_inotify_instances}$`, 'm'));
  assert.ok(sandboxLimitArgs().every((a) => /^max_[a-z_]+=\d+$/.test(a)));
});
