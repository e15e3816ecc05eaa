// The real sandbox image: built (or found cached) the way `pier image build` does it, then
// checked for what sandboxes need; and a failed build leaves nothing behind.
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { isSandboxError } from '../../sandbox/errors.js';
import { SANDBOX_ID_BASE, SANDBOX_ID_COUNT } from '../../sandbox/layout.js';
import { buildImage, currentImage, defaultRecipe, listImages, recipeHash, type ImageInfo } from '../../sandbox/image/index.js';
import { rootSuite } from '../helpers/root.js';

const config = loadConfig();
const paths = { stateDir: config.stateDir, runcRoot: config.runcRoot };
const recipe = defaultRecipe({ suite: config.imageSuite, mirror: config.imageMirror });
/** A first build took ~30 s here; a slow mirror may take several minutes. */
const BUILD_TIMEOUT_MS = 20 * 60_000;
/** What "cached" must stay under: `npm start` and `npm test` call the build every time. */
const CACHED_BUILD_MAX_MS = 1000;

describe('the sandbox image', rootSuite(), () => {
  let image: ImageInfo;
  before(async () => {
    image = await buildImage(paths, recipe);
  }, { timeout: BUILD_TIMEOUT_MS });

  test('the current recipe has a built image, listed with its details', async () => {
    const current = await currentImage(paths, recipe);
    assert.equal(current.id, recipeHash(recipe));
    assert.deepEqual(current, image);
    assert.ok(path.isAbsolute(current.rootfs));
    assert.ok(current.sizeBytes > 100 * 1024 ** 2, `size ${current.sizeBytes}`);
    assert.ok(current.fileCount > 5000, `files ${current.fileCount}`);
    assert.deepEqual(current.packages, [...recipe.packages]);
    assert.ok((await listImages(paths)).some((i) => i.id === current.id));
  });

  test('the rootfs has the programs sandboxes run', () => {
    for (const file of ['usr/bin/catatonit', 'usr/bin/podman', 'bin/bash', 'usr/bin/docker', 'usr/bin/newuidmap', 'bin/busybox']) {
      const st = statSync(path.join(image.rootfs, file)); // follows the usrmerge /bin link inside the tree
      assert.ok(st.isFile() && (st.mode & 0o111) !== 0, `${file} is an executable file`);
    }
  });

  test('every file is owned inside the sandbox range', () => {
    const inRange = (id: number) => id >= SANDBOX_ID_BASE && id < SANDBOX_ID_BASE + SANDBOX_ID_COUNT;
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        const st = lstatSync(file);
        assert.ok(inRange(st.uid) && inRange(st.gid), `${file} is owned by ${st.uid}:${st.gid}`);
        if (st.isDirectory()) walk(file);
      }
    };
    assert.equal(lstatSync(image.rootfs).uid, SANDBOX_ID_BASE);
    walk(path.join(image.rootfs, 'etc'));
    walk(path.join(image.rootfs, 'usr/bin'));
    assert.equal(lstatSync(path.join(image.rootfs, 'etc/shadow')).gid, SANDBOX_ID_BASE + 42, 'group shadow (42), shifted');
  });

  test('setuid programs keep their bit through the shift', () => {
    for (const file of ['usr/bin/passwd', 'usr/bin/su', 'usr/bin/newuidmap']) {
      assert.equal(statSync(path.join(image.rootfs, file)).mode & 0o4000, 0o4000, `${file} is setuid`);
    }
  });

  test("the recipe's files are in place", () => {
    const read = (f: string) => readFileSync(path.join(image.rootfs, f), 'utf8');
    assert.equal(read('etc/subuid'), 'root:1:65535\n');
    assert.equal(read('etc/subgid'), 'root:1:65535\n');
    // trixie: Docker's own CLI and daemon configuration; podman keeps its name.
    assert.match(read('usr/local/bin/docker'), /exec \/usr\/bin\/docker "\$@"/);
    assert.equal(JSON.parse(read('usr/share/pier/docker/daemon-v1.json')).rootless, true);
    assert.ok(existsSync(path.join(image.rootfs, 'usr/sbin/dockerd')));
    assert.ok(existsSync(path.join(image.rootfs, 'usr/libexec/docker/cli-plugins/docker-compose')));
    assert.ok(existsSync(path.join(image.rootfs, 'usr/libexec/docker/cli-plugins/docker-buildx')));
    assert.ok(!existsSync(path.join(image.rootfs, 'etc/containers/nodocker')), 'no podman-docker');
    assert.match(read('root/.bashrc'), /PS1=.*\\u@\\h/);
    assert.match(read('etc/motd'), /pier/);
  });

  test('building again returns the cached image in well under a second', async () => {
    const started = performance.now();
    const again = await buildImage(paths, recipe, { onProgress: () => assert.fail('a cached build reports no progress') });
    const ms = performance.now() - started;
    assert.deepEqual(again, image);
    assert.ok(ms < CACHED_BUILD_MAX_MS, `cached build took ${ms.toFixed(0)} ms`);
  });
});

describe('a failed build', rootSuite(), () => {
  test('fails with apt\'s reason and leaves no half image, lock or temporary directory', { timeout: 5 * 60_000 }, async (t) => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'pier-image-fail-'));
    t.after(() => rmSync(stateDir, { recursive: true, force: true }));
    const broken = { ...recipe, packages: [...recipe.packages, 'pier-no-such-package'] };
    const phases: string[] = [];
    await assert.rejects(
      buildImage({ stateDir, runcRoot: path.join(stateDir, 'runc') }, broken, { onProgress: (p) => phases.push(p.phase) }),
      (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED') && /pier-no-such-package/.test(e.message),
    );
    assert.equal(phases[0], 'resolving');
    assert.deepEqual(readdirSync(path.join(stateDir, 'images')), [], 'images/ is empty again');
  });

  test('interrupted through its AbortSignal, it stops mmdebstrap and cleans up', { timeout: 5 * 60_000 }, async (t) => {
    const stateDir = mkdtempSync(path.join(tmpdir(), 'pier-image-abort-'));
    t.after(() => rmSync(stateDir, { recursive: true, force: true }));
    const controller = new AbortController();
    const build = buildImage({ stateDir, runcRoot: path.join(stateDir, 'runc') }, recipe, {
      force: true,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'installing') controller.abort(); // mid-way: the chroot has its mounts
      },
    });
    await assert.rejects(build, (e) => isSandboxError(e, 'IMAGE_BUILD_FAILED') && /interrupted/.test(e.message));
    assert.deepEqual(readdirSync(path.join(stateDir, 'images')), []);
    assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(stateDir), false, 'nothing left mounted');
  });
});
