// Issue 5, acceptance 1 and 3: `docker` inside a real sandbox, offline, as a student uses it
// in the Docker lessons. One sandbox for the whole file; each test cleans up what it started
// so the next one sees a plain `docker ps -a`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rootSuite } from '../helpers/root.js';
import { driver, runtime, sh, shOk, show } from '../helpers/sandbox.js';
import type { SandboxInfo } from '../../sandbox/index.js';

/** Generous for one docker command on a loaded 2-core machine. */
const CMD_MS = 60_000;

/** Runs a script and asserts it exits 0; returns stdout+stderr (docker prints to both). */
async function ok(id: string, script: string, timeoutMs = CMD_MS): Promise<string> {
  const r = await sh(id, script, { timeoutMs });
  assert.equal(r.exitCode, 0, `\`${script}\` failed: ${show(r)}`);
  return r.stdout + r.stderr;
}

/** Polls a URL from inside the sandbox until its body shows up (a server takes a moment). */
async function curlUntil(id: string, url: string, timeoutMs = 20_000): Promise<string> {
  const r = await sh(id, `for i in $(seq 1 ${Math.ceil(timeoutMs / 250)}); do curl -fsS ${url} && exit 0; sleep 0.25; done; exit 1`, { timeoutMs: timeoutMs + 5000 });
  assert.equal(r.exitCode, 0, `${url} never answered: ${show(r)}`);
  return r.stdout;
}

describe('docker inside a sandbox (offline image set)', rootSuite(), () => {
  let s: SandboxInfo;

  before(async () => {
    await runtime.imageSet.build(); // cached after `pier image build`; builds it otherwise
    s = await driver.create({ hostname: 'node1' });
  });
  after(async () => {
    if (s) await driver.destroy(s.id);
  });

  test('docker --help, version and info answer, without "Emulate Docker CLI"', async () => {
    const out = await ok(s.id, 'docker --help && docker version && docker info');
    assert.match(out, /\brun\b.*Run a command in a new container/);
    assert.match(out, /Version:\s+4\.\d+/);
    assert.match(out, /graphRoot: \/var\/lib\/containers\/storage/);
    assert.doesNotMatch(out, /emulate/i);
  });

  test('docker images lists the offline set, read-only, without any pull', async () => {
    const out = await ok(s.id, 'docker images --format "{{.Repository}}:{{.Tag}} {{.ReadOnly}}"');
    for (const ref of [
      'docker.io/library/hello-world:latest',
      'docker.io/library/busybox:latest',
      'docker.io/library/debian:bookworm-slim',
      'docker.io/library/nginx:latest',
      'docker.io/library/redis:latest',
      'docker.io/library/postgres:latest',
      'docker.io/library/python:3',
      'docker.io/library/registry:latest',
    ]) {
      assert.match(out, new RegExp(`^${ref.replace(/[.:]/g, '\\$&')} true$`, 'm'), `${ref} in:\n${out}`);
    }
  });

  test('docker run hello-world greets and explains what happened', async () => {
    const out = await ok(s.id, 'docker run hello-world');
    assert.match(out, /Hello from pier's Docker!/);
    assert.match(out, /docker client/);
    assert.match(out, /image/);
    assert.match(out, /container/);
    await ok(s.id, 'docker rm -a -f >/dev/null');
  });

  test('nginx: run -d -p 80:80, curl localhost, ps, exec -it, logs, stop, rm -f', async () => {
    await ok(s.id, 'docker run -d -p 80:80 --name hellonginx nginx');
    assert.match(await curlUntil(s.id, 'localhost'), /Welcome to nginx!/);
    assert.match(await ok(s.id, 'docker ps'), /CONTAINER ID[\s\S]*hellonginx/);
    assert.match(await ok(s.id, 'docker ps --format "{{.Names}} {{.Ports}}"'), /^hellonginx 0\.0\.0\.0:80->80\/tcp$/m);
    // -it needs a terminal: script(1) gives it one, as the student's shell does.
    const ls = await ok(s.id, 'script -qec "docker exec -it hellonginx ls /" /dev/null');
    assert.match(ls, /\betc\b/);
    assert.match(ls, /\busr\b/);
    assert.match(await ok(s.id, 'docker logs hellonginx'), /"GET \/ HTTP\/1\.1" 200/);
    await ok(s.id, 'docker stop hellonginx');
    assert.doesNotMatch(await ok(s.id, 'docker ps --format "{{.Names}}"'), /hellonginx/);
    assert.match(await ok(s.id, 'docker ps -a --format "{{.Names}} {{.Status}}"'), /^hellonginx Exited/m);
    await ok(s.id, 'docker rm -f hellonginx');
    assert.doesNotMatch(await ok(s.id, 'docker ps -a --format "{{.Names}}"'), /hellonginx/);
    assert.notEqual((await sh(s.id, 'curl -fsS localhost')).exitCode, 0, 'nothing answers on port 80 any more');
  });

  test('docker build of a two-line Dockerfile; docker history shows its layers', async () => {
    await ok(s.id, 'mkdir -p /root/hi && printf "FROM debian:bookworm-slim\\nRUN echo hi > /hi\\n" > /root/hi/Dockerfile');
    const build = await ok(s.id, 'cd /root/hi && docker build -t hi .', 120_000);
    assert.match(build, /STEP 2\/2: RUN echo hi > \/hi/);
    const history = await ok(s.id, 'docker history hi');
    const rows = history.trim().split('\n').slice(1);
    assert.ok(rows.length >= 2, history);
    assert.match(rows[0] ?? '', /echo hi > \/hi/);
    assert.match(history, /mmdebstrap --variant=minbase bookworm/, 'the base image layer');
    assert.equal((await ok(s.id, 'docker run --rm hi cat /hi')).trim(), 'hi');
  });

  test('docker push to a registry container on this node, rmi, pull back', async () => {
    await ok(s.id, 'docker run -d -p 5000:5000 --name registry registry');
    await curlUntil(s.id, 'localhost:5000/v2/');
    await ok(s.id, 'docker tag hi localhost:5000/hi && docker push localhost:5000/hi', 120_000);
    assert.match(await curlUntil(s.id, 'localhost:5000/v2/_catalog'), /"hi"/);
    await ok(s.id, 'docker rmi localhost:5000/hi hi');
    assert.doesNotMatch(await ok(s.id, 'docker images --format "{{.Repository}}"'), /\/hi$/m);
    await ok(s.id, 'docker pull localhost:5000/hi', 120_000);
    assert.equal((await ok(s.id, 'docker run --rm localhost:5000/hi cat /hi')).trim(), 'hi');
    await ok(s.id, 'docker rm -f registry && docker rmi localhost:5000/hi');
  });

  test('a named volume outlives its container', async () => {
    await ok(s.id, 'docker volume create notes && docker run --name writer -v notes:/data busybox sh -c "echo kept > /data/f" && docker rm writer');
    assert.doesNotMatch(await ok(s.id, 'docker ps -a --format "{{.Names}}"'), /writer/);
    assert.equal((await ok(s.id, 'docker run --rm -v notes:/data busybox cat /data/f')).trim(), 'kept');
    await ok(s.id, 'docker volume rm notes');
  });

  test('docker compose: nginx + redis come up, talk by service name, and go down', async () => {
    const compose = 'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n  cache:\n    image: redis\n';
    await ok(s.id, `mkdir -p /root/app && printf '%s' '${compose}' > /root/app/compose.yaml`);
    const up = await ok(s.id, 'cd /root/app && docker compose up -d', 120_000);
    assert.doesNotMatch(up, /^podman |exit code:|using podman version/m, 'none of podman-compose\'s own noise');
    // podman-compose 1.0.3's ps takes no --format: the table, one row per service.
    const ps = await ok(s.id, 'cd /root/app && docker compose ps');
    assert.match(ps, /^\S+\s+docker\.io\/library\/nginx:latest .* Up .*0\.0\.0\.0:8080->80\/tcp\s+app_web_1$/m);
    assert.match(ps, /^\S+\s+docker\.io\/library\/redis:latest .* Up .*app_cache_1$/m);
    assert.match(await curlUntil(s.id, 'localhost:8080'), /Welcome to nginx!/);
    assert.match(await ok(s.id, 'docker exec app_web_1 getent hosts cache'), /cache/);
    assert.match(await ok(s.id, 'for i in $(seq 1 40); do docker exec app_cache_1 redis-cli ping && exit 0; sleep 0.25; done; exit 1'), /PONG/);
    await ok(s.id, 'cd /root/app && docker-compose down', 120_000);
    assert.doesNotMatch(await ok(s.id, 'docker ps -a --format "{{.Names}}"'), /app_/);
  });

  test('namespace demo: --pid host --network host sees the sandbox; an ordinary container its own', async () => {
    const probe = 'hostname; echo ---; ps -ef; echo ---; ip -o -4 addr show';
    const shared = (await ok(s.id, `docker run --rm --pid host --network host busybox sh -c '${probe}'`)).split('---\n');
    const own = (await ok(s.id, `docker run --rm busybox sh -c '${probe}'`)).split('---\n');
    // hostname: the sandbox's vs the container's id.
    assert.equal(shared[0]?.trim(), 'node1');
    assert.match(own[0]?.trim() ?? '', /^[0-9a-f]{12}$/);
    // ps: the sandbox's init is PID 1 vs the container's own shell.
    assert.match(shared[1] ?? '', /^\s*1 \S+\s+\/usr\/bin\/catatonit -P$/m);
    assert.match(own[1] ?? '', /^\s*1 \S+\s+.*sh -c/m);
    assert.doesNotMatch(own[1] ?? '', /catatonit/);
    // ip addr: the sandbox's eth0 and address vs the container's own on podman's bridge.
    assert.ok((shared[2] ?? '').includes(`inet ${s.address}/`), `${s.address} in ${shared[2]}`);
    assert.ok(!(own[2] ?? '').includes(`inet ${s.address}/`), own[2]);
    assert.match(own[2] ?? '', /eth0\s+inet 10\.88\./);
  });

  test('postgres honours POSTGRES_PASSWORD and POSTGRES_DB and runs as postgres; redis and python run', async () => {
    const refused = await sh(s.id, 'docker run --rm postgres', { timeoutMs: CMD_MS });
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.stderr + refused.stdout, /POSTGRES_PASSWORD/);
    await ok(s.id, 'docker run -d --name db -e POSTGRES_PASSWORD=secret -e POSTGRES_DB=shop postgres');
    const db = await ok(s.id, 'for i in $(seq 1 120); do docker exec db psql -U postgres -d shop -tAc "select current_database(), current_user" 2>/dev/null && exit 0; sleep 0.5; done; docker logs db; exit 1', 90_000);
    assert.match(db, /^shop\|postgres$/m);
    // psql may have reached the entrypoint's temporary init server (unix socket only, as in
    // Docker's image); the real server replaces it a moment later.
    const top = await ok(s.id, 'for i in $(seq 1 60); do t=$(docker top db user comm); echo "$t" | grep -Eq "^postgres +postgres$" && { echo "$t"; exit 0; }; sleep 0.5; done; echo "$t"; exit 1', 60_000);
    assert.match(top, /postgres\s+postgres/);
    await ok(s.id, 'docker rm -f db');
    assert.match(await ok(s.id, 'docker run --rm python:3 python -c "print(6*7)" && docker run --rm python:3 pip --version'), /^42$[\s\S]*pip \d+/m);
    assert.match(await ok(s.id, 'docker run --rm redis redis-server --version'), /Redis server v=7\./);
  });

  test('offline, docker pull of a shipped image says it uses the local copy; an unknown one fails', async () => {
    const pull = await ok(s.id, 'docker pull nginx');
    assert.match(pull, /using the copy of nginx that is already here/);
    const unknown = await sh(s.id, 'docker pull no-such-image-pier', { timeoutMs: CMD_MS });
    assert.notEqual(unknown.exitCode, 0);
  });
});
