// Checks that real runc accepts what buildSpec writes and runs commands in it as mapped root.
// Uses the real seccomp filter and leaves nothing behind. Needs root; outside CI it skips
// with a printed reason, in CI it fails.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, chown, copyFile, mkdir, mkdtemp, open, readFile, readdir, rm, rmdir, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_LIMITS } from '../types.js';
import { SANDBOX_ID_BASE, SANDBOX_ID_COUNT } from '../layout.js';
import { GRANTED_CAPABILITIES } from './capabilities.js';
import { DEFAULT_SECCOMP_PROFILE_PATH, loadDockerSeccompProfile, translateSeccomp } from './seccomp.js';
import { buildSpec } from './build-spec.js';

/** Time any one runc or chown invocation may take. */
const HOST_COMMAND_TIMEOUT_MS = 20_000;
const BUSYBOX = '/bin/busybox';
const CATATONIT = '/usr/bin/catatonit';
const APPLETS = ['sh', 'id', 'sleep', 'cat', 'hostname', 'touch', 'grep', 'echo'];
const CGROUP_ROOT = '/sys/fs/cgroup';
const PATH_ENV = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const suffix = randomBytes(5).toString('hex');
const containerId = `pier-spec-test-${suffix}`;
/** One level below the root, so `runc delete` removes all of it. */
const cgroupsPath = `/pier-spec-test-${suffix}`;

const exists = (p: string) => access(p).then(() => true, () => false);

/** True when `file` is an ELF without a PT_INTERP header: it runs without a loader. */
async function isStaticElf(file: string): Promise<boolean> {
  const buf = await readFile(file);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2) return false; // ELF64 only
  const phoff = Number(buf.readBigUInt64LE(0x20));
  const phentsize = buf.readUInt16LE(0x36);
  const phnum = buf.readUInt16LE(0x38);
  const PT_INTERP = 3;
  for (let i = 0; i < phnum; i++) {
    if (buf.readUInt32LE(phoff + i * phentsize) === PT_INTERP) return false;
  }
  return true;
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a host program with output to files, not pipes: `runc run -d` hands its stdio to
 * the container, and a pipe held open by it would never close.
 */
async function run(dir: string, file: string, args: string[]): Promise<Result> {
  const outPath = path.join(dir, 'cmd.out');
  const errPath = path.join(dir, 'cmd.err');
  const out = await open(outPath, 'w');
  const err = await open(errPath, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(file, args, { stdio: ['ignore', out.fd, err.fd], env: { PATH: PATH_ENV } });
      const timer = setTimeout(() => child.kill('SIGKILL'), HOST_COMMAND_TIMEOUT_MS);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    return { code, stdout: await readFile(outPath, 'utf8'), stderr: await readFile(errPath, 'utf8') };
  } finally {
    await out.close();
    await err.close();
  }
}

async function whyUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (runc with a user namespace, cgroups, chown to the sandbox range)';
  const runc = await new Promise<boolean>((resolve) => {
    const child = spawn('runc', ['--version'], { stdio: 'ignore', env: { PATH: PATH_ENV } });
    child.on('error', () => resolve(false));
    child.on('exit', (c) => resolve(c === 0));
  });
  if (!runc) return 'runc is not installed';
  if (!(await exists(BUSYBOX)) || !(await isStaticElf(BUSYBOX))) return `${BUSYBOX} is missing or not static (apt-get install busybox-static)`;
  if (!(await exists(DEFAULT_SECCOMP_PROFILE_PATH))) return `${DEFAULT_SECCOMP_PROFILE_PATH} is missing (golang-github-containers-common)`;
  return null;
}

const unavailable = await whyUnavailable();
const inCI = process.env.CI === 'true';
if (unavailable && !inCI) console.log(`# skipping the runc acceptance test: ${unavailable}`);

let tmp = '';

/** Best-effort removal of everything the test may have left: container, cgroups, files. */
async function cleanUp(runcRoot: string): Promise<string[]> {
  const left: string[] = [];
  if (tmp && (await exists(runcRoot))) {
    await run(tmp, 'runc', ['--root', runcRoot, 'delete', '--force', containerId]).catch(() => undefined);
  }
  const hierarchies = await readdir(CGROUP_ROOT).catch(() => [] as string[]);
  for (const dir of [CGROUP_ROOT, ...hierarchies.map((h) => path.join(CGROUP_ROOT, h))]) {
    const cg = path.join(dir, cgroupsPath);
    if (await exists(cg)) {
      left.push(cg);
      await rmdir(cg).catch(() => undefined);
    }
  }
  return left;
}

after(async () => {
  if (!tmp) return;
  await cleanUp(path.join(tmp, 'runc-root'));
  await rm(tmp, { recursive: true, force: true });
});

test('runc runs a sandbox from buildSpec with the real seccomp filter', { skip: unavailable && !inCI ? unavailable : false, timeout: 120_000 }, async () => {
  if (unavailable) assert.fail(`in CI nothing skips: ${unavailable}`);
  tmp = await mkdtemp(path.join(tmpdir(), 'pier-spec-runc-'));
  // mkdtemp makes 0700; the sandbox's root (uid 100000 outside) must traverse to its rootfs.
  await chmod(tmp, 0o755);
  const runcRoot = path.join(tmp, 'runc-root');
  const bundle = path.join(tmp, 'bundle');
  const rootfs = path.join(bundle, 'rootfs');
  const roDir = path.join(tmp, 'ro');
  const rwDir = path.join(tmp, 'rw');

  // A minimal rootfs: static busybox with applet links, catatonit when it is static.
  for (const d of ['bin', 'usr/bin', 'root', 'proc', 'sys', 'dev', 'tmp', 'etc', 'mnt/ro', 'mnt/rw']) {
    await mkdir(path.join(rootfs, d), { recursive: true });
  }
  await copyFile(BUSYBOX, path.join(rootfs, 'bin/busybox'));
  for (const applet of APPLETS) await symlink('busybox', path.join(rootfs, 'bin', applet));
  const staticCatatonit = (await exists(CATATONIT)) && (await isStaticElf(CATATONIT));
  if (staticCatatonit) await copyFile(CATATONIT, path.join(rootfs, 'usr/bin/catatonit'));
  else console.log(`# ${CATATONIT} is missing or dynamic; the test sandbox's init is busybox sleep`);
  const chowned = await run(tmp, 'chown', ['-R', `${SANDBOX_ID_BASE}:${SANDBOX_ID_BASE}`, rootfs]);
  assert.equal(chowned.code, 0, chowned.stderr);
  await mkdir(roDir);
  await writeFile(path.join(roDir, 'hello'), 'from host\n', { mode: 0o644 });
  await mkdir(rwDir);
  await chown(rwDir, SANDBOX_ID_BASE, SANDBOX_ID_BASE);

  const seccomp = translateSeccomp(await loadDockerSeccompProfile(), { capabilities: GRANTED_CAPABILITIES, arch: process.arch });
  const spec = buildSpec({
    rootfs,
    hostname: 'node1',
    cgroupsPath,
    idMap: { hostId: SANDBOX_ID_BASE, size: SANDBOX_ID_COUNT },
    limits: DEFAULT_LIMITS,
    binds: [
      { source: roDir, destination: '/mnt/ro', readonly: true },
      { source: rwDir, destination: '/mnt/rw', readonly: false },
    ],
    seccomp,
  });
  if (!staticCatatonit) spec.process.args = ['/bin/sleep', 'infinity'];
  await writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec, null, 2));

  const runc = (...args: string[]) => run(tmp, 'runc', ['--root', runcRoot, ...args]);
  const exec = async (...cmd: string[]) => {
    const r = await runc('exec', containerId, ...cmd);
    return { ...r, stdout: r.stdout.trim() };
  };
  let deleted: Result | null = null;
  try {
    const started = await runc('--log', path.join(tmp, 'runc.log'), 'run', '--detach', '--bundle', bundle, containerId);
    const log = await readFile(path.join(tmp, 'runc.log'), 'utf8').catch(() => '');
    assert.equal(started.code, 0, `runc run failed: ${started.stderr}\n${log}`);

    assert.equal((await exec('id', '-u')).stdout, '0');
    assert.match((await exec('cat', '/proc/self/uid_map')).stdout, new RegExp(`^0\\s+${SANDBOX_ID_BASE}\\s+${SANDBOX_ID_COUNT}$`));
    assert.equal((await exec('hostname')).stdout, 'node1');
    const status = (await exec('cat', '/proc/self/status')).stdout;
    assert.match(status, /^Seccomp:\s+2$/m, 'seccomp filter mode');
    assert.match(status, /^NoNewPrivs:\s+1$/m);
    assert.equal((await exec('cat', '/mnt/ro/hello')).stdout, 'from host');
    assert.notEqual((await exec('touch', '/mnt/ro/x')).code, 0, 'a read-only bind must refuse writes');
    assert.equal((await exec('touch', '/mnt/rw/x')).code, 0);
    assert.equal((await stat(path.join(rwDir, 'x'))).uid, SANDBOX_ID_BASE, 'root inside writes as the mapped uid outside');

    // From the host, the sandbox's init runs as the mapped uid, not as root.
    const state = JSON.parse((await runc('state', containerId)).stdout) as { status: string; pid: number };
    assert.equal(state.status, 'running');
    const hostStatus = await readFile(`/proc/${state.pid}/status`, 'utf8');
    assert.match(hostStatus, new RegExp(`^Uid:\\s+${SANDBOX_ID_BASE}\\s`, 'm'));
  } finally {
    // No assertion here: it would hide the failure that got us here.
    deleted = await runc('delete', '--force', containerId);
  }
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.ok(!(await runc('list', '--quiet')).stdout.split('\n').includes(containerId), 'container left in runc state');
  assert.deepEqual(await cleanUp(runcRoot), [], 'cgroup directories left behind');
});
