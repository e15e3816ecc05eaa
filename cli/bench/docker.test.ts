import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { interleavedLoop, parseInterleaved, renderDockerBench, type DockerBench } from './docker.js';
import { summarize } from './stats.js';

test('interleavedLoop times each body in turn, cleanups untimed; parseInterleaved reads them as ms', () => {
  const script = interleavedLoop(3, [{ body: 'sleep 0.05', cleanup: 'sleep 0.2' }, { body: 'sleep 0.1' }]);
  const t0 = Date.now();
  const out = execFileSync('sh', ['-c', script], { encoding: 'utf8' });
  const wall = Date.now() - t0;
  assert.deepEqual(out.trim().split('\n').map((l) => l.split(' ')[0]), ['0', '1', '0', '1', '0', '1'], 'interleaved');
  const [a, b] = parseInterleaved(out, 3, 2);
  for (const t of a!) assert.ok(t >= 45 && t < 245, `${t} ms: the sleep, not the cleanup (0.2 s)`);
  for (const t of b!) assert.ok(t >= 95, `${t} ms`);
  assert.ok(wall >= 600 + 450, 'the cleanups ran too');
  assert.throws(() => parseInterleaved('0 12\n1 13\n', 2, 2), /body 0: expected 2 timings, got 1/);
});

test('renderDockerBench prints both engines with p50/p95, the ratio and the idle memory', () => {
  const s = (ms: number) => summarize([ms, ms, ms]);
  const mem = (mib: number, processes: string[]) => ({ cgroupBytes: mib * 1024 ** 2, pssBytes: mib * 1024 ** 2, rssBytes: mib * 1024 ** 2, processes });
  const r: DockerBench = {
    runs: 3,
    docker: { runTrue: s(400), nginxAnswer: s(900) },
    podman: { runTrue: s(500), nginxAnswer: s(1200) },
    ratioRunTrue: 1.25,
    ratioNginx: 1.33,
    idle: { neverStarted: mem(1, ['init']), started: mem(130, ['init', 'dockerd', 'containerd']) },
    imageSet: 'abc',
    load: '1.00, 2.00, 3.00',
  };
  const text = renderDockerBench(r);
  assert.match(text, /run --rm busybox true\s+docker\s+400 ms \/\s+400 ms\s+podman\s+500 ms \/\s+500 ms\s+podman\/docker p50 1\.25×/);
  assert.match(text, /load 1\.00, 2\.00, 3\.00/);
  assert.match(text, /dockerd never started\s+cgroup\s+1\.0 MiB.*\(init\)/);
  assert.match(text, /dockerd \+ containerd started, idle\s+cgroup\s+130\.0 MiB.*\(init, dockerd, containerd\)/);
});
