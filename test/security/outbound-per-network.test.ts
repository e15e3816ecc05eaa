// Outbound internet is a property of each session network, kept as elements of nftables sets
// keyed by bridge (issue 11, point 9): one network NATed to the "internet", another dropped,
// and a `pier sandbox run` (its own process, with outbound off) in between changes neither.
// Every packet stays on this machine: the whole scenario runs in a network namespace of its
// own (own links, nft table, sysctls), whose "internet" is one more namespace at
// 198.51.100.1 (TEST-NET-2, not in the firewall's private list), reached over a veth.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { inPrivateHost } from '../helpers/private-host.js';
import { PIER_BIN } from '../helpers/sandbox.js';
import type * as netModule from '../../sandbox/net/index.js';
import type { runChecked, runCommand } from '../../sandbox/host/command.js';

/** How long the whole scenario may take (one real sandbox start inside). */
const SCENARIO_TIMEOUT_MS = 180_000;

interface Params {
  stateDir: string;
  pool: string;
  nsPrefix: string;
  pierBin: string;
  /** The private host's own namespace name (for the CLI to join). */
  hostNs: string;
  /** A process in the host's mount namespace (this test), whose mounts the CLI needs. */
  hostPid: number;
}

/**
 * The scenario, run as source text in a child inside the private host (see inPrivateHost):
 * everything it uses comes in as an argument or a dynamic import.
 */
async function perNetworkScenario(net: typeof netModule, cmd: { runChecked: typeof runChecked; runCommand: typeof runCommand }, params: Params) {
  const { spawn } = await import('node:child_process');
  const { writeFile } = await import('node:fs/promises');
  const sh = (args: string[], input?: string) => cmd.runChecked('ip', args, input === undefined ? {} : { input });
  const [inet, n1, n2] = ['inet', 'n1', 'n2'].map((n) => `${params.nsPrefix}${n}`) as [string, string, string];
  const paths = { stateDir: params.stateDir, runcRoot: `${params.stateDir}/runc` };
  const children: ReturnType<typeof spawn>[] = [];
  const sources: string[] = [];
  try {
    for (const n of [inet, n1, n2]) await sh(['netns', 'add', n]);
    // Uplink: this private host is 198.51.100.2, the "internet" 198.51.100.1.
    await sh(['link', 'add', 'up0', 'type', 'veth', 'peer', 'name', 'i0', 'netns', `/run/netns/${inet}`]);
    await sh(['-batch', '-'], 'address add 198.51.100.2/24 dev up0\nlink set up0 up\nroute add default via 198.51.100.1\n');
    await sh(['-n', inet, '-batch', '-'], 'address add 198.51.100.1/24 dev i0\nlink set i0 up\nlink set lo up\n');
    const src = "require('net').createServer((s) => { s.on('error', () => {}); console.log(s.remoteAddress); s.end(); }).listen(7777, '0.0.0.0', () => console.log('ready'))";
    const server = spawn('ip', ['netns', 'exec', inet, process.execPath, '-e', src], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(server);
    await new Promise<void>((resolve) => {
      server.stdout?.on('data', (d: Buffer) => {
        for (const line of d.toString().split('\n').filter(Boolean)) {
          if (line === 'ready') resolve();
          else sources.push(line.replace(/^::ffff:/, ''));
        }
      });
    });

    // The server: its firewall, a class with internet and one without.
    const ensured = await net.ensureFirewall({ pool: params.pool, nameservers: [] });
    const on = await net.createNetwork(paths, { outbound: true, pool: params.pool, prefix: 28 });
    const off = await net.createNetwork(paths, { outbound: false, pool: params.pool, prefix: 28 });
    await net.attachNode(paths, { network: on, sandboxId: '00000000a1', hostname: 'node1', netnsPath: `/run/netns/${n1}` });
    await net.attachNode(paths, { network: off, sandboxId: '00000000b1', hostname: 'node1', netnsPath: `/run/netns/${n2}` });
    // The class without internet adds a route and its bridge forwards (ip_forward is on for
    // the other class): only the @outbound set keeps it in.
    await sh(['-n', n2, 'route', 'add', 'default', 'via', off.gateway]);
    await writeFile(`/proc/sys/net/ipv4/conf/${off.bridge}/forwarding`, '1');

    const probe = async (from: string) =>
      (await cmd.runCommand('ip', ['netns', 'exec', from, 'timeout', '1', 'bash', '-c', 'echo > "/dev/tcp/198.51.100.1/7777"'])).code === 0;
    // The rules without set elements (the CLI adds its own pool and the host's nameservers).
    const table = async () => (await cmd.runChecked('nft', ['list', 'table', 'inet', 'pier'])).replace(/\s*elements = \{[^}]*\}/g, '');
    const before = { on: await probe(n1), off: await probe(n2), elements: await net.readFirewallElements(), rules: await table() };
    const sourcesBefore = [...sources];

    // A CLI command in between, in its own process, with outbound off (the default): it
    // starts a sandbox with an implicit network of its own and removes it again.
    // nsenter, not `ip netns exec`: the latter mounts a fresh /sys, hiding the cgroup mounts runc needs.
    const run = await cmd.runCommand('nsenter', [`--mount=/proc/${params.hostPid}/ns/mnt`, `--net=/run/netns/${params.hostNs}`, '--', params.pierBin, 'sandbox', 'run', '--json', '--', 'sh', '-c', 'echo cli-ran'], {
      env: { PIER_OUTBOUND: '0' },
      timeoutMs: 120_000,
    });
    const during = sources.length;
    const after = { on: await probe(n1), off: await probe(n2), elements: await net.readFirewallElements(), rules: await table() };

    const result = {
      ensured,
      on: on.bridge,
      off: off.bridge,
      before,
      after,
      cli: { code: run.code, ran: run.stdout.includes('cli-ran'), stderr: run.stderr.slice(0, 2000) },
      sourcesBefore,
      sourcesAfter: sources.slice(during),
    };
    await net.destroyNetwork(paths, on.id);
    await net.destroyNetwork(paths, off.id);
    return result;
  } finally {
    for (const c of children) c.kill('SIGKILL');
    for (const n of [inet, n1, n2]) await cmd.runCommand('ip', ['netns', 'del', n]);
  }
}

describe('outbound internet per session network (issue 11, point 9)', rootSuite(), () => {
  test('one network NATed, the other dropped; a pier sandbox run in between changes neither', { timeout: SCENARIO_TIMEOUT_MS + 10_000 }, async () => {
    const tag = randomBytes(2).toString('hex');
    const stateDir = await mkdtemp(path.join(tmpdir(), 'pier-outbound-'));
    try {
      const hostNs = `piertest-${tag}-ph`;
      const r = await inPrivateHost(
        hostNs,
        perNetworkScenario,
        { stateDir, pool: `10.253.${randomBytes(1)[0] ?? 0}.0/25`, nsPrefix: `piertest-${tag}-`, pierBin: PIER_BIN, hostNs, hostPid: process.pid },
        { timeoutMs: SCENARIO_TIMEOUT_MS },
      );
      // The sets say it, per bridge.
      assert.ok(r.before.elements?.outbound.includes(r.on), `${r.on} is not in @outbound`);
      assert.ok(!r.before.elements?.outbound.includes(r.off), `${r.off} is in @outbound`);
      assert.ok(r.before.elements?.intra.includes(r.on) && r.before.elements.intra.includes(r.off), 'both networks are in @intra');
      // And the traffic: the allowed class reaches the "internet" with the host's address
      // (NAT), the other one's connection never arrives.
      assert.equal(r.before.on, true, 'the outbound network cannot reach 198.51.100.1');
      assert.equal(r.before.off, false, 'the network without outbound reached 198.51.100.1');
      assert.deepEqual(r.sourcesBefore, ['198.51.100.2'], 'the internet sees exactly one connection, from the host (masquerade)');
      // The CLI really ran a sandbox in this private host…
      assert.equal(r.cli.code, 0, `pier sandbox run failed: ${r.cli.stderr}`);
      assert.ok(r.cli.ran, 'the CLI sandbox did not run its command');
      // …and left the server's networks as they were: same rules, same sets, same traffic.
      assert.equal(r.after.rules, r.before.rules, 'the CLI rewrote the rules');
      assert.deepEqual(r.after.elements?.outbound, r.before.elements?.outbound, '@outbound changed');
      assert.deepEqual([...(r.after.elements?.intra ?? [])].sort(), [...(r.before.elements?.intra ?? [])].sort(), '@intra changed');
      assert.equal(r.after.on, true, 'after the CLI, the outbound network lost its internet');
      assert.equal(r.after.off, false, 'after the CLI, the network without outbound got internet');
      assert.deepEqual(r.sourcesAfter, ['198.51.100.2']);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
