// Unit tests of the subnet arithmetic and of claim allocation under concurrency.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isSandboxError } from '../errors.js';
import {
  claimLowest,
  formatCidr,
  gatewayOf,
  hostOffset,
  listClaims,
  nodeCapacity,
  nthHost,
  nthSubnet,
  parseCidr,
  parseIpv4,
  releaseClaim,
  subnetCount,
} from './subnet.js';

const POOL = parseCidr('10.87.0.0/16');

test('subnets of 10.87.0.0/16 at /27', async (t) => {
  const cases = [
    { index: 0, subnet: '10.87.0.0/27', gateway: '10.87.0.1', first: '10.87.0.2', last: '10.87.0.30' },
    { index: 1, subnet: '10.87.0.32/27', gateway: '10.87.0.33', first: '10.87.0.34', last: '10.87.0.62' },
    { index: 5, subnet: '10.87.0.160/27', gateway: '10.87.0.161', first: '10.87.0.162', last: '10.87.0.190' },
    { index: 8, subnet: '10.87.1.0/27', gateway: '10.87.1.1', first: '10.87.1.2', last: '10.87.1.30' },
    { index: 2047, subnet: '10.87.255.224/27', gateway: '10.87.255.225', first: '10.87.255.226', last: '10.87.255.254' },
  ];
  for (const c of cases) {
    await t.test(`index ${c.index}`, () => {
      const s = nthSubnet(POOL, 27, c.index);
      assert.equal(formatCidr(s), c.subnet);
      assert.equal(gatewayOf(s), c.gateway);
      assert.equal(nthHost(s, 2), c.first);
      assert.equal(nthHost(s, 30), c.last);
      assert.equal(hostOffset(s, c.first), 2);
    });
  }
});

test('pool sizes and node capacity', () => {
  assert.equal(subnetCount(POOL, 27), 2048);
  assert.equal(subnetCount(POOL, 16), 1);
  assert.equal(subnetCount(parseCidr('10.254.7.0/24'), 28), 16);
  assert.equal(nodeCapacity(nthSubnet(POOL, 27, 0)), 29);
  assert.equal(nodeCapacity(nthSubnet(POOL, 29, 0)), 5);
});

test('out of range indexes, offsets and prefixes are refused', () => {
  const invalid = (fn: () => unknown) => assert.throws(fn, (e) => isSandboxError(e, 'INVALID_ARGUMENT'));
  invalid(() => nthSubnet(POOL, 27, 2048));
  invalid(() => nthSubnet(POOL, 27, -1));
  invalid(() => nthSubnet(POOL, 15, 0));
  invalid(() => nthSubnet(POOL, 31, 0));
  const s = nthSubnet(POOL, 27, 0);
  invalid(() => nthHost(s, 0)); // network address
  invalid(() => nthHost(s, 31)); // broadcast
  assert.equal(hostOffset(s, '10.87.0.32'), null);
});

test('CIDR and address parsing', () => {
  const bad = ['10.87.0.0', '10.87.0.0/33', '10.87.0.1/16', '10.87.0/16', '256.0.0.0/8', '10.87.0.0/16/1', '010.0.0.0/8', 'x/8'];
  for (const text of bad) assert.throws(() => parseCidr(text), (e) => isSandboxError(e, 'INVALID_ARGUMENT'), text);
  assert.deepEqual(parseCidr('0.0.0.0/0'), { base: 0, prefix: 0 });
  assert.equal(parseIpv4('255.255.255.255'), 2 ** 32 - 1);
  assert.equal(parseIpv4('1.2.3'), null);
});

test('20 concurrent claims get 20 distinct numbers, lowest first', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-claims-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const got = await Promise.all(
    Array.from({ length: 20 }, (_, i) => claimLowest(dir, { first: 0, last: 2047 }, { network: `owner${i}` })),
  );
  assert.equal(new Set(got).size, 20);
  assert.deepEqual([...got].sort((a, b) => (a ?? 0) - (b ?? 0)), Array.from({ length: 20 }, (_, i) => i));
  assert.deepEqual(await listClaims(dir), Array.from({ length: 20 }, (_, i) => i));
  // Each claim holds what its claimer wrote.
  const owners = await Promise.all(got.map((n) => readFile(path.join(dir, String(n), 'network'), 'utf8')));
  assert.equal(new Set(owners).size, 20);
});

test('a released number is handed out again; a full range yields null', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'pier-claims-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const range = { first: 2, last: 4 };
  assert.equal(await claimLowest(dir, range, (n) => ({ 'node.json': String(n) })), 2);
  assert.equal(await claimLowest(dir, range, {}), 3);
  assert.equal(await claimLowest(dir, range, {}), 4);
  assert.equal(await claimLowest(dir, range, {}), null);
  await releaseClaim(dir, 3);
  await releaseClaim(dir, 3); // idempotent
  assert.equal(await claimLowest(dir, range, {}), 3);
  assert.equal(await readFile(path.join(dir, '2', 'node.json'), 'utf8'), '2');
});
