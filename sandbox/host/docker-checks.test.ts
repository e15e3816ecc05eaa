import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initCheck, ipvsCheck, kernelFeature, vxlanCheck } from './docker-checks.js';
import { CATATONIT_INIT, initArgs, PIER_INIT } from '../spec/init.js';
import { buildSpec } from '../spec/build-spec.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

test('kernelFeature reads Kconfig: y present, m module, unset absent; a loaded file wins', () => {
  const none = '/nonexistent/pier-test';
  assert.equal(kernelFeature(none, 'CONFIG_IP_VS', 'x', 'CONFIG_IP_VS=y\n'), 'present');
  assert.equal(kernelFeature(none, 'CONFIG_IP_VS', 'x', 'CONFIG_IP_VS=m\n'), 'module');
  assert.equal(kernelFeature(none, 'CONFIG_IP_VS', 'x', '# CONFIG_IP_VS is not set\nCONFIG_IP_VS_IPV6=y\n'), 'absent');
  assert.equal(kernelFeature('/proc/self', 'CONFIG_IP_VS', 'x', ''), 'present');
});

test('IPVS missing: a warning naming what swarm loses and what still works', () => {
  const c = ipvsCheck('absent');
  assert.equal(c.status, 'warn');
  assert.match(c.detail, /service VIPs and the ingress routing mesh/);
  assert.match(c.detail, /--endpoint-mode dnsrr/);
  assert.equal(ipvsCheck('present').status, 'ok');
  assert.equal(ipvsCheck('module').fix, 'modprobe ip_vs');
  assert.equal(vxlanCheck('absent').status, 'warn');
  assert.equal(vxlanCheck('present').status, 'ok');
});

test('pier init: ok when built, a warning with the fix otherwise', () => {
  assert.equal(initCheck('/x/pier-init').status, 'ok');
  const missing = initCheck(null);
  assert.equal(missing.status, 'warn');
  assert.equal(missing.fix, 'bash scripts/setup.sh');
});

test('initArgs: pier\'s init when the bound folder holds it, else catatonit -P; buildSpec takes it as PID 1', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-init-'));
  assert.deepEqual(initArgs(dir), [...CATATONIT_INIT]);
  assert.deepEqual(initArgs(null), [...CATATONIT_INIT]);
  writeFileSync(path.join(dir, 'init'), '');
  assert.deepEqual(initArgs(dir), [PIER_INIT]);
  const base = { rootfs: '/r', hostname: 'node1', cgroupsPath: '/pier/x', idMap: { hostId: 100000, size: 65536 }, limits: { memoryBytes: 1, pids: 1, cpus: 1, diskBytes: 1, inodes: 1, nofile: 64, shmBytes: 1 }, binds: [], seccomp: null };
  assert.deepEqual(buildSpec(base).process.args, [...CATATONIT_INIT]);
  assert.deepEqual(buildSpec({ ...base, init: [PIER_INIT] }).process.args, [PIER_INIT]);
  assert.throws(() => buildSpec({ ...base, init: ['init'] }), /init must start with a clean absolute path/);
});
