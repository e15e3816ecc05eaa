import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONTAINERS_FILES, NESTED_IMAGE_STORE } from '../containers-config.js';
import { buildahConfigArgs, debootstrapArgs, importChanges, importScript, shellQuote } from './build.js';
import { IMAGE_SET, imageSetHash } from './recipes.js';

test('the set holds the images the Docker lessons use, under Docker Hub names', () => {
  const tags = IMAGE_SET.images.flatMap((i) => i.tags);
  for (const t of ['hello-world:latest', 'busybox:latest', 'debian:bookworm-slim', 'nginx:latest', 'redis:latest', 'postgres:latest', 'python:3', 'registry:latest']) {
    assert.ok(tags.includes(`docker.io/library/${t}`), t);
  }
  assert.equal(new Set(tags).size, tags.length, 'no tag twice');
  for (const image of IMAGE_SET.images) {
    if (image.kind === 'derived') assert.ok(IMAGE_SET.images.some((p) => p.name === image.from && p.kind !== 'derived'), `${image.name} has a root parent`);
  }
  const nginx = IMAGE_SET.images.find((i) => i.name === 'nginx');
  assert.deepEqual(nginx?.config.expose, [80]);
  assert.ok(nginx?.hooks?.some((h) => h.includes('/dev/stdout')), 'nginx logs to the container output');
  assert.deepEqual(IMAGE_SET.images.find((i) => i.name === 'registry')?.config.expose, [5000]);
});

test('the set id is stable and changes with the content', () => {
  const id = imageSetHash(IMAGE_SET);
  assert.match(id, /^[0-9a-f]{12}$/);
  assert.equal(imageSetHash(structuredClone(IMAGE_SET)), id);
  assert.notEqual(imageSetHash({ ...IMAGE_SET, excludes: [] }), id);
  assert.notEqual(imageSetHash({ ...IMAGE_SET, images: IMAGE_SET.images.slice(1) }), id);
});

test('mmdebstrap args: minbase, the set excludes, packages and hooks, then suite, target, mirrors', () => {
  const nginx = IMAGE_SET.images.find((i) => i.name === 'nginx')!;
  const args = debootstrapArgs(IMAGE_SET, nginx, '/t/nginx', ['deb http://m/debian bookworm main']);
  assert.deepEqual(args.slice(0, 3), ['--mode=root', '--format=directory', '--variant=minbase']);
  assert.ok(args.includes('--dpkgopt=path-exclude=/usr/share/doc/*'));
  assert.ok(args.includes('--include=nginx,curl'), args.join(' '));
  assert.ok(args.includes('--customize-hook=sed -i "s#root /var/www/html;#root /usr/share/nginx/html;#" "$1/etc/nginx/sites-available/default"'), 'the site is /usr/share/nginx/html, as in the official image');
  assert.ok(args.includes('--customize-hook=ln -sfn /dev/stdout "$1/var/log/nginx/access.log"'));
  assert.deepEqual(args.slice(args.indexOf('--')), ['--', 'bookworm', '/t/nginx', 'deb http://m/debian bookworm main']);
  const debian = debootstrapArgs(IMAGE_SET, IMAGE_SET.images.find((i) => i.kind === 'debian')!, '/t/d', []);
  assert.ok(!debian.some((a) => a.startsWith('--include')), 'the debian root has nothing on top of minbase');
});

test('image config becomes buildah config flags and podman import changes', () => {
  const config = { entrypoint: ['docker-entrypoint.sh'], cmd: ['postgres'], env: ['A=b c'], expose: [5432], user: 'redis', workdir: '/data', stopSignal: 'SIGINT', volumes: ['/v'] };
  assert.deepEqual(buildahConfigArgs(config, 'apt-get install x'), [
    '--created-by', 'apt-get install x', '--env', 'A=b c', '--entrypoint', '["docker-entrypoint.sh"]', '--cmd', '["postgres"]',
    '--port', '5432', '--user', 'redis', '--workingdir', '/data', '--stop-signal', 'SIGINT', '--volume', '/v',
  ]);
  assert.deepEqual(importChanges({ cmd: ['bash'], env: ['PATH=/bin'], expose: [80] }), ['ENV PATH=/bin', 'CMD ["bash"]', 'EXPOSE 80']);
});

test('the import script: roots imported, each derived image on its parent, every tag, then the list', () => {
  const script = importScript(IMAGE_SET);
  assert.match(script, /^set -eu$/m);
  assert.match(script, /podman import --quiet --change 'ENV PATH=[^']*' --change 'CMD \["bash"\]'.* debian\.tar docker\.io\/library\/debian:bookworm-slim/);
  assert.match(script, /cp \/bin\/busybox bb\/bin\/busybox/);
  assert.match(script, /buildah from --pull=never --quiet docker\.io\/library\/debian:bookworm-slim\)\nbuildah add --quiet "\$c" nginx\.tar \//);
  assert.match(script, /buildah from --pull=never --quiet docker\.io\/library\/busybox:latest\)\nbuildah add --quiet "\$c" hello-world\.tar \//);
  assert.match(script, /podman tag docker\.io\/library\/python:3 docker\.io\/library\/python:latest/);
  assert.ok(script.indexOf('debian.tar') < script.indexOf('nginx.tar'), 'parents first');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
});

test('the sandbox image carries podman\'s configuration and the docker commands', () => {
  const files = new Map(CONTAINERS_FILES.map((f) => [f.path, f]));
  assert.match(files.get('/etc/containers/storage.conf')?.content ?? '', new RegExp(`additionalimagestores = \\["${NESTED_IMAGE_STORE}"\\]`));
  assert.match(files.get('/etc/containers/storage.conf')?.content ?? '', /graphroot = "\/var\/lib\/containers\/storage"/);
  assert.match(files.get('/etc/containers/registries.conf')?.content ?? '', /location = "localhost:5000"\ninsecure = true/);
  assert.match(files.get('/etc/containers/registries.conf')?.content ?? '', /unqualified-search-registries = \["docker\.io"\]/);
  assert.match(files.get('/etc/containers/containers.conf')?.content ?? '', /keyring = false/);
  assert.match(files.get('/usr/share/pier/containers/cgroups-v1.conf')?.content ?? '', /cgroups = "no-conmon"[\s\S]*crun-without-cgroups/);
  assert.match(files.get('/usr/share/pier/containers/cgroups-v2.conf')?.content ?? '', /cgroups = "enabled"/);
  assert.match(files.get('/usr/local/bin/docker')?.content ?? '', /compose\)\n\s+shift\n\s+exec \/usr\/local\/bin\/docker-compose/);
  assert.match(files.get('/usr/local/bin/docker-compose')?.content ?? '', /podman_compose\.main\(\)/);
  for (const f of ['/usr/local/bin/docker', '/usr/local/bin/docker-compose', '/usr/local/bin/podman']) assert.equal(files.get(f)?.mode, 0o755, f);
});
