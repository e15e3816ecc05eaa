// Session networks on the real host, with network namespaces standing in for sandboxes:
// nodes of one network reach each other; nothing reaches another network, the host or
// the "outside" (docs/SECURITY.md attacks 25–27). Every packet stays on this machine: targets
// are loopback, namespaces this file creates, or the host's own addresses; the "outside"
// is a namespace of ours, and policy routing sends the test bridges' traffic nowhere else.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rootSuite } from '../helpers/root.js';
import { inPrivateHost } from '../helpers/private-host.js';
import { runCommand, runChecked } from '../../sandbox/host/command.js';
import { isSandboxError } from '../../sandbox/errors.js';
import { networkPaths, subnetClaimsDir, vethName, type RuntimePaths } from '../../sandbox/layout.js';
import type { NetworkInfo } from '../../sandbox/types.js';
import * as netModule from '../../sandbox/net/index.js';
import {
  attachNode,
  createNetwork,
  destroyNetwork,
  detachNode,
  ensureFirewall,
  listNodes,
  loadNetwork,
  readFirewallElements,
} from '../../sandbox/net/index.js';

/** A connect that the firewall drops hangs; give up after this (seconds, for `timeout`). */
const PROBE_TIMEOUT_S = 1;
/** Port every namespace's listener binds (each namespace has its own port space). */
const LISTEN_PORT = 7777;
/** How long a namespace listener may take to start. */
const LISTENER_START_MS = 5_000;
/** Routing table and rule preference of the test's policy routing (confines its traffic). */
const TABLE = String(31_000 + (randomBytes(2).readUInt16BE() % 1000));
const RULE_PREF = '900';

const tag = randomBytes(2).toString('hex');
/** A /24 for this run only (random third octet), so parallel runs do not collide. */
const POOL_BASE = `10.254.${randomBytes(1)[0] ?? 0}`;
const POOL = `${POOL_BASE}.0/25`;
/** A second pool, for exhaustion tests: two /30 subnets of one node each. */
const SMALL_POOL = `${POOL_BASE}.128/29`;
const ns = (name: string): string => `piertest-${tag}-${name}`;
const nsPath = (name: string): string => `/run/netns/${ns(name)}`;
const WORLD_LINK = `piertw${tag}`;
const WORLD_ADDRESSES = ['169.254.169.254', '192.0.2.10'];

const newId = (): string => randomBytes(5).toString('hex');

/** Cleanups, run last-in first-out by `after`, also when set-up failed half-way. */
const cleanups: (() => Promise<unknown>)[] = [];
const children: ChildProcess[] = [];

async function sh(file: string, args: string[]): Promise<void> {
  await runChecked(file, args);
}

/** Writes a sysctl under /proc/sys/net (e.g. `ipv4/conf/<if>/forwarding`). */
async function setSysctl(key: string, value: number): Promise<void> {
  await writeFile(`/proc/sys/net/${key}`, String(value));
}

/** Tries a TCP connect from namespace `name` (or the host, null); resolves whether it worked. */
async function connects(name: string | null, host: string, port: number): Promise<boolean> {
  const probe = ['timeout', String(PROBE_TIMEOUT_S), 'bash', '-c', 'echo > "/dev/tcp/$0/$1"', host, String(port)];
  const r = name === null ? await runCommand(probe[0] ?? '', probe.slice(1)) : await runCommand('ip', ['netns', 'exec', ns(name), ...probe]);
  return r.code === 0;
}

/** Asserts every probe fails, running them in parallel (each failing one takes the timeout). */
async function assertAllBlocked(probes: { from: string; to: string; port: number; why: string }[]): Promise<void> {
  const results = await Promise.all(probes.map((p) => connects(p.from, p.to, p.port)));
  const leaked = probes.filter((_, i) => results[i]).map((p) => `${p.from} → ${p.to}:${p.port} (${p.why})`);
  assert.deepEqual(leaked, [], 'these connections should have been blocked');
}

/** Starts a TCP listener on 0.0.0.0:LISTEN_PORT inside namespace `name`. */
async function listenIn(name: string): Promise<void> {
  // A probe hangs up at once; without an error handler the reset would kill the listener.
  const src = `require('net').createServer((s) => { s.on('error', () => {}); s.end('hi'); }).listen(${LISTEN_PORT}, '0.0.0.0', () => console.log('ready'))`;
  const child = spawn('ip', ['netns', 'exec', ns(name), process.execPath, '-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`listener in ${ns(name)} did not start`)), LISTENER_START_MS);
    child.stdout?.on('data', () => {
      clearTimeout(timer);
      resolve();
    });
    child.on('exit', (code) => reject(new Error(`listener in ${ns(name)} exited ${code}`)));
  });
}

async function addNetns(name: string): Promise<void> {
  await sh('ip', ['netns', 'add', ns(name)]);
  cleanups.push(() => runCommand('ip', ['netns', 'del', ns(name)]));
}

describe('session networks (bridge, veth, firewall)', rootSuite(), () => {
  let stateDir = '';
  let paths: RuntimePaths;
  let netA: NetworkInfo;
  let netB: NetworkInfo;
  const ids = { a1: newId(), a2: newId(), b1: newId(), c1: newId(), c2: newId() };
  const addr: Record<string, string> = {};
  const attachMs: number[] = [];
  let hostServer: net.Server;
  let hostPort = 0;

  before(async () => {
    stateDir = await mkdtemp(path.join(tmpdir(), 'pier-net-'));
    cleanups.push(() => rm(stateDir, { recursive: true, force: true }));
    paths = { stateDir, runcRoot: path.join(stateDir, 'runc') };

    // Leave pier's table as we found it: remove it at the end only if we created it and no
    // other pier bridge (someone else's sandboxes) needs it by then.
    const hadTable = (await runCommand('nft', ['list', 'table', 'inet', 'pier'])).code === 0;
    cleanups.push(async () => {
      const others = (await runChecked('ip', ['-j', 'link', 'show'])).includes('"pierb');
      if (!hadTable && !others) await runCommand('nft', ['delete', 'table', 'inet', 'pier']);
    });
    await ensureFirewall({ pool: POOL });

    for (const n of ['a1', 'a2', 'b1', 'c1', 'c2', 'world']) await addNetns(n);

    netA = await createNetwork(paths, { outbound: false, pool: POOL, prefix: 28 });
    cleanups.push(() => destroyNetwork(paths, netA.id));
    netB = await createNetwork(paths, { outbound: false, pool: POOL, prefix: 28 });
    cleanups.push(() => destroyNetwork(paths, netB.id));

    // The "outside world": a namespace of ours holding a metadata and a LAN address, wired
    // to the host. Policy routing sends whatever the test bridges (and the world) route
    // there and nowhere else: even a wrong firewall could not put a packet off the machine.
    await sh('ip', ['link', 'add', WORLD_LINK, 'type', 'veth', 'peer', 'name', 'w0', 'netns', nsPath('world')]);
    cleanups.push(() => runCommand('ip', ['link', 'del', WORLD_LINK]));
    await runChecked('ip', ['-batch', '-'], {
      input: [
        `link set ${WORLD_LINK} up`,
        `route add 169.254.169.254/32 dev ${WORLD_LINK} table ${TABLE}`,
        `route add 192.0.2.10/32 dev ${WORLD_LINK} table ${TABLE}`,
        `route add throw ${POOL} table ${TABLE}`,
        `route add blackhole default table ${TABLE}`,
        ...[netA.bridge, netB.bridge, WORLD_LINK].map((i) => `rule add pref ${RULE_PREF} iif ${i} lookup ${TABLE}`),
        '',
      ].join('\n'),
    });
    cleanups.push(async () => {
      for (const i of [netA.bridge, netB.bridge, WORLD_LINK]) await runCommand('ip', ['rule', 'del', 'pref', RULE_PREF, 'iif', i, 'lookup', TABLE]);
      await runCommand('ip', ['route', 'flush', 'table', TABLE]);
    });
    // The world's replies come back through the host: it forwards them and answers the
    // world's ARP for node addresses (proxy ARP). Only the world's own link changes.
    await setSysctl(`ipv6/conf/${WORLD_LINK}/disable_ipv6`, 1);
    await setSysctl(`ipv4/conf/${WORLD_LINK}/forwarding`, 1);
    await setSysctl(`ipv4/conf/${WORLD_LINK}/proxy_arp`, 1);
    await runChecked('ip', ['netns', 'exec', ns('world'), 'ip', '-batch', '-'], {
      input: [...WORLD_ADDRESSES.map((a) => `address add ${a}/32 dev w0`), 'link set w0 up', 'link set lo up', 'route add default dev w0', ''].join('\n'),
    });

    const sockets = new Set<net.Socket>();
    hostServer = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined); // probes hang up at once (ECONNRESET)
      s.on('close', () => sockets.delete(s));
      s.end('host');
    });
    await new Promise<void>((resolve) => hostServer.listen(0, '0.0.0.0', resolve));
    hostPort = (hostServer.address() as net.AddressInfo).port;
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      hostServer.close();
    });
    cleanups.push(async () => {
      for (const c of children) c.kill('SIGKILL');
    });
  });

  after(async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error('cleanup failed:', err);
      }
    }
  });

  test('networks get distinct subnets from the pool, with gateway .1', () => {
    assert.equal(netA.subnet, `${POOL_BASE}.0/28`);
    assert.equal(netA.gateway, `${POOL_BASE}.1`);
    assert.equal(netB.subnet, `${POOL_BASE}.16/28`);
    assert.equal(netB.bridge, `pierb${netB.id}`);
  });

  test('attaching nodes: addresses from .2, hosts file rewritten in place', async (t) => {
    const hostsFile = networkPaths(paths, netA.id).hosts;
    const inode = (await stat(hostsFile)).ino;
    for (const [node, net_, host] of [['a1', netA, 'node1'], ['a2', netA, 'node2'], ['b1', netB, 'node1']] as const) {
      const started = performance.now();
      const { address } = await attachNode(paths, { network: net_, sandboxId: ids[node], hostname: host, netnsPath: nsPath(node) });
      attachMs.push(performance.now() - started);
      addr[node] = address;
    }
    t.diagnostic(`attachNode took ${attachMs.map((ms) => ms.toFixed(1)).join(', ')} ms`);
    assert.equal(addr['a1'], `${POOL_BASE}.2`);
    assert.equal(addr['a2'], `${POOL_BASE}.3`);
    assert.equal(addr['b1'], `${POOL_BASE}.18`);

    const hosts = await readFile(hostsFile, 'utf8');
    assert.match(hosts, /^127\.0\.0\.1\tlocalhost$/m);
    assert.match(hosts, new RegExp(`^${addr['a1']}\\tnode1$`, 'm'));
    assert.match(hosts, new RegExp(`^${addr['a2']}\\tnode2$`, 'm'));
    assert.doesNotMatch(hosts, new RegExp(addr['b1'] ?? '-'));
    assert.equal((await stat(hostsFile)).ino, inode, 'the bind-mounted hosts file must keep its inode');

    // Inside: eth0 with the address, no default route (outbound is off), no host-side IPv6.
    const inside = await runChecked('ip', ['-n', ns('a1'), '-br', 'address', 'show', 'eth0']);
    assert.match(inside, new RegExp(`${addr['a1']}/28`));
    assert.equal((await runChecked('ip', ['-n', ns('a1'), 'route', 'show', 'default'])).trim(), '');
    assert.equal((await readFile(`/proc/sys/net/ipv6/conf/${vethName(ids.a1)}/disable_ipv6`, 'utf8')).trim(), '1');
    assert.equal((await readFile(`/proc/sys/net/ipv6/conf/${netA.bridge}/disable_ipv6`, 'utf8')).trim(), '1');
    assert.equal((await readFile(`/proc/sys/net/ipv4/conf/${netA.bridge}/forwarding`, 'utf8')).trim(), '0');
    assert.deepEqual((await listNodes(paths, netA.id)).map((n) => n.hostname), ['node1', 'node2']);
  });

  test('nodes of one network reach each other; the host reaches a node (port proxy)', async () => {
    await Promise.all(['a1', 'a2', 'b1', 'world'].map(listenIn));
    assert.ok(await connects('a1', addr['a2'] ?? '', LISTEN_PORT), 'a1 → a2');
    assert.ok(await connects('a2', addr['a1'] ?? '', LISTEN_PORT), 'a2 → a1');
    assert.ok(await connects(null, addr['a1'] ?? '', LISTEN_PORT), 'host → a1');
    assert.ok(await connects(null, addr['b1'] ?? '', LISTEN_PORT), 'host → b1');
    assert.ok(await connects(null, '127.0.0.1', hostPort), 'host → its own listener on 127.0.0.1');
  });

  /** Every connection a node must not make, in both networks' directions. */
  function forbidden(): { from: string; to: string; port: number; why: string }[] {
    const hostAddresses = Object.values(networkInterfaces())
      .flat()
      .filter((i) => i && i.family === 'IPv4' && !i.internal)
      .map((i) => i?.address ?? '')
      .filter((a) => a !== '');
    return [
      { from: 'a1', to: addr['b1'] ?? '', port: LISTEN_PORT, why: 'another session (27)' },
      { from: 'b1', to: addr['a1'] ?? '', port: LISTEN_PORT, why: 'another session (27)' },
      { from: 'a1', to: netB.gateway, port: LISTEN_PORT, why: "another session's gateway (27)" },
      { from: 'a1', to: netA.gateway, port: hostPort, why: 'host service via the gateway (25)' },
      { from: 'b1', to: netB.gateway, port: hostPort, why: 'host service via the gateway (25)' },
      ...hostAddresses.map((a) => ({ from: 'a1', to: a, port: hostPort, why: "host service on the host's address (25)" })),
      ...WORLD_ADDRESSES.map((a) => ({ from: 'a1', to: a, port: LISTEN_PORT, why: 'LAN / metadata (26)' })),
    ];
  }

  test('nothing else is reachable, even with a default route via the gateway', async () => {
    await assertAllBlocked(forbidden());
    await sh('ip', ['-n', ns('a1'), 'route', 'add', 'default', 'via', netA.gateway]);
    await sh('ip', ['-n', ns('b1'), 'route', 'add', 'default', 'via', netB.gateway]);
    await assertAllBlocked(forbidden());
  });

  test('the firewall alone holds when the bridges forward (as if ip_forward were turned on)', async (t) => {
    for (const b of [netA.bridge, netB.bridge]) await setSysctl(`ipv4/conf/${b}/forwarding`, 1);
    t.after(async () => {
      for (const b of [netA.bridge, netB.bridge]) await setSysctl(`ipv4/conf/${b}/forwarding`, 0).catch(() => undefined);
    });
    // Control: routed this way, the metadata address would go to our world namespace, and
    // another session's node to its bridge — so only the firewall is left to stop them.
    const route = await runChecked('ip', ['route', 'get', '169.254.169.254', 'from', addr['a1'] ?? '', 'iif', netA.bridge]);
    assert.match(route, new RegExp(`dev ${WORLD_LINK}`));
    const other = await runChecked('ip', ['route', 'get', addr['b1'] ?? '', 'from', addr['a1'] ?? '', 'iif', netA.bridge]);
    assert.match(other, new RegExp(`dev ${netB.bridge}`));
    await assertAllBlocked(forbidden());
    assert.ok(await connects('a1', addr['a2'] ?? '', LISTEN_PORT), 'a1 → a2 still works');
  });

  test('ensureFirewall is idempotent and keeps live networks in @intra', async () => {
    assert.equal(await ensureFirewall({ pool: POOL }), 'unchanged');
    const elements = await readFirewallElements();
    assert.ok(elements?.intra.includes(netA.bridge) && elements.intra.includes(netB.bridge));
  });

  test('detaching a node frees its address and drops it from hosts', async () => {
    await detachNode(paths, { networkId: netA.id, sandboxId: ids.a2 });
    await detachNode(paths, { networkId: netA.id, sandboxId: ids.a2 }); // idempotent
    const hosts = await readFile(networkPaths(paths, netA.id).hosts, 'utf8');
    assert.doesNotMatch(hosts, /node2/);
    assert.deepEqual(await readdir(networkPaths(paths, netA.id).addresses), ['2']);
    assert.equal((await runCommand('ip', ['link', 'show', vethName(ids.a2)])).code, 1);
  });

  test('a full pool and a full network are reported as such', async () => {
    const small: RuntimePaths = { stateDir: path.join(stateDir, 'small'), runcRoot: paths.runcRoot };
    const n1 = await createNetwork(small, { outbound: false, pool: SMALL_POOL, prefix: 30 });
    cleanups.push(() => destroyNetwork(small, n1.id));
    const n2 = await createNetwork(small, { outbound: false, pool: SMALL_POOL, prefix: 30 });
    cleanups.push(() => destroyNetwork(small, n2.id));
    await assert.rejects(createNetwork(small, { outbound: false, pool: SMALL_POOL, prefix: 30 }), (e) => isSandboxError(e, 'SUBNET_POOL_EXHAUSTED'));
    assert.deepEqual(await readdir(path.join(small.stateDir, 'networks')).then((d) => d.sort()), [n1.id, n2.id].sort());

    await attachNode(small, { network: n1, sandboxId: ids.c1, hostname: 'node1', netnsPath: nsPath('c1') });
    await assert.rejects(
      attachNode(small, { network: n1, sandboxId: ids.c2, hostname: 'node2', netnsPath: nsPath('c2') }),
      (e) => isSandboxError(e, 'NETWORK_FULL'),
    );
    await destroyNetwork(small, n1.id);
    await destroyNetwork(small, n2.id);
    for (const id of [ids.c1, ids.c2]) assert.equal((await runCommand('ip', ['link', 'show', vethName(id)])).code, 1);
  });

  test('destroyNetwork leaves nothing behind', async () => {
    await destroyNetwork(paths, netA.id);
    await destroyNetwork(paths, netB.id);
    await destroyNetwork(paths, netB.id); // idempotent
    const links = await runChecked('ip', ['-o', 'link', 'show']);
    for (const name of [netA.bridge, netB.bridge, ...Object.values(ids).map(vethName)]) {
      assert.ok(!links.includes(name), `${name} still exists`);
    }
    const elements = await readFirewallElements();
    assert.ok(!elements?.intra.includes(netA.bridge) && !elements?.intra.includes(netB.bridge), '@intra still lists a bridge');
    assert.deepEqual(await readdir(subnetClaimsDir(paths)), []);
    await assert.rejects(loadNetwork(paths, netA.id), (e) => isSandboxError(e, 'NETWORK_NOT_FOUND'));
  });

  test('reconcileNetworks removes orphans and restores what a network needs (private netns)', async () => {
    // Reconciliation is host-wide (it removes every pierb…/pierv… link it does not own).
    const r = await inPrivateHost(ns('h1'), reconcileScenario, { stateDir: path.join(stateDir, 'reconcile'), pool: POOL, nsPrefix: ns('r') });
    assert.deepEqual([...r.removed].sort(), [...r.expected].sort());
    assert.ok(r.bridgeRestored, 'the kept network gets its bridge back');
    assert.ok(r.intraRestored, 'the kept network is back in @intra');
    assert.deepEqual(r.networks, [r.keptId]);
    assert.deepEqual(r.hostnames, ['node1']);
    assert.deepEqual(r.secondRun, [], 'a second reconcile finds nothing to do');
  });

  test('outbound on: NAT to the "internet", never the LAN or metadata (private netns)', async () => {
    // Outbound turns on ip_forward and rewrites pier's table: only in a namespace of ours,
    // whose "internet" is one more namespace of ours.
    const r = await inPrivateHost(ns('h2'), outboundScenario, { stateDir: path.join(stateDir, 'outbound'), pool: POOL, nsPrefix: ns('o') });
    assert.deepEqual(r.wrong, [], 'probes with the wrong outcome');
    assert.deepEqual(r.sourcesSeen, ['198.51.100.2'], 'the internet sees only the host (masquerade)');
    assert.equal(r.ipForward, '1');
    assert.ok(r.defaultRouteOn && !r.defaultRouteOff, 'default route only on the outbound network');
    assert.match(r.resolvOff, /^#[^\n]*\n$/);
    assert.doesNotMatch(r.resolvOn, /nameserver 127\./);
    assert.deepEqual(r.rewrites, ['applied', 'unchanged', 'unchanged'], 'only the first ensure writes the rules');
    assert.ok(r.elementsKept, 'a rules rewrite keeps @intra and @outbound');
  });
});

/** Parameters of the private-host scenarios. */
interface ScenarioParams {
  stateDir: string;
  pool: string;
  /** Prefix of the names of the namespaces a scenario creates (and deletes). */
  nsPrefix: string;
}

/**
 * Private-host scenario: builds a state with one orphan of every kind, reconciles, reports.
 * Runs as source text in a child (see inPrivateHost): everything it uses comes in as an
 * argument or a dynamic import.
 */
async function reconcileScenario(net: typeof netModule, cmd: { runChecked: typeof runChecked; runCommand: typeof runCommand }, params: ScenarioParams) {
  const { randomBytes } = await import('node:crypto');
  const { mkdir, writeFile, readFile } = await import('node:fs/promises');
  const id = () => randomBytes(5).toString('hex');
  const paths = { stateDir: params.stateDir, runcRoot: `${params.stateDir}/runc` };
  const sh = (args: string[]) => cmd.runChecked('ip', args);
  const nodeNs = [`${params.nsPrefix}1`, `${params.nsPrefix}2`];
  try {
    for (const n of nodeNs) await sh(['netns', 'add', n]);
    await net.ensureFirewall({ pool: params.pool });
    const kept = await net.createNetwork(paths, { outbound: false, pool: params.pool, prefix: 28 });
    const goneSandbox = id();
    const ephemeral = await net.createNetwork(paths, { id: goneSandbox, outbound: false, pool: params.pool, prefix: 28, ephemeral: true });
    const liveSandbox = id();
    const deadSandbox = id();
    await net.attachNode(paths, { network: kept, sandboxId: liveSandbox, hostname: 'node1', netnsPath: `/run/netns/${nodeNs[0]}` });
    const dead = await net.attachNode(paths, { network: kept, sandboxId: deadSandbox, hostname: 'node2', netnsPath: `/run/netns/${nodeNs[1]}` });
    // Orphans: a bridge and a veth nobody owns, a firewall element of no network, a subnet
    // claim of a network that does not exist.
    const [strayBridge, strayVeth, strayElement, strayClaimOwner] = [id(), id(), id(), id()];
    await sh(['link', 'add', `pierb${strayBridge}`, 'type', 'bridge']);
    await sh(['link', 'add', `pierv${strayVeth}`, 'type', 'veth', 'peer', 'name', `x${strayVeth}`]);
    await cmd.runChecked('nft', ['-f', '-'], { input: `add element inet pier intra { "pierb${strayElement}" . "pierb${strayElement}" }\n` });
    await mkdir(`${params.stateDir}/subnets/7`, { recursive: true });
    await writeFile(`${params.stateDir}/subnets/7/network`, strayClaimOwner);
    // As after a reboot or a table rewrite: the kept network lost its bridge and element.
    await sh(['link', 'del', kept.bridge]);
    await net.removeNetworkRules(kept.bridge);

    const removed = await net.reconcileNetworks(paths, new Set([liveSandbox]));
    const links = await sh(['-o', 'link', 'show']);
    const elements = await net.readFirewallElements();
    return {
      removed,
      expected: [
        `network ${ephemeral.id} (its sandbox is gone)`,
        `address ${dead.address} of network ${kept.id}`,
        `bridge pierb${strayBridge}`,
        `veth pierv${strayVeth}`,
        `firewall element pierb${strayElement}`,
        `subnet claim 7 of network ${strayClaimOwner}`,
      ],
      keptId: kept.id,
      bridgeRestored: (await sh(['-br', 'address', 'show', 'dev', kept.bridge])).includes(kept.gateway),
      intraRestored: elements?.intra.includes(kept.bridge) === true && elements.intra.length === 1 && links.includes(kept.bridge),
      networks: (await net.listNetworks(paths)).map((n) => n.id),
      hostnames: (await readFile(`${params.stateDir}/networks/${kept.id}/hosts`, 'utf8'))
        .split('\n')
        .filter((l) => /^\d+\.\d+\.\d+\.\d+\t/.test(l) && !l.startsWith('127.'))
        .map((l) => l.split('\t')[1]),
      secondRun: await net.reconcileNetworks(paths, new Set([liveSandbox])),
    };
  } finally {
    for (const n of nodeNs) await cmd.runCommand('ip', ['netns', 'del', n]);
  }
}

/**
 * Private-host scenario: an "internet" namespace behind an uplink; one network with outbound
 * on and one without; probes from both. Also checks that a rules rewrite keeps elements.
 */
async function outboundScenario(net: typeof netModule, cmd: { runChecked: typeof runChecked; runCommand: typeof runCommand }, params: ScenarioParams) {
  const { spawn } = await import('node:child_process');
  const { readFile, writeFile } = await import('node:fs/promises');
  const sh = (args: string[], input?: string) => cmd.runChecked('ip', args, input === undefined ? {} : { input });
  const [inet, n1, n2] = ['inet', 'n1', 'n2'].map((n) => `${params.nsPrefix}${n}`) as [string, string, string];
  const paths = { stateDir: params.stateDir, runcRoot: `${params.stateDir}/runc` };
  const children: ReturnType<typeof spawn>[] = [];
  const sourcesSeen = new Set<string>();
  try {
    for (const n of [inet, n1, n2]) await sh(['netns', 'add', n]);
    // Uplink: this "host" is 198.51.100.2, the internet 198.51.100.1 (TEST-NET-2), which
    // also holds a metadata, a LAN and a nameserver address.
    await sh(['link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'i0', 'netns', `/run/netns/${inet}`]);
    await sh(['-batch', '-'], 'address add 198.51.100.2/24 dev up0\nlink set up0 up\nroute add default via 198.51.100.1\n');
    await sh(['-n', inet, '-batch', '-'], ['198.51.100.1/24', '169.254.169.254/32', '192.168.77.1/32', '10.99.0.53/32'].map((a) => `address add ${a} dev i0`).concat(['link set i0 up', 'link set lo up', '']).join('\n'));
    for (const port of [7777, 53]) {
      const src = `require('net').createServer((s) => { s.on('error', () => {}); console.log(s.remoteAddress); s.end(); }).listen(${port}, '0.0.0.0', () => console.log('ready'))`;
      const child = spawn('ip', ['netns', 'exec', inet, process.execPath, '-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      await new Promise<void>((resolve) => {
        child.stdout?.on('data', (d: Buffer) => {
          for (const line of d.toString().split('\n').filter(Boolean)) {
            if (line === 'ready') resolve();
            else sourcesSeen.add(line.replace(/^::ffff:/, ''));
          }
        });
      });
    }

    const rewrites: string[] = [await net.ensureFirewall({ pool: params.pool, nameservers: ['10.99.0.53'] })];
    const on = await net.createNetwork(paths, { outbound: true, pool: params.pool, prefix: 28 });
    const off = await net.createNetwork(paths, { outbound: false, pool: params.pool, prefix: 28 });
    const a = await net.attachNode(paths, { network: on, sandboxId: '00000000a1', hostname: 'node1', netnsPath: `/run/netns/${n1}` });
    const b = await net.attachNode(paths, { network: off, sandboxId: '00000000b1', hostname: 'node1', netnsPath: `/run/netns/${n2}` });
    const defaultRouteOn = (await sh(['-n', n1, 'route', 'show', 'default'])).includes(on.gateway);
    const defaultRouteOff = (await sh(['-n', n2, 'route', 'show', 'default'])).trim() !== '';
    // The off network's student adds a route, and its bridge forwards (as after a global
    // ip_forward=1): only the firewall's @outbound set keeps it in.
    await sh(['-n', n2, 'route', 'add', 'default', 'via', off.gateway]);
    await writeFile(`/proc/sys/net/ipv4/conf/${off.bridge}/forwarding`, '1');

    const probes: [string, string, number, boolean][] = [
      [n1, '198.51.100.1', 7777, true], // the internet
      [n1, '10.99.0.53', 53, true], // the host's nameserver, on port 53 only
      [n1, '10.99.0.53', 7777, false],
      [n1, '169.254.169.254', 7777, false], // metadata (26)
      [n1, '192.168.77.1', 7777, false], // LAN (26)
      [n1, b.address, 7777, false], // another session (27)
      [n1, on.gateway, 7777, false], // the host (25)
      [n1, '198.51.100.2', 7777, false], // the host's uplink address (25)
      [n2, '198.51.100.1', 7777, false], // a network without outbound
      [n2, '10.99.0.53', 53, false],
    ];
    const outcomes = await Promise.all(
      probes.map(async ([from, host, port]) => (await cmd.runCommand('ip', ['netns', 'exec', from, 'timeout', '1', 'bash', '-c', 'echo > "/dev/tcp/$0/$1"', host, String(port)])).code === 0),
    );
    const wrong = probes.filter((p, i) => outcomes[i] !== p[3]).map(([from, host, port, want]) => `${from} → ${host}:${port} should ${want ? '' : 'not '}connect`);

    // Other processes (a `pier sandbox run`, another server) ensure the same rules.
    rewrites.push(await net.ensureFirewall({ pool: params.pool }));
    rewrites.push(await net.ensureFirewall({ pool: '10.88.0.0/16', nameservers: [] }));
    const elements = await net.readFirewallElements();
    const result = {
      wrong,
      sourcesSeen: [...sourcesSeen],
      ipForward: (await readFile('/proc/sys/net/ipv4/ip_forward', 'utf8')).trim(),
      defaultRouteOn,
      defaultRouteOff,
      resolvOn: await readFile(`${params.stateDir}/networks/${on.id}/resolv.conf`, 'utf8'),
      resolvOff: await readFile(`${params.stateDir}/networks/${off.id}/resolv.conf`, 'utf8'),
      rewrites,
      elementsKept: elements?.intra.length === 2 && elements.outbound.join() === on.bridge,
    };
    void a;
    await net.destroyNetwork(paths, on.id);
    await net.destroyNetwork(paths, off.id);
    return result;
  } finally {
    for (const c of children) c.kill('SIGKILL');
    for (const n of [inet, n1, n2]) await cmd.runCommand('ip', ['netns', 'del', n]);
  }
}
