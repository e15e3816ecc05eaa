import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIpv6, listeningFrom, listeningPortsOfPid as listeningPorts, parseProcNetTcp, parseSsListening, TCP_LISTEN } from './ports.js';
import { isSandboxError } from '../errors.js';

// Captured on an x86-64 host (little-endian) in a fresh network namespace with listeners on
// 0.0.0.0:8000, 127.0.0.1:9000, [::]:8080 (dual-stack) and [::1]:9090, plus two connections.
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     
   0: 00000000:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 660162 1 00000000b481ed0b 100 0 0 10 0                    
   1: 0100007F:2328 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 660163 1 00000000ed2eea37 100 0 0 10 0                    
   2: 0100007F:80A4 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 660168 2 00000000c2f1745a 20 0 0 10 -1                    
   3: 0100007F:CFEA 0100007F:2328 01 00000000:00000000 00:00000000 00000000     0        0 660166 2 000000002e33f5e7 20 0 0 10 -1                    
   4: 0100007F:2328 0100007F:CFEA 01 00000000:00000000 00:00000000 00000000     0        0 660167 1 00000000609f3999 20 0 0 10 -1                    
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 660164 1 000000001103845c 100 0 0 10 0
   1: 00000000000000000000000001000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 660165 1 00000000e07edfd0 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:80A4 01 00000000:00000000 00:00000000 00000000     0        0 660169 1 0000000045f18eeb 20 0 0 10 -1
`;

/** One LISTEN row with `local` as the local_address field. */
const row = (local: string, st = '0A') => `   0: ${local} 00000000:0000 ${st} 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0`;

describe('parseProcNetTcp', () => {
  test('reads every row of a real /proc/net/tcp, skipping the header', () => {
    const rows = parseProcNetTcp(TCP, 'LE');
    assert.equal(rows.length, 5);
    assert.deepEqual(rows[0], { family: 4, address: '0.0.0.0', port: 8000, state: TCP_LISTEN, loopback: false });
    assert.deepEqual(rows[1], { family: 4, address: '127.0.0.1', port: 9000, state: TCP_LISTEN, loopback: true });
    assert.deepEqual(rows[2], { family: 4, address: '127.0.0.1', port: 32932, state: 1, loopback: true });
  });

  test('reads a real /proc/net/tcp6', () => {
    const rows = parseProcNetTcp(TCP6, 'LE');
    assert.deepEqual(rows, [
      { family: 6, address: '::', port: 8080, state: TCP_LISTEN, loopback: false },
      { family: 6, address: '::1', port: 9090, state: TCP_LISTEN, loopback: true },
      { family: 6, address: '::ffff:127.0.0.1', port: 8080, state: 1, loopback: true },
    ]);
  });

  const cases: { name: string; local: string; order?: 'LE' | 'BE'; address: string | null; port?: number; loopback?: boolean }[] = [
    { name: 'wildcard v4', local: '00000000:0050', address: '0.0.0.0', port: 80, loopback: false },
    { name: 'a node address 10.87.0.34', local: '2200570A:1F40', address: '10.87.0.34', port: 8000, loopback: false },
    { name: '127.0.0.53 (any of 127/8 is loopback)', local: '3500007F:0035', address: '127.0.0.53', port: 53, loopback: true },
    { name: 'big-endian host prints the bytes in order', local: '7F000001:1F40', order: 'BE', address: '127.0.0.1', port: 8000, loopback: true },
    { name: 'v4-mapped loopback', local: '0000000000000000FFFF00000100007F:1F90', address: '::ffff:127.0.0.1', port: 8080, loopback: true },
    { name: 'v4-mapped node address', local: '0000000000000000FFFF00002200570A:1F90', address: '::ffff:10.87.0.34', port: 8080, loopback: false },
    { name: 'fd00::2', local: '000000FD000000000000000002000000:0016', address: 'fd00::2', port: 22, loopback: false },
    { name: 'lowercase hex', local: '0100007f:1f40', address: '127.0.0.1', port: 8000, loopback: true },
    { name: 'truncated address', local: '0100007:1F40', address: null },
    { name: 'no port', local: '0100007F', address: null },
    { name: 'odd IPv6 length', local: '00000000000000000000000001000000FF:0050', address: null },
    { name: 'not hex', local: 'GGGGGGGG:0050', address: null },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const rows = parseProcNetTcp(row(c.local), c.order ?? 'LE');
      if (c.address === null) {
        assert.deepEqual(rows, []);
        return;
      }
      assert.equal(rows.length, 1);
      assert.equal(rows[0]?.address, c.address);
      assert.equal(rows[0]?.port, c.port);
      assert.equal(rows[0]?.loopback, c.loopback);
    });
  }

  test('empty text, blank lines and garbage give no rows', () => {
    assert.deepEqual(parseProcNetTcp('', 'LE'), []);
    assert.deepEqual(parseProcNetTcp('\n\n  \n', 'LE'), []);
    assert.deepEqual(parseProcNetTcp('hello world\n0: x y z', 'LE'), []);
    assert.deepEqual(parseProcNetTcp(row('0100007F:1F40', 'ZZ'), 'LE'), []);
  });
});

describe('formatIpv6', () => {
  const bytes = (hex: string) => (hex.match(/../g) ?? []).map((h) => parseInt(h, 16));
  const cases: [string, string][] = [
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['fe800000000000000000000000000001', 'fe80::1'],
    ['20010db8000000010000000000000001', '2001:db8:0:1::1'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
    ['20010db8000100020003000400050006', '2001:db8:1:2:3:4:5:6'],
    ['00000000000000000000ffff0a570022', '::ffff:10.87.0.34'],
  ];
  for (const [hex, text] of cases) test(`${hex} → ${text}`, () => assert.equal(formatIpv6(bytes(hex)), text));
});

describe('listeningFrom', () => {
  test('groups v4 and v6 listeners by port, sorted, loopback-only flagged', () => {
    const ports = listeningFrom([...parseProcNetTcp(TCP, 'LE'), ...parseProcNetTcp(TCP6, 'LE')]);
    assert.deepEqual(ports, [
      { port: 8000, reachable: true, addresses: ['0.0.0.0'] },
      { port: 8080, reachable: true, addresses: ['::'] },
      { port: 9000, reachable: false, addresses: ['127.0.0.1'] },
      { port: 9090, reachable: false, addresses: ['::1'] },
    ]);
  });

  test('one reachable listener makes the port reachable; repeats are merged', () => {
    const rows = parseProcNetTcp([row('0100007F:1F40'), row('0100007F:1F40'), row('2200570A:1F40'), row('0100007F:0050', '01')].join('\n'), 'LE');
    assert.deepEqual(listeningFrom(rows), [{ port: 8000, reachable: true, addresses: ['10.87.0.34', '127.0.0.1'] }]);
  });
});

describe('listeningPortsOfPid', () => {
  test('a process in the server’s own network namespace is refused (never the host’s ports)', async () => {
    await assert.rejects(listeningPorts(process.pid), (err) => isSandboxError(err, 'PORTS_UNAVAILABLE') && /network namespace/.test(err.message));
  });

  test('a pid that does not exist is PORTS_UNAVAILABLE', async () => {
    await assert.rejects(listeningPorts(2 ** 22 + 12345), (err) => isSandboxError(err, 'PORTS_UNAVAILABLE'));
    await assert.rejects(listeningPorts(0), (err) => isSandboxError(err, 'PORTS_UNAVAILABLE'));
    await assert.rejects(listeningPorts(-1), (err) => isSandboxError(err, 'PORTS_UNAVAILABLE'));
  });
});

describe('parseSsListening', () => {
  // `ss -Hltn` (iproute2 6.1) in a namespace with the listeners of the /proc sample above,
  // plus a device-bound one and the `*` form older versions print for a dual-stack `::`.
  const SS = [
    'LISTEN 0      5            0.0.0.0:8000       0.0.0.0:*',
    'LISTEN 0      5          127.0.0.1:9000       0.0.0.0:*',
    'LISTEN 0      5       127.0.0.53%lo:53        0.0.0.0:*',
    'LISTEN 0      5               [::]:8080          [::]:*',
    'LISTEN 0      5              [::1]:9090          [::]:*',
    'LISTEN 0      5 [::ffff:127.0.0.1]:7000             *:*',
    'LISTEN 0      5                  *:6000             *:*',
    'garbage line',
    'ESTAB  0      0          127.0.0.1:1 127.0.0.1:2',
    '',
  ].join('\n');

  test('reads every listener, with v4, v6, v4-mapped, device-bound and * addresses', () => {
    assert.deepEqual(listeningFrom(parseSsListening(SS)), [
      { port: 53, reachable: false, addresses: ['127.0.0.53'] },
      { port: 6000, reachable: true, addresses: ['::'] },
      { port: 7000, reachable: false, addresses: ['::ffff:127.0.0.1'] },
      { port: 8000, reachable: true, addresses: ['0.0.0.0'] },
      { port: 8080, reachable: true, addresses: ['::'] },
      { port: 9000, reachable: false, addresses: ['127.0.0.1'] },
      { port: 9090, reachable: false, addresses: ['::1'] },
    ]);
  });

  test('the same ports as the /proc parser on the same namespace', () => {
    const fromProc = listeningFrom([...parseProcNetTcp(TCP, 'LE'), ...parseProcNetTcp(TCP6, 'LE')]);
    const fromSs = listeningFrom(parseSsListening(SS)).filter((l) => [8000, 8080, 9000, 9090].includes(l.port));
    assert.deepEqual(fromSs, fromProc);
  });
});
