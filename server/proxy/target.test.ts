import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTargetGuard } from './target.js';
import { parseIpv4 } from '../../sandbox/index.js';

describe('parseIpv4', () => {
  const cases: [string, number | null][] = [
    ['0.0.0.0', 0],
    ['10.87.0.34', (10 << 24) + (87 << 16) + 34],
    ['255.255.255.255', 2 ** 32 - 1],
    ['256.0.0.1', null],
    ['10.087.0.1', null],
    ['10.87.0', null],
    ['10.87.0.1.5', null],
    ['0x0a.0.0.1', null],
    ['167772161', null],
    ['localhost', null],
    ['::1', null],
    [' 10.0.0.1', null],
  ];
  for (const [text, n] of cases) test(JSON.stringify(text), () => assert.equal(parseIpv4(text), n));
});

describe('createTargetGuard', () => {
  // Pool 10.87.0.0/16 cut into /27 subnets; the host owns 10.87.0.1 (a bridge) and loopback.
  const guard = createTargetGuard({ subnetPool: '10.87.0.0/16', subnetPrefix: 27, hostAddresses: () => ['127.0.0.1', '::1', '192.0.2.2', '10.87.0.1', '10.87.3.33'] });
  const cases: [string, string, number, boolean][] = [
    ['a node', '10.87.0.2', 8000, true],
    ['a node of another subnet', '10.87.0.34', 80, true],
    ['last node of the pool', '10.87.255.254', 1, true],
    ['port 65535', '10.87.0.2', 65535, true],
    ['port 0', '10.87.0.2', 0, false],
    ['port 65536', '10.87.0.2', 65536, false],
    ['port not an integer', '10.87.0.2', 80.5, false],
    ['loopback', '127.0.0.1', 8000, false],
    ['the host on the LAN', '192.0.2.2', 22, false],
    ['metadata', '169.254.169.254', 80, false],
    ['just below the pool', '10.86.255.254', 80, false],
    ['just above the pool', '10.88.0.2', 80, false],
    ['a subnet’s network address', '10.87.0.32', 80, false],
    ['a gateway (the host on a bridge)', '10.87.0.33', 22, false],
    ['a broadcast address', '10.87.0.63', 80, false],
    ['a host address inside the pool at a node offset', '10.87.3.33', 22, false],
    ['a name', 'localhost', 80, false],
    ['a name inside the pool’s look', '10.87.0.2.nip.io', 80, false],
    ['IPv6', '::1', 80, false],
    ['v4-mapped', '::ffff:10.87.0.2', 80, false],
    ['empty', '', 80, false],
  ];
  for (const [name, host, port, ok] of cases) {
    test(`${name}: ${host}:${port} ${ok ? 'allowed' : 'refused'}`, () => {
      const why = guard(host, port);
      if (ok) assert.equal(why, null);
      else assert.equal(typeof why, 'string');
    });
  }

  test('without subnetPrefix only the pool and host addresses count', () => {
    const g = createTargetGuard({ subnetPool: '10.87.0.0/16', hostAddresses: () => ['10.87.0.1'] });
    assert.equal(g('10.87.0.33', 80), null);
    assert.notEqual(g('10.87.0.1', 80), null);
  });

  test('the real host addresses are refused by default', () => {
    const g = createTargetGuard({ subnetPool: '127.0.0.0/8' });
    assert.notEqual(g('127.0.0.1', 80), null);
  });

  test('malformed settings fail at creation', () => {
    assert.throws(() => createTargetGuard({ subnetPool: '10.87.0.1/16' }));
    assert.throws(() => createTargetGuard({ subnetPool: '10.87.0.0' }));
    assert.throws(() => createTargetGuard({ subnetPool: '10.87.0.0/33' }));
    assert.throws(() => createTargetGuard({ subnetPool: '10.87.0.0/16', subnetPrefix: 8 }));
    assert.throws(() => createTargetGuard({ subnetPool: '10.87.0.0/16', subnetPrefix: 31 }));
  });
});
