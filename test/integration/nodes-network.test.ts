// Acceptance 5: nodes of one session reach each other by name; nothing else is reachable —
// not another session, not the host's services, not the pier server's port.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { rootSuite } from '../helpers/root.js';
import { driver, sh, shOk } from '../helpers/sandbox.js';
import type { NetworkInfo, SandboxInfo } from '../../sandbox/index.js';

/** A TCP listener on the host, standing for a host service or the pier server. */
function listen(host: string): Promise<{ server: net.Server; port: number }> {
  return new Promise((resolve) => {
    const server = net.createServer((sock) => {
      sock.on('error', () => undefined); // probes hang up at once
      sock.end('hello\n');
    });
    server.listen(0, host, () => resolve({ server, port: (server.address() as net.AddressInfo).port }));
  });
}

/** From inside: does a TCP connect to addr:port succeed within 2 s? */
async function canConnect(id: string, addr: string, port: number): Promise<boolean> {
  const r = await sh(id, `timeout 2 bash -c 'exec 3<>/dev/tcp/${addr}/${port}' 2>/dev/null && echo open || echo closed`);
  return r.stdout.trim() === 'open';
}

describe('session networks', rootSuite(), () => {
  let netA: NetworkInfo;
  let netB: NetworkInfo;
  let node1: SandboxInfo;
  let node2: SandboxInfo;
  let other: SandboxInfo;

  before(async () => {
    netA = await driver.createNetwork();
    netB = await driver.createNetwork();
    node1 = await driver.create({ network: netA.id, hostname: 'node1' });
    node2 = await driver.create({ network: netA.id, hostname: 'node2' });
    other = await driver.create({ network: netB.id, hostname: 'node1' });
  });
  after(async () => {
    for (const n of [netA, netB]) if (n) await driver.destroyNetwork(n.id);
  });

  test('two nodes of one session ping each other by name', async () => {
    assert.match(await shOk(node1.id, 'ping -c1 -W2 node2'), /1 received/);
    assert.match(await shOk(node2.id, 'ping -c1 -W2 node1'), /1 received/);
    const hosts = await shOk(node1.id, 'cat /etc/hosts');
    assert.match(hosts, new RegExp(`^${node1.address.replace(/\./g, '\\.')}\\s+node1$`, 'm'));
    assert.match(hosts, new RegExp(`^${node2.address.replace(/\./g, '\\.')}\\s+node2$`, 'm'));
  });

  test('a node of another session is unreachable, even through the gateway', async () => {
    const direct = await sh(node1.id, `ping -c1 -W1 ${other.address}`);
    assert.notEqual(direct.exitCode, 0);
    await shOk(node1.id, `ip route add default via ${netA.gateway} || true`);
    const routed = await sh(node1.id, `ping -c1 -W1 ${other.address}`);
    assert.notEqual(routed.exitCode, 0, 'another session answered');
    const back = await sh(other.id, `ip route add default via ${netB.gateway}; ping -c1 -W1 ${node1.address}`);
    assert.notEqual(back.exitCode, 0);
  });

  test("the host's loopback services and the pier server's port are unreachable", async () => {
    const loop = await listen('127.0.0.1');
    const server = await listen('0.0.0.0');
    try {
      // The host's 127.0.0.1 is not the sandbox's: its own loopback has nothing there.
      assert.equal(await canConnect(node1.id, '127.0.0.1', loop.port), false);
      assert.equal(await canConnect(node1.id, netA.gateway, server.port), false, 'gateway reached a host service');
      assert.equal(await canConnect(node1.id, netA.gateway, loop.port), false);
      // The same listener answers on the host: the refusal above is the firewall's.
      const ok = await new Promise<boolean>((resolve) => {
        const c = net.connect(server.port, '127.0.0.1', () => (c.end(), resolve(true)));
        c.on('error', () => resolve(false));
      });
      assert.equal(ok, true);
    } finally {
      loop.server.close();
      server.server.close();
    }
  });

  test('the host reaches a node (as the port proxy will)', async () => {
    await shOk(node2.id, "nohup python3 -m http.server 8000 --bind 0.0.0.0 >/dev/null 2>&1 & sleep 0.5");
    const body = await new Promise<string>((resolve, reject) => {
      const c = net.connect(8000, node2.address, () => c.write('GET / HTTP/1.0\r\n\r\n'));
      let data = '';
      c.on('data', (d) => (data += d));
      c.on('end', () => resolve(data));
      c.on('error', reject);
    });
    assert.match(body, /^HTTP\/1\.0 200/);
  });
});
