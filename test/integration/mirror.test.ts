// Issue 13 point 3, acceptance 1: nodes pull through the host image mirror, and a second
// node's pull (another student's, on another network) is a cache hit: the upstream serves
// the image's blobs once. Also: offline, an image that is not there fails at once with the
// mirror's plain line (issue 14 point 2). Real registry, real sandboxes, real podman.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootSuite } from '../helpers/root.js';
import { show } from '../helpers/sandbox.js';
import { keepFirewall, mirroredRuntime, testMirror, upstreamRegistry } from '../helpers/mirror.js';
import type { RunningMirror } from '../../server/mirror/index.js';
import type { SandboxInfo, NetworkInfo } from '../../sandbox/index.js';
import { startServer, type RunningServer } from '../../server/main.js';
import { testConfig } from '../helpers/playground.js';

/** Generous for one pull on a loaded 2-core machine. */
const PULL_MS = 120_000;


describe('pulls through the host image mirror', rootSuite(), () => {
  let upstream: Awaited<ReturnType<typeof upstreamRegistry>>;
  let mirror: RunningMirror;
  let rt: ReturnType<typeof mirroredRuntime>;
  let stopFirewall = (): void => undefined;
  const networks: NetworkInfo[] = [];
  const nodes: SandboxInfo[] = [];

  before(async () => {
    upstream = await upstreamRegistry();
    // Proxy mode over an empty cache, with the loopback upstream standing in for Docker Hub.
    mirror = await testMirror({ mirrorMode: 'proxy', mirrorUpstream: upstream.url, stateDir: mkdtempSync(path.join(tmpdir(), 'pier-mirror-')) });
    rt = mirroredRuntime(mirror.port);
    for (const name of ['node1', 'node2']) {
      const net = await rt.driver.createNetwork({ outbound: false });
      networks.push(net);
      nodes.push(await rt.driver.create({ hostname: name, network: net.id }));
    }
    stopFirewall = keepFirewall(rt.config.subnetPool, mirror.port);
  });
  after(async () => {
    stopFirewall();
    for (const n of nodes) await rt.driver.destroy(n.id).catch(() => undefined);
    for (const n of networks) await rt.driver.destroyNetwork(n.id).catch(() => undefined);
    await mirror?.close();
    await upstream?.close();
  });

  test('node1 pulls via the mirror from upstream; node2 (another network) gets it from the cache', async () => {
    const name = `library/pier-mirror-test-${Date.now().toString(36)}`;
    const digest = await upstream.push(name, 'v1');
    const image = `docker.io/${name}:v1`;
    const [node1, node2] = nodes as [SandboxInfo, SandboxInfo];

    // The node's own files say where the mirror is.
    const conf = await rt.driver.run(node1.id, { cmd: ['cat', '/etc/containers/registries.conf.d/50-pier-mirror.conf', '/etc/pier/registry-mirror'], timeoutMs: 10_000 });
    assert.match(conf.stdout, new RegExp(`location = "${networks[0]?.gateway.replace(/\./g, '\\.')}:${mirror.port}"`));
    assert.match(conf.stdout, new RegExp(`^http://${networks[0]?.gateway.replace(/\./g, '\\.')}:${mirror.port}$`, 'm'));
    const first = await rt.driver.run(node1.id, { cmd: ['podman', 'pull', image], timeoutMs: PULL_MS });
    assert.equal(first.exitCode, 0, `node1 pull: ${show(first)}`);
    const afterFirst = upstream.blobGets();
    assert.ok(afterFirst >= 2, `upstream served the layer and config once (blob GETs: ${afterFirst})`);
    const servedFirst = mirror.counters.blobsServed;
    const second = await rt.driver.run(node2.id, { cmd: ['podman', 'pull', image], timeoutMs: PULL_MS });
    assert.equal(second.exitCode, 0, `node2 pull: ${show(second)}`);
    // The cache hit: the mirror served node2 the blobs, the upstream was not asked again.
    assert.equal(upstream.blobGets(), afterFirst, 'no blob fetched from upstream for the second pull');
    assert.ok(mirror.counters.blobsServed >= servedFirst + 2, `mirror served node2's blobs (${servedFirst} → ${mirror.counters.blobsServed})`);

    // Both nodes hold the very image that was pushed.
    for (const n of [node1, node2]) {
      const r = await rt.driver.run(n.id, { cmd: ['podman', 'image', 'inspect', '--format', '{{.Digest}}', image], timeoutMs: 30_000 });
      assert.equal(r.stdout.trim(), digest, `${n.hostname}: ${show(r)}`);
    }
  });
});

describe('offline: the mirror serves the preloaded set and says plainly what is not there', rootSuite(), () => {
  let mirror: RunningMirror;
  let rt: ReturnType<typeof mirroredRuntime>;
  let stopFirewall = (): void => undefined;
  let node: SandboxInfo;

  before(async () => {
    // The host's mirror storage, preloaded by `pier image build`.
    mirror = await testMirror({ mirrorMode: 'offline' });
    rt = mirroredRuntime(mirror.port);
    node = await rt.driver.create({ hostname: 'node1' });
    stopFirewall = keepFirewall(rt.config.subnetPool, mirror.port);
  });
  after(async () => {
    stopFirewall();
    if (node) await rt.driver.destroy(node.id).catch(() => undefined);
    await mirror?.close();
  });

  test('docker pull ubuntu fails at once: not available offline, what is, how to enable internet', async () => {
    const r = await rt.driver.run(node.id, { cmd: ['docker', 'pull', 'ubuntu'], timeoutMs: 30_000 });
    assert.equal(r.timedOut, false, `no resolver wait: ${show(r)}`);
    assert.notEqual(r.exitCode, 0);
    assert.match(r.stderr, /ubuntu:latest is not available offline — this playground has no internet/);
    assert.match(r.stderr, /Available: busybox:latest, nginx:latest/);
    assert.match(r.stderr, /An admin can enable internet/);
    assert.equal(mirror.counters.unavailable, 1);
  });

  test('a preloaded image pulls through the mirror with no internet', async () => {
    const r = await rt.driver.run(node.id, { cmd: ['podman', 'pull', 'docker.io/library/hello-world:latest'], timeoutMs: PULL_MS });
    assert.equal(r.exitCode, 0, show(r));
    assert.ok(mirror.counters.forwarded.manifest >= 1);
  });

  test('docker pull of a preloaded image comes through the mirror with no internet (the Docker Engine)', async () => {
    const before = mirror.counters.forwarded.manifest;
    const r = await rt.driver.run(node.id, { cmd: ['docker', 'pull', 'hello-world'], timeoutMs: PULL_MS });
    assert.equal(r.exitCode, 0, show(r));
    assert.ok(mirror.counters.forwarded.manifest > before, 'the manifest came through the mirror');
    const run = await rt.driver.run(node.id, { cmd: ['docker', 'run', '--rm', 'hello-world'], timeoutMs: PULL_MS });
    assert.equal(run.exitCode, 0, show(run));
    // BuildKit builds FROM a base image pulled through the mirror. (It asks a mirror itself
    // only over HTTPS, so offline the base is pulled first, as lesson 08 does.)
    const build = await rt.driver.run(node.id, { cmd: ['sh', '-c', `docker pull -q busybox && printf 'FROM busybox\\nCMD ["true"]\\n' | docker build -q -t pier-mirror-build -`], timeoutMs: PULL_MS });
    assert.equal(build.exitCode, 0, show(build));
  });

  test('curl and apt-get fail fast offline, and a login shell says why in one line', async () => {
    // An interactive login shell, as a terminal runs it: PROMPT_COMMAND follows each command.
    const script = 'curl -sS http://example.com/\napt-get update -qq\nexit\n';
    const r = await rt.driver.run(node.id, { cmd: ['bash', '-il'], input: script, timeoutMs: 30_000 });
    assert.equal(r.timedOut, false, show(r));
    assert.match(r.stderr, /Could not resolve host: example\.com/);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('pier: offline — this playground has no internet.'));
    assert.equal(lines.length, 2, `one line after curl and one after apt-get: ${show(r)}`);
    assert.match(lines[0] ?? '', /the shipped images \(.*nginx.*\)\. An admin can enable internet\./);
    const state = await rt.driver.run(node.id, { cmd: ['cat', '/etc/pier/network'], timeoutMs: 10_000 });
    assert.equal(state.stdout, 'offline\n');
  });
});

describe('the server runs the mirror: started with it, restarted when it dies, stopped with it', rootSuite(), () => {
  let server: RunningServer | undefined;
  let cleanup = (): void => undefined;
  after(async () => {
    await server?.close();
    cleanup();
  });

  test('a killed registry comes back; close stops it', async () => {
    const c = testConfig({ mirrorMode: 'offline' });
    cleanup = c.cleanup;
    server = await startServer({ config: c.config, next: false, port: 0, hostname: '127.0.0.1' });
    const mirror = server.mirror;
    assert.ok(mirror !== null, 'the mirror started');
    const pid = mirror.registry.pid;
    assert.ok(pid !== null);
    const answer = async () => (await fetch(`${mirror.registry.url}/v2/`)).status;
    assert.equal(await answer(), 200);
    process.kill(pid, 'SIGKILL');
    // Supervision: a new process listens on the same loopback port.
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const now = mirror.registry.pid;
        if (now !== null && now !== pid && mirror.registry.starts >= 2) {
          clearInterval(poll);
          resolve();
        }
      }, 50);
    });
    for (let i = 0; i < 200 && (await answer().catch(() => 0)) !== 200; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await answer(), 200, 'the restarted registry answers');
    const second = mirror.registry.pid;
    await server.close();
    server = undefined;
    assert.equal(mirror.registry.pid, null);
    assert.throws(() => process.kill(second ?? 0, 0), /ESRCH/, 'the registry is gone after close');
  });
});
