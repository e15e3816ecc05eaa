import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_RECIPE, BOOKWORM_RECIPE, canonicalJson, defaultRecipe, recipeHash, RECIPE_VERSION, type ImageRecipe } from './recipe.js';

/** A deep copy with every object's keys in reverse order. */
function reversedKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reversedKeys) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversedKeys(v)])) as T;
  }
  return value;
}

test('recipeHash is 12 hex characters and stable across key order and copies', () => {
  const id = recipeHash(BASE_RECIPE);
  assert.match(id, /^[0-9a-f]{12}$/);
  assert.equal(recipeHash(structuredClone(BASE_RECIPE) as ImageRecipe), id);
  assert.equal(recipeHash(reversedKeys(BASE_RECIPE)), id);
  assert.equal(recipeHash(defaultRecipe()), id);
});

test('recipeHash changes with what is built, not with the mirror', () => {
  const base = recipeHash(BASE_RECIPE);
  const cases: Array<[string, ImageRecipe, boolean]> = [
    ['a package added', { ...BASE_RECIPE, packages: [...BASE_RECIPE.packages, 'tmux'] }, true],
    ['a package removed', { ...BASE_RECIPE, packages: BASE_RECIPE.packages.slice(1) }, true],
    ['another suite', defaultRecipe({ suite: 'sid' }), true],
    ['bookworm', defaultRecipe({ suite: 'bookworm' }), true],
    ['a file changed', { ...BASE_RECIPE, files: [{ path: '/etc/motd', content: 'hi\n', mode: 0o644 }] }, true],
    ['a file mode changed', { ...BASE_RECIPE, files: BASE_RECIPE.files.map((f) => ({ ...f, mode: 0o600 })) }, true],
    ['a new recipe version', { ...BASE_RECIPE, version: RECIPE_VERSION + 1 }, true],
    ['a mirror', defaultRecipe({ mirror: 'http://mirror.example/debian' }), false],
  ];
  for (const [what, recipe, changes] of cases) {
    assert.equal(recipeHash(recipe) !== base, changes, what);
  }
});

test('defaultRecipe takes the suite and mirror, defaulting to trixie; bookworm keeps its own recipe', () => {
  assert.equal(defaultRecipe().suite, 'trixie');
  assert.equal(defaultRecipe({ suite: '' }).suite, 'trixie');
  assert.equal(defaultRecipe({ suite: undefined, mirror: undefined }).mirror, undefined);
  assert.equal(defaultRecipe({ suite: 'trixie', mirror: 'http://m/debian' }).mirror, 'http://m/debian');
  assert.equal(BASE_RECIPE.mirror, undefined);
  assert.equal(recipeHash(defaultRecipe({ suite: 'bookworm' })), recipeHash(BOOKWORM_RECIPE));
  // The image every host built before trixie became the default: same id, no rebuild.
  assert.equal(recipeHash(BOOKWORM_RECIPE), '5b1afa4c38d3');
  assert.deepEqual(defaultRecipe({ suite: 'sid' }).packages, BASE_RECIPE.packages, 'other suites get the trixie packages');
});

test('the trixie recipe has the Docker Engine, podman 5 and what the sandbox needs', () => {
  const pkgs = new Set(BASE_RECIPE.packages);
  assert.equal(pkgs.size, BASE_RECIPE.packages.length, 'no duplicate packages');
  for (const p of ['bash', 'catatonit', 'docker.io', 'docker-cli', 'containerd', 'runc', 'docker-compose', 'docker-buildx', 'podman', 'buildah', 'crun', 'netavark', 'uidmap', 'busybox-static', 'iproute2', 'util-linux']) {
    assert.ok(pkgs.has(p), p);
  }
  for (const p of ['podman-docker', 'podman-compose']) assert.ok(!pkgs.has(p), `${p} would shadow Docker's own command`);
  const files = new Map(BASE_RECIPE.files.map((f) => [f.path, f]));
  assert.equal(files.get('/etc/subuid')?.content, 'root:1:65535\n');
  assert.ok(!files.has('/etc/containers/nodocker'));
  for (const f of ['/etc/containers/containers.conf', '/etc/containers/storage.conf', '/etc/containers/registries.conf', '/usr/local/bin/docker', '/usr/local/bin/podman', '/etc/docker/daemon.json', '/usr/share/pier/docker/daemon-v1.json', '/usr/share/pier/docker/daemon-v2.json', '/usr/local/libexec/pier/dockerd']) {
    assert.ok(files.has(f), `${f} (engine-config.ts, containers-config.ts)`);
  }
  assert.equal(JSON.parse(files.get('/usr/share/pier/docker/daemon-v1.json')!.content).rootless, true);
  assert.equal(JSON.parse(files.get('/usr/share/pier/docker/daemon-v2.json')!.content).rootless, undefined);
  assert.match(files.get('/usr/local/bin/docker')!.content, /exec \/usr\/bin\/docker "\$@"/);
  assert.match(files.get('/usr/local/libexec/pier/dockerd')!.content, /--registry-mirror "\$\(cat \/etc\/pier\/registry-mirror\)"/);
});

test('the bookworm recipe has what the sandbox and the podman-based Docker lessons need', () => {
  const pkgs = new Set(BOOKWORM_RECIPE.packages);
  for (const p of ['bash', 'catatonit', 'podman', 'podman-docker', 'podman-compose', 'buildah', 'netavark', 'uidmap', 'busybox-static', 'iproute2', 'util-linux']) {
    assert.ok(pkgs.has(p), p);
  }
  const files = new Map(BOOKWORM_RECIPE.files.map((f) => [f.path, f]));
  assert.equal(files.get('/etc/subuid')?.content, 'root:1:65535\n');
  assert.equal(files.get('/etc/subgid')?.content, 'root:1:65535\n');
  assert.equal(files.get('/etc/containers/nodocker')?.content, '');
  for (const f of ['/etc/containers/containers.conf', '/etc/containers/storage.conf', '/etc/containers/registries.conf', '/usr/local/bin/docker', '/usr/local/bin/docker-compose']) {
    assert.ok(files.has(f), `${f} (containers-config.ts)`);
  }
  for (const recipe of [BASE_RECIPE, BOOKWORM_RECIPE]) {
    const f = new Map(recipe.files.map((x) => [x.path, x]));
    assert.equal(f.get('/root/.bashrc')?.append, true);
    assert.match(f.get('/root/.bashrc')?.content ?? '', /PS1='.*\\u@\\h.*\\w.*\\\$ '/);
    assert.equal(f.get('/etc/motd')?.content.trimEnd().split('\n').length, 4);
    for (const x of recipe.files) assert.ok(x.path.startsWith('/'), x.path);
  }
});

test('canonicalJson sorts keys at every level and drops undefined', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } }), '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}');
  assert.equal(canonicalJson(['x', null, true]), '["x",null,true]');
});
