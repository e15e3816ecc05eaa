// Issue 13, acceptance 1: the real Docker Engine inside a real sandbox, as a student uses it
// in the Docker lessons (every docker command the course runs: grep lessons/ for `docker `).
// One sandbox for the whole file; each test removes what it started, so the next one sees
// an empty `docker ps -a`. Images come from pier's offline set (helpers/docker.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, sh, show } from '../helpers/sandbox.js';
import { CMD_MS, curlUntil, loadOffline, ok, out, rootlessDaemon } from '../helpers/docker.js';
import type { SandboxInfo } from '../../sandbox/index.js';

/** Processes of the sandbox by command name. */
async function comms(id: string): Promise<string[]> {
  return (await out(id, 'ps -eo comm=')).split('\n').map((l) => l.trim()).filter(Boolean);
}

describe('the Docker Engine inside a sandbox', rootSuite(), () => {
  let s: SandboxInfo;

  before(async () => {
    await runtime.imageSet.build(); // cached after `pier image build`
    s = await driver.create({ hostname: 'node1' });
  });
  after(async () => {
    if (s) await driver.destroy(s.id);
  });

  test('nothing runs until first use; the first command says Docker starts, docker version shows Docker Engine', async () => {
    const before = await comms(s.id);
    assert.ok(!before.includes('dockerd') && !before.includes('containerd'), `idle sandbox runs no daemon: ${before.join(' ')}`);
    assert.equal((await out(s.id, 'stat -c %F /var/run/docker.sock')).trim(), 'socket', 'the socket is there, held by init');
    const first = await sh(s.id, 'docker version', { timeoutMs: CMD_MS });
    assert.equal(first.exitCode, 0, show(first));
    assert.match(first.stderr, /starting Docker…/);
    assert.match(first.stdout, /Server:[\s\S]*Engine:\s*\n\s*Version:\s+26\./);
    assert.match(first.stdout, /containerd:\s*\n\s*Version:\s+1\.7/);
    assert.match(first.stdout, /runc:\s*\n\s*Version:\s+1\.1/);
    assert.doesNotMatch(first.stdout, /podman/i);
    const again = await sh(s.id, 'docker info --format "{{.ServerVersion}} {{.Driver}} {{.DockerRootDir}}"');
    assert.equal(again.stdout.trim().replace(/\+.*? /, ' '), '26.1.5 overlay2 /var/lib/docker');
    assert.doesNotMatch(again.stderr, /starting Docker/, 'the note only while the daemon starts');
    assert.match(await out(s.id, 'docker version --format "{{.Server.Version}}"'), /^26\./);
    assert.match(await out(s.id, 'docker --help'), /\brun\b\s+Create and run a new container/);
    const running = await comms(s.id);
    for (const p of ['dockerd', 'containerd']) assert.ok(running.includes(p), `${p} runs: ${running.join(' ')}`);
  });

  test('the Engine API over the socket with curl wakes a stopped daemon again', async () => {
    await ok(s.id, 'kill $(cat /run/docker.pid); for i in $(seq 1 200); do pgrep -x dockerd >/dev/null || exit 0; sleep 0.1; done; exit 1', 60_000);
    const version = await out(s.id, 'curl -fsS --unix-socket /var/run/docker.sock http://docker/version', 60_000);
    assert.match(version, /"Version":"26\./);
    assert.match(await out(s.id, 'curl -fsS --unix-socket /var/run/docker.sock http://docker/_ping'), /^OK$/);
    assert.ok((await comms(s.id)).includes('dockerd'));
  });

  test('kill -9 -1 inside spares the init: docker starts again afterwards', async () => {
    await sh(s.id, 'kill -9 -1', { timeoutMs: 30_000 });
    assert.equal((await out(s.id, 'cat /proc/1/cmdline | tr "\\0" " "')).trim(), '/.pier/init');
    assert.match(await out(s.id, 'docker version --format "{{.Server.Version}}"'), /^26\./);
  });

  test('offline images load into dockerd; run --rm, container run, --hostname', async () => {
    await loadOffline(s.id, ['busybox:latest', 'nginx:latest', 'redis:latest', 'registry:latest', 'debian:bookworm-slim']);
    const images = await out(s.id, 'docker images --format "{{.Repository}}:{{.Tag}}"');
    for (const ref of ['busybox:latest', 'nginx:latest', 'redis:latest', 'registry:latest', 'debian:bookworm-slim']) {
      assert.match(images, new RegExp(`^${ref.replace(/[.:]/g, '\\$&')}$`, 'm'));
    }
    assert.equal((await out(s.id, 'docker run --rm busybox echo hi')).trim(), 'hi');
    assert.equal((await out(s.id, 'docker container run --rm --hostname box busybox hostname')).trim(), 'box');
    assert.equal((await out(s.id, 'docker ps -aq')).trim(), '', '--rm left nothing');
  });

  test('nginx: run -d -p, curl, ps, ps --filter, port, logs, exec, exec -it, inspect, stop, start, rm -f', async () => {
    await ok(s.id, 'docker run -d -p 8080:80 --name hellonginx nginx');
    assert.match(await curlUntil(s.id, 'localhost:8080'), /Welcome to nginx!/);
    assert.match(await out(s.id, 'docker ps --format "{{.Names}} {{.Ports}}"'), /^hellonginx 0\.0\.0\.0:8080->80\/tcp/m);
    assert.match(await out(s.id, 'docker ps --filter name=hellonginx --format "{{.Names}}"'), /^hellonginx$/m);
    assert.match(await out(s.id, 'docker container ls --format "{{.Image}}"'), /^nginx$/m);
    assert.match(await out(s.id, 'docker port hellonginx'), /^80\/tcp -> 0\.0\.0\.0:8080$/m);
    assert.match(await ok(s.id, 'docker logs hellonginx'), /"GET \/ HTTP\/1\.1" 200/);
    assert.match(await out(s.id, 'docker exec hellonginx ls /usr/share/nginx/html /etc/nginx'), /nginx\.conf/);
    // -it needs a terminal: script(1) gives it one, as the student's shell does.
    assert.match(await out(s.id, 'script -qec "docker exec -it hellonginx ls /" /dev/null'), /\betc\b/);
    assert.equal((await out(s.id, 'docker inspect --format "{{.State.Status}} {{.Config.Image}}" hellonginx')).trim(), 'running nginx');
    await ok(s.id, 'docker stop hellonginx');
    assert.match(await out(s.id, 'docker ps -a --format "{{.Names}} {{.Status}}"'), /^hellonginx Exited/m);
    await ok(s.id, 'docker start hellonginx');
    assert.match(await curlUntil(s.id, 'localhost:8080'), /Welcome to nginx!/);
    // Like the official image: the site is /usr/share/nginx/html, and curl is inside.
    await ok(s.id, `docker exec hellonginx sh -c 'echo "hello from my container" > /usr/share/nginx/html/index.html'`);
    assert.match(await curlUntil(s.id, 'localhost:8080'), /hello from my container/);
    assert.match(await out(s.id, 'docker exec hellonginx curl -s localhost'), /hello from my container/);
    await ok(s.id, 'docker rm -f hellonginx');
    assert.equal((await out(s.id, 'docker ps -aq')).trim(), '');
    assert.notEqual((await sh(s.id, 'curl -fsS localhost:8080')).exitCode, 0, 'nothing answers on 8080 any more');
  });

  test('BuildKit build, image history/inspect, tag, buildx build --load, classic builder', async () => {
    await ok(s.id, 'mkdir -p /root/myapp && printf "FROM busybox\\nRUN echo hi > /hi\\nCMD [\\"cat\\", \\"/hi\\"]\\n" > /root/myapp/Dockerfile');
    const build = await ok(s.id, 'cd /root/myapp && docker build --progress=plain -t myapp .', 180_000);
    assert.match(build, /#\d+ \[internal\] load build definition from Dockerfile/, 'BuildKit output');
    assert.match(build, /\[2\/2\] RUN echo hi > \/hi/);
    assert.equal((await out(s.id, 'docker run --rm myapp')).trim(), 'hi');
    assert.match(await out(s.id, 'docker images myapp --format "{{.Repository}}:{{.Tag}}"'), /^myapp:latest$/m);
    assert.match(await out(s.id, 'docker image history myapp'), /RUN \/bin\/sh -c echo hi > \/hi/);
    assert.match(await out(s.id, 'docker image inspect --format "{{json .Config.Cmd}}" myapp'), /\["cat","\/hi"\]/);
    await ok(s.id, 'docker tag myapp myapp:v1');
    assert.match(await out(s.id, 'docker images myapp --format "{{.Tag}}"'), /^v1$/m);
    assert.match(await out(s.id, 'docker buildx ls'), /default\*?\s+docker/);
    await ok(s.id, 'cd /root/myapp && docker buildx build --load -t myapp:bx .', 180_000);
    assert.equal((await out(s.id, 'docker run --rm myapp:bx')).trim(), 'hi');
    const classic = await ok(s.id, 'cd /root/myapp && DOCKER_BUILDKIT=0 docker build -t myapp:classic .', 180_000);
    assert.match(classic, /Successfully tagged myapp:classic/);
    await ok(s.id, 'docker rmi myapp:v1 myapp:bx myapp:classic myapp');
  });

  test('save, load, import; push to a registry container, rmi, pull back', async () => {
    await ok(s.id, 'docker save busybox -o /root/bb.tar && docker rmi busybox && docker load -i /root/bb.tar');
    assert.match(await out(s.id, 'docker images busybox --format "{{.Repository}}"'), /^busybox$/m);
    await ok(s.id, 'docker create --name exp busybox && docker export exp | docker import - imported:1 && docker rm exp');
    assert.match(await out(s.id, 'docker run --rm imported:1 /bin/echo imported'), /^imported$/m);
    await ok(s.id, 'docker run -d -p 5000:5000 --name registry registry');
    await curlUntil(s.id, 'localhost:5000/v2/');
    await ok(s.id, 'docker tag busybox localhost:5000/bb && docker push localhost:5000/bb', 120_000);
    assert.match(await curlUntil(s.id, 'localhost:5000/v2/_catalog'), /"bb"/);
    await ok(s.id, 'docker rmi localhost:5000/bb');
    await ok(s.id, 'docker pull localhost:5000/bb', 120_000);
    assert.equal((await out(s.id, 'docker run --rm localhost:5000/bb echo pulled')).trim(), 'pulled');
    await ok(s.id, 'docker rm -fv registry && docker rmi localhost:5000/bb imported:1 && rm /root/bb.tar');
  });

  test('volumes: create, inspect, ls; a named volume outlives its container; rm', async () => {
    await ok(s.id, 'docker volume create notes');
    assert.equal((await out(s.id, 'docker volume inspect --format "{{.Mountpoint}}" notes')).trim(), '/var/lib/docker/volumes/notes/_data');
    assert.match(await out(s.id, 'docker volume ls --format "{{.Name}}"'), /^notes$/m);
    await ok(s.id, 'docker run --name writer -v notes:/data busybox sh -c "echo kept > /data/f" && docker rm writer');
    assert.equal((await out(s.id, 'docker run --rm -v notes:/data busybox cat /data/f')).trim(), 'kept');
    await ok(s.id, 'docker volume rm notes');
    assert.doesNotMatch(await out(s.id, 'docker volume ls --format "{{.Name}}"'), /^notes$/m);
  });

  test('a user network: containers reach each other by name; network inspect', async () => {
    await ok(s.id, 'docker network create appnet && docker run -d --name cache --network appnet redis');
    assert.match(await out(s.id, 'docker network inspect --format "{{.Driver}}" appnet'), /^bridge$/m);
    const ping = await out(s.id, 'for i in $(seq 1 60); do docker run --rm --network appnet redis redis-cli -h cache ping 2>/dev/null && exit 0; sleep 0.5; done; exit 1', 60_000);
    assert.match(ping, /PONG/);
    assert.match(await out(s.id, "docker inspect --format '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}{{end}}' cache"), /^appnet$/m);
    await ok(s.id, 'docker rm -fv cache && docker network rm appnet');
  });

  test('compose v2: up, ps, exec by service name, logs, down -v leaving nothing', async () => {
    const compose = 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n  cache:\n    image: redis\n';
    await ok(s.id, `mkdir -p /root/app && printf '%s' '${compose}' > /root/app/compose.yaml`);
    assert.match(await out(s.id, 'docker compose version'), /Docker Compose version (v)?2\./);
    const volumesBefore = (await out(s.id, 'docker volume ls -q')).trim();
    const up = await ok(s.id, 'cd /root/app && docker compose up -d', 120_000);
    assert.match(up, /Container app-web-1\s+Started/);
    const ps = await out(s.id, 'cd /root/app && docker compose ps --format "{{.Name}} {{.Service}} {{.State}}"');
    assert.match(ps, /^app-web-1 web running$/m);
    assert.match(ps, /^app-cache-1 cache running$/m);
    assert.match(await curlUntil(s.id, 'localhost:8080'), /Welcome to nginx!/);
    assert.match(await out(s.id, 'cd /root/app && docker compose exec -T web getent hosts cache'), /\bcache\b/);
    assert.match(await ok(s.id, 'cd /root/app && for i in $(seq 1 40); do docker compose logs cache | grep -q "Ready to accept" && { docker compose logs cache; exit 0; }; sleep 0.25; done; exit 1'), /cache-1\s+\|/);
    const down = await ok(s.id, 'cd /root/app && docker compose down -v', 120_000);
    assert.match(down, /Network app_default\s+Removed/);
    assert.equal((await out(s.id, 'docker ps -aq')).trim(), '', 'no container left');
    assert.deepEqual((await out(s.id, 'docker network ls --format "{{.Name}}"')).trim().split('\n').sort(), ['bridge', 'host', 'none'], 'no network left');
    assert.equal((await out(s.id, 'docker volume ls -q')).trim(), volumesBefore, 'no volume left (redis\'s anonymous /data went with -v)');
    // The standalone name runs the same plugin.
    assert.match(await out(s.id, 'docker-compose version'), /Docker Compose version (v)?2\./);
  });

  test('limits: enforced where cgroups are delegated, otherwise docker says they are not', async () => {
    const run = await sh(s.id, 'docker run --rm --memory 64m --cpus 0.5 --pids-limit 50 busybox sh -c "cat /sys/fs/cgroup/memory.max 2>/dev/null; true"', { timeoutMs: CMD_MS });
    assert.equal(run.exitCode, 0, show(run));
    if (await rootlessDaemon(s.id)) {
      assert.match(run.stderr, /per-container limits \(--memory, --cpus, --pids-limit\) are accepted but not enforced/);
      assert.match(run.stderr, /위임된 cgroup 없음/);
    } else {
      assert.equal(run.stdout.trim(), String(64 * 1024 ** 2), 'memory.max of the container');
      assert.doesNotMatch(run.stderr, /not enforced/);
    }
    assert.doesNotMatch((await sh(s.id, 'docker run --rm busybox sh -c true')).stderr, /not enforced/, 'no note without limit flags');
  });

  test('docker top and docker stats show a running container', async () => {
    await ok(s.id, 'docker run -d --name hellonginx nginx');
    const top = await out(s.id, 'for i in $(seq 1 40); do t=$(docker top hellonginx); echo "$t" | grep -q "nginx: worker" && { echo "$t"; exit 0; }; sleep 0.25; done; echo "$t"; exit 1');
    assert.match(top, /^UID\s+PID\s+PPID/m);
    assert.match(top, /nginx: master process/);
    assert.match(await out(s.id, 'docker top hellonginx -o pid,comm'), /^\s*\d+ nginx$/m);
    assert.match(await out(s.id, 'docker stats --no-stream --format "{{.Name}} {{.MemUsage}}"'), /^hellonginx \d/m);
    await ok(s.id, 'docker rm -f hellonginx');
  });
});
