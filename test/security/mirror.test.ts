// docs/SECURITY.md attacks 48 and 49 (issue 13 point 3, acceptance 2): through the host
// image mirror's port nothing else of the host is reachable, and no student can push into
// the shared cache to change what another student pulls. Real registry, real sandboxes;
// every refused probe runs next to one that answers, from the same node, in the same script.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { rootSuite } from '../helpers/root.js';
import { show } from '../helpers/sandbox.js';
import { keepFirewall, mirroredRuntime, testMirror } from '../helpers/mirror.js';
import type { RunningMirror } from '../../server/mirror/index.js';
import type { NetworkInfo, SandboxInfo } from '../../sandbox/index.js';

/** curl's bound on one probe (a dropped SYN waits this long). */
const PROBE_MAX_S = 3;

/** One probe's outcome: curl's exit code and the HTTP status it got ('000' for none). */
interface Probe {
  url: string;
  exit: number;
  http: string;
}

/** The host's global IPv4 addresses that are not pier bridges' (the LAN side). */
function hostAddresses(): string[] {
  return execFileSync('ip', ['-4', '-o', 'addr', 'show', 'scope', 'global'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l.trim() !== '' && !/ pierb/.test(l))
    .map((l) => /inet (\d+\.\d+\.\d+\.\d+)\//.exec(l)?.[1] ?? '')
    .filter((a) => a !== '');
}

describe('the host image mirror exposes nothing else and takes no pushes', rootSuite(), () => {
  let mirror: RunningMirror;
  let rt: ReturnType<typeof mirroredRuntime>;
  let stopFirewall = (): void => undefined;
  const networks: NetworkInfo[] = [];
  const nodes: SandboxInfo[] = [];
  let other: http.Server;
  let otherPort = 0;

  before(async () => {
    mirror = await testMirror({ mirrorMode: 'offline' });
    rt = mirroredRuntime(mirror.port);
    // student1's network has internet, so its node has a default route via the gateway and
    // every probe below really reaches the host's input hook (an offline node has no route to
    // other addresses at all, which would prove less).
    for (const [name, outbound] of [['student1', true], ['student2', false]] as const) {
      const n = await rt.driver.createNetwork({ outbound });
      networks.push(n);
      nodes.push(await rt.driver.create({ hostname: name, network: n.id }));
    }
    stopFirewall = keepFirewall(rt.config.subnetPool, mirror.port);
    // Another service of the host, on every address: what a node must not reach.
    other = http.createServer((_req, res) => res.end('host service\n'));
    await new Promise<void>((resolve) => other.listen(0, '0.0.0.0', resolve));
    otherPort = (other.address() as AddressInfo).port;
  });
  after(async () => {
    stopFirewall();
    for (const n of nodes) await rt.driver.destroy(n.id).catch(() => undefined);
    for (const n of networks) await rt.driver.destroyNetwork(n.id).catch(() => undefined);
    await mirror?.close();
    await new Promise<void>((resolve) => (other ? other.close(() => resolve()) : resolve()));
  });

  /** Runs every probe from one node in one script; returns them in order. */
  async function probe(node: SandboxInfo, urls: string[]): Promise<Probe[]> {
    const script = urls.map((u) => `printf '%s ' ${JSON.stringify(u)}; curl -s -o /dev/null --max-time ${PROBE_MAX_S} -w '%{http_code}' ${JSON.stringify(u)}; echo " $?"`).join('\n');
    const r = await rt.driver.run(node.id, { cmd: ['/bin/sh', '-c', script], timeoutMs: (urls.length * PROBE_MAX_S + 20) * 1000 });
    assert.equal(r.exitCode, 0, show(r));
    return r.stdout.trim().split('\n').map((line) => {
      const [url = '', http = '', exit = ''] = line.split(' ');
      return { url, http, exit: Number(exit) };
    });
  }

  test('attack 48: only the mirror port of the node\'s own gateway answers', async () => {
    const [a, b] = networks as [NetworkInfo, NetworkInfo];
    const registryPort = Number(new URL(mirror.registry.url).port);
    // The host service answers where it is allowed to (the probe target is real).
    const fromHost = await fetch(`http://127.0.0.1:${otherPort}/`);
    assert.equal(await fromHost.text(), 'host service\n');
    const lan = hostAddresses();
    const urls = [
      `http://${a.gateway}:${mirror.port}/v2/`, // the mirror: must answer
      `http://${a.gateway}:${otherPort}/`, // another host port on the same gateway
      `http://${a.gateway}:${registryPort}/v2/`, // the registry behind the mirror
      `http://${a.gateway}:${rt.config.port}/`, // the pier server's port
      `http://${b.gateway}:${mirror.port}/v2/`, // the mirror on another session's gateway
      `http://${b.gateway}:${otherPort}/`,
      ...lan.flatMap((ip) => [`http://${ip}:${mirror.port}/v2/`, `http://${ip}:${otherPort}/`]), // the host's LAN addresses
    ];
    const node = nodes[0] as SandboxInfo;
    const [mirrorProbe] = (await probe(node, urls.slice(0, 1))) as [Probe];
    const refused = await probe(node, urls.slice(1));
    assert.equal(refused.length, urls.length - 1);
    const results = [mirrorProbe, ...refused];
    assert.deepEqual(mirrorProbe, { url: urls[0], http: '200', exit: 0 }, 'the mirror answers from the node: the probes ran');
    for (const p of refused) {
      // 28: the SYN was dropped by the firewall (timeout): no HTTP answer, nothing refused by
      // a missing route either (the node has one).
      assert.ok(p.http === '000' && p.exit === 28, `reachable from a node: ${JSON.stringify(p)}`);
    }
    console.log(`# probes from ${nodes[0]?.hostname}: ${results.map((p) => `${p.url} → ${p.http}/${p.exit}`).join(', ')}`);
  });

  test('attack 48: the mirror port serves no client outside the node pool (here: the host\'s loopback)', async () => {
    const closed = await new Promise<string>((resolve) => {
      const s = net.connect(mirror.port, '127.0.0.1', () => s.write('GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n'));
      let got = '';
      s.on('data', (d) => (got += d.toString()));
      s.on('close', () => resolve(got));
      s.on('error', () => resolve(got));
    });
    assert.equal(closed, '', 'the connection closes with no answer');
    assert.ok(mirror.counters.refused >= 1);
  });

  test('attack 49: pushes through the mirror fail, and the other student still pulls the original', async () => {
    const [student1, student2] = nodes as [SandboxInfo, SandboxInfo];
    const gw = networks[0]?.gateway ?? '';
    const manifestUrl = `${mirror.registry.url}/v2/library/hello-world/manifests/latest`;
    const accept = { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' };
    const before = (await fetch(manifestUrl, { method: 'HEAD', headers: accept })).headers.get('docker-content-digest');
    assert.match(before ?? '', /^sha256:[0-9a-f]{64}$/, 'hello-world is preloaded');

    // By hand (the registry API) and with podman, as a student would try.
    const base = `http://${gw}:${mirror.port}`;
    const script = [
      `curl -s -o /dev/null -w '%{http_code}\\n' -X POST ${base}/v2/library/hello-world/blobs/uploads/`,
      `curl -s -o /dev/null -w '%{http_code}\\n' -X PUT -H 'content-type: application/vnd.docker.distribution.manifest.v2+json' --data '{}' ${base}/v2/library/hello-world/manifests/latest`,
      `curl -s -o /dev/null -w '%{http_code}\\n' -X DELETE ${base}/v2/library/hello-world/manifests/${before}`,
      `curl -s -o /dev/null -w '%{http_code}\\n' ${base}/v2/library/hello-world/blobs/uploads/x`,
      // A student's own image pushed over the offline hello-world through the mirror.
      'podman tag docker.io/library/busybox:latest docker.io/library/hello-world:latest',
      `podman push --tls-verify=false docker.io/library/hello-world:latest ${gw}:${mirror.port}/library/hello-world:latest; echo "push exit $?"`,
    ].join('\n');
    const r = await rt.driver.run(student1.id, { cmd: ['/bin/sh', '-c', script], timeoutMs: 120_000 });
    const codes = r.stdout.split('\n').slice(0, 4);
    assert.deepEqual(codes, ['405', '405', '405', '404'], show(r));
    assert.match(r.stdout, /push exit [1-9]/, show(r));
    assert.match(r.stderr, /only serves pulls/, show(r));

    // Nothing changed in the shared cache, and the other student pulls the original.
    const afterDigest = (await fetch(manifestUrl, { method: 'HEAD', headers: accept })).headers.get('docker-content-digest');
    assert.equal(afterDigest, before);
    const pull = await rt.driver.run(student2.id, { cmd: ['/bin/sh', '-c', 'podman pull -q docker.io/library/hello-world:latest >/dev/null && podman image inspect --format "{{.Digest}}" docker.io/library/hello-world:latest'], timeoutMs: 120_000 });
    assert.equal(pull.exitCode, 0, show(pull));
    assert.equal(pull.stdout.trim(), before);
  });
});
