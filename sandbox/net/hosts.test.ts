// Unit tests of the name files: /etc/hosts and resolv.conf rendering, in-place writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import { checkHostname, hostNameservers, parseNameservers, renderHosts, renderResolvConf, writeInPlace } from './hosts.js';

test('hosts lists loopback, then nodes by address', () => {
  const text = renderHosts([
    { hostname: 'node10', address: '10.87.0.11' },
    { hostname: 'node2', address: '10.87.0.3' },
    { hostname: 'node1', address: '10.87.0.2' },
  ]);
  assert.equal(
    text,
    [
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      '10.87.0.2\tnode1',
      '10.87.0.3\tnode2',
      '10.87.0.11\tnode10',
      '',
    ].join('\n'),
  );
  assert.equal(renderHosts([]), '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
});

test('hostnames must be one DNS label', () => {
  for (const ok of ['node1', 'a', 'web-1', 'X'.repeat(63)]) checkHostname(ok);
  for (const bad of ['', '-a', 'a-', 'a b', 'a\n10.0.0.1 evil', 'a.b', 'X'.repeat(64)]) {
    assert.throws(() => checkHostname(bad), (e) => isSandboxError(e, 'INVALID_ARGUMENT'), JSON.stringify(bad));
  }
});

test('nameservers: loopback and IPv6 dropped, order kept', () => {
  const text = 'search lan\nnameserver 127.0.0.53\nnameserver 10.255.255.53\n# nameserver 9.9.9.9\nnameserver ::1\nnameserver 1.1.1.1\nnameserver 1.1.1.1\n';
  assert.deepEqual(parseNameservers(text), ['10.255.255.53', '1.1.1.1']);
});

test('hostNameservers reads the first file that names a usable server', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-resolv-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const stub = path.join(dir, 'stub');
  const real = path.join(dir, 'real');
  await writeFile(stub, 'nameserver 127.0.0.53\n');
  await writeFile(real, 'nameserver 192.168.1.1\n');
  assert.deepEqual(await hostNameservers([path.join(dir, 'missing'), stub, real]), ['192.168.1.1']);
  assert.deepEqual(await hostNameservers([stub]), []);
});

test('resolv.conf: servers only with outbound', () => {
  assert.match(renderResolvConf({ outbound: false, nameservers: ['1.1.1.1'] }), /^#[^\n]*\n$/);
  assert.match(renderResolvConf({ outbound: true, nameservers: [] }), /^#[^\n]*\n$/);
  assert.equal(renderResolvConf({ outbound: true, nameservers: ['1.1.1.1', '9.9.9.9'] }).split('\n').filter((l) => l.startsWith('nameserver')).length, 2);
});

test('writeInPlace keeps the inode, shrinking and growing', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-hosts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'hosts');
  await writeInPlace(file, 'a much longer first version\n');
  const ino = (await stat(file)).ino;
  await writeInPlace(file, 'short\n');
  assert.equal(await readFile(file, 'utf8'), 'short\n');
  await writeInPlace(file, 'longer again than before\n');
  assert.equal(await readFile(file, 'utf8'), 'longer again than before\n');
  assert.equal((await stat(file)).ino, ino);
});
