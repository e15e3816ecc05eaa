// Issue 13, point 4 and acceptance 1: Docker swarm across two nodes of one session network —
// `docker swarm init` on node1, `docker swarm join` on node2, an attachable overlay (VXLAN)
// network that containers on both nodes share, and a replicated service. Service VIPs and
// the ingress mesh need IPVS, which `pier doctor` reports (dnsrr services work without it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, sh } from '../helpers/sandbox.js';
import { loadOffline, ok, out } from '../helpers/docker.js';
import type { NetworkInfo, SandboxInfo } from '../../sandbox/index.js';

describe('docker swarm across two nodes', rootSuite(), () => {
  let net: NetworkInfo;
  let node1: SandboxInfo;
  let node2: SandboxInfo;

  before(async () => {
    await runtime.imageSet.build();
    net = await driver.createNetwork();
    node1 = await driver.create({ network: net.id, hostname: 'node1' });
    node2 = await driver.create({ network: net.id, hostname: 'node2' });
    await Promise.all([loadOffline(node1.id, ['busybox:latest']), loadOffline(node2.id, ['busybox:latest'])]);
  });
  after(async () => {
    for (const n of [node1, node2]) if (n) await driver.destroy(n.id);
    if (net) await driver.destroyNetwork(net.id);
  });

  test('swarm init on node1 advertises its address; node2 joins with the printed token', async () => {
    const init = await out(node1.id, 'docker swarm init');
    assert.match(init, /Swarm initialized: current node \(\w+\) is now a manager/);
    assert.ok(init.includes(`${node1.address}:2377`), `the join command names node1's address:\n${init}`);
    const token = (await out(node1.id, 'docker swarm join-token -q worker')).trim();
    assert.match(token, /^SWMTKN-1-/);
    assert.match(await out(node2.id, `docker swarm join --token ${token} node1:2377`), /This node joined a swarm as a worker/);
    const nodes = await out(node1.id, 'for i in $(seq 1 120); do n=$(docker node ls --format "{{.Hostname}} {{.Status}}"); [ "$(echo "$n" | grep -c Ready)" = 2 ] && { echo "$n"; exit 0; }; sleep 0.5; done; echo "$n"; exit 1', 90_000);
    assert.match(nodes, /^node1 Ready$/m);
    assert.match(nodes, /^node2 Ready$/m);
  });

  test('an overlay network joins containers on both nodes; they reach each other by name', async () => {
    await ok(node1.id, 'docker network create -d overlay --attachable ov');
    await ok(node1.id, 'docker run -d --name one --network ov busybox sleep 600');
    const ip = (await out(node1.id, 'docker inspect --format "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}" one')).trim();
    assert.match(ip, /^10\.0\.\d+\.\d+$/, 'an address on the overlay');
    // The overlay becomes known on node2 when a container there attaches to it.
    const ping = await out(node2.id, `docker run --rm --network ov busybox sh -c 'for i in $(seq 1 40); do ping -c 1 -W 2 one && exit 0; sleep 0.5; done; exit 1'`, 120_000);
    assert.match(ping, new RegExp(`bytes from ${ip.replace(/\./g, '\\.')}`));
    // And back: a container on node2 stays attached, and node1's container reaches it by name.
    await ok(node2.id, 'docker run -d --name two --network ov busybox sleep 600');
    assert.match(await out(node2.id, 'docker network ls --filter driver=overlay --format "{{.Name}}"'), /^ov$/m, 'the overlay exists on node2 while used');
    assert.match(await out(node1.id, `docker exec one sh -c 'for i in $(seq 1 40); do ping -c 1 -W 2 two && exit 0; sleep 0.5; done; exit 1'`, 120_000), /bytes from 10\.0\./);
    await ok(node2.id, 'docker rm -f two');
    await ok(node1.id, 'docker rm -f one');
  });

  test('a replicated service (dnsrr) runs a task on each node', async () => {
    await ok(node1.id, 'docker service create --detach --name sleepers --replicas 2 --endpoint-mode dnsrr --network ov busybox sleep 600', 120_000);
    const tasks = await out(node1.id, 'for i in $(seq 1 240); do t=$(docker service ps sleepers --filter desired-state=running --format "{{.Node}} {{.CurrentState}}"); [ "$(echo "$t" | grep -c Running)" = 2 ] && { echo "$t"; exit 0; }; sleep 0.5; done; echo "$t"; exit 1', 150_000);
    assert.match(tasks, /^node1 Running/m);
    assert.match(tasks, /^node2 Running/m);
    assert.match(await out(node2.id, 'docker ps --filter name=sleepers --format "{{.Names}}"'), /^sleepers\.\d\./m);
    await ok(node1.id, 'docker service rm sleepers');
  });

  test('node2 leaves and node1 ends the swarm', async () => {
    assert.match(await out(node2.id, 'docker swarm leave'), /Node left the swarm/);
    assert.match(await out(node1.id, 'docker swarm leave --force'), /Node left the swarm/);
    assert.match((await sh(node1.id, 'docker info --format "{{.Swarm.LocalNodeState}}"')).stdout, /^inactive$/m);
  });
});
