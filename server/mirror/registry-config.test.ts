// The registry's config per mode: loopback only, read-only offline, proxy only with internet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderRegistryConfig } from './registry-config.js';

test('loopback address, no deletes; offline is read-only, proxy names the upstream', () => {
  const base = { storageDir: '/var/lib/pier/mirror/storage', port: 40000, upstream: 'https://registry-1.docker.io' };
  const offline = renderRegistryConfig({ ...base, mode: 'offline' });
  assert.match(offline, /addr: "127\.0\.0\.1:40000"/);
  assert.match(offline, /delete:\n    enabled: false/);
  assert.match(offline, /readonly:\n      enabled: true/);
  assert.doesNotMatch(offline, /proxy:/);
  const proxy = renderRegistryConfig({ ...base, mode: 'proxy' });
  assert.match(proxy, /proxy:\n  remoteurl: "https:\/\/registry-1\.docker\.io"/);
  assert.match(proxy, /readonly:\n      enabled: false/);
  const preload = renderRegistryConfig({ ...base, mode: 'preload' });
  assert.doesNotMatch(preload, /uploadpurging/);
  assert.doesNotMatch(preload, /proxy:/);
});
