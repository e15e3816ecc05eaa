// Host prerequisite checks for `pier doctor`: kernel, cgroups, user namespaces, overlayfs,
// loop devices, runc and its known CVEs, the tools pier calls, and what Docker inside needs.
import { readFileSync, existsSync, statfsSync } from 'node:fs';
import { release } from 'node:os';
import { runCommand } from './command.js';
import { detectCgroupMode, detectCgroupManager, type CgroupMode } from '../stats/cgroup.js';
import { SYSTEMD_SLICE } from '../layout.js';
import { chooseRuntime, describeChoice, installedRuntimes, type RuntimeChoice, type RuntimePreference } from './oci-runtime.js';
import { HOST_STATIC_BASH } from '../runc/interpreter.js';
import { dockerChecks } from './docker-checks.js';

/** One line of the doctor's table. `fail` blocks sandboxes; `warn` is worth knowing. */
export interface HostCheck {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  /** What to do about a warn or fail. */
  fix?: string;
}

/** Minimum kernel: overlayfs mounts inside a user namespace (podman, lessons) need 5.11. */
export const MIN_KERNEL: [number, number] = [5, 11];

/** pid_max large enough that fork-bombing sandboxes cannot exhaust the host's pids. */
export const PID_MAX_RECOMMENDED = 4_194_304;

export { runcHasProcRaceFixes } from './oci-runtime.js';

function cmpVersion(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function readTrim(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

async function toolVersion(cmd: string, args: string[]): Promise<string | null> {
  try {
    // Generous: perl (mmdebstrap) starts in seconds on a slow or emulated host.
    const r = await runCommand(cmd, args, { timeoutMs: 30_000 });
    return r.code === 0 ? (r.stdout || r.stderr).trim().split('\n')[0] ?? '' : null;
  } catch {
    return null;
  }
}

const TOOLS: { cmd: string; args: string[]; pkg: string; why: string }[] = [
  { cmd: 'mmdebstrap', args: ['--version'], pkg: 'mmdebstrap', why: 'builds the sandbox image' },
  { cmd: 'nft', args: ['--version'], pkg: 'nftables', why: 'isolates session networks' },
  { cmd: 'ip', args: ['-V'], pkg: 'iproute2', why: 'bridges and veths' },
  { cmd: 'mkfs.ext4', args: ['-V'], pkg: 'e2fsprogs', why: 'per-sandbox disks' },
  { cmd: 'nsenter', args: ['--version'], pkg: 'util-linux', why: 'configures sandbox networks' },
];

/** Runs every host check. `stateDir` is where sandboxes' disks live; `preference` is config `runtime`. */
export async function checkHost(stateDir: string, preference: RuntimePreference = 'auto'): Promise<HostCheck[]> {
  const checks: HostCheck[] = [];
  const kernel = release();
  const kv = kernel.split(/[.-]/).slice(0, 2).map(Number);
  checks.push({
    name: 'kernel',
    status: cmpVersion(kv, MIN_KERNEL) >= 0 ? 'ok' : 'fail',
    detail: kernel,
    fix: `pier needs Linux ≥ ${MIN_KERNEL.join('.')} (overlayfs in user namespaces)`,
  });

  const mode = detectCgroupMode();
  checks.push({
    name: 'cgroups',
    status: 'ok',
    detail: { v2: 'cgroup v2 (unified)', hybrid: 'cgroup v1, hybrid (v2 mounted beside it, empty)', v1: 'cgroup v1 (legacy)' }[mode],
    ...(mode !== 'v2' ? { fix: 'works; on v1 nested containers run with --cgroups=disabled (no per-container limits inside a sandbox)' } : {}),
  });

  checks.push(await delegationCheck(mode));

  const maxUserns = Number(readTrim('/proc/sys/user/max_user_namespaces') ?? '0');
  checks.push({
    name: 'user namespaces',
    status: maxUserns > 0 ? 'ok' : 'fail',
    detail: `max_user_namespaces=${maxUserns}`,
    fix: 'sysctl -w user.max_user_namespaces=15000',
  });

  // Every sandbox may use up to its pids limit; together they share the host's pid space.
  const pidMax = Number(readTrim('/proc/sys/kernel/pid_max') ?? '0');
  checks.push({
    name: 'pid_max',
    status: pidMax >= PID_MAX_RECOMMENDED ? 'ok' : 'warn',
    detail: `kernel.pid_max=${pidMax} (room for ${Math.floor(pidMax / 512)} sandboxes filling a 512-pid limit)`,
    fix: `sysctl -w kernel.pid_max=${PID_MAX_RECOMMENDED}`,
  });

  // A freshly booted Debian host has overlay as a module the first mount loads.
  const filesystems = readTrim('/proc/filesystems') ?? '';
  const overlayLoaded = /\toverlay$/m.test(filesystems);
  const overlayModule = overlayLoaded ? null : await toolVersion('modinfo', ['-F', 'filename', 'overlay']);
  checks.push({
    name: 'overlayfs',
    status: overlayLoaded || overlayModule ? 'ok' : 'fail',
    detail: overlayLoaded ? 'available' : overlayModule ? `module ${overlayModule} (loaded by the first mount)` : 'not in /proc/filesystems, no overlay module',
    fix: 'modprobe overlay',
  });
  checks.push({
    name: 'loop devices',
    status: existsSync('/dev/loop-control') ? 'ok' : 'fail',
    detail: existsSync('/dev/loop-control') ? '/dev/loop-control present' : 'no /dev/loop-control',
    fix: 'modprobe loop',
  });

  checks.push(runtimeCheck(chooseRuntime(preference, mode, await installedRuntimes())));

  const profile = '/usr/share/containers/seccomp.json';
  checks.push({
    name: 'seccomp profile',
    status: existsSync(profile) ? 'ok' : 'fail',
    detail: existsSync(profile) ? profile : 'missing',
    fix: 'apt-get install golang-github-containers-common',
  });

  const staticBash = HOST_STATIC_BASH.find((f) => existsSync(f));
  checks.push({
    name: 'bash-static',
    status: staticBash ? 'ok' : 'fail',
    detail: staticBash ?? 'missing (the shell every lesson script runs under; without it checks fail)',
    fix: 'apt-get install bash-static',
  });

  for (const t of TOOLS) {
    const v = await toolVersion(t.cmd, t.args);
    checks.push({ name: t.cmd, status: v !== null ? 'ok' : 'fail', detail: v ?? `missing (${t.why})`, fix: `apt-get install ${t.pkg}` });
  }

  // Docker inside sandboxes: pier's init, and what the kernel gives swarm.
  checks.push(...dockerChecks(kernel));

  try {
    const s = statfsSync(existsSync(stateDir) ? stateDir : '/');
    const freeGiB = (s.bavail * s.bsize) / 1024 ** 3;
    checks.push({
      name: 'state disk',
      status: freeGiB >= 5 ? 'ok' : 'warn',
      detail: `${freeGiB.toFixed(1)} GiB free at ${stateDir}`,
      fix: 'sandbox disks are sparse, but students write real blocks: keep several GiB free',
    });
  } catch (err) {
    checks.push({ name: 'state disk', status: 'warn', detail: (err as Error).message });
  }
  return checks;
}

/**
 * Where sandbox cgroups live and who delegates them. On a systemd v2 host it proves the
 * delegation: systemd must start a transient scope with Delegate=yes in pier's slice, and
 * the scope's cgroup must belong to it (what runc's systemd driver asks for each sandbox).
 */
export async function delegationCheck(mode: CgroupMode): Promise<HostCheck> {
  const name = 'cgroup delegation';
  if (detectCgroupManager() === 'cgroupfs') {
    return mode === 'v2'
      ? { name, status: 'warn', detail: 'cgroup v2 without systemd: pier writes /sys/fs/cgroup/pier itself', fix: 'nothing else manages cgroups here, so this is safe; nested containers get no per-container limits' }
      : { name, status: 'ok', detail: `not used on cgroup ${mode}: pier writes /sys/fs/cgroup/<controller>/pier itself` };
  }
  const unit = `pier-doctor-${process.pid}.scope`;
  const r = await runCommand(
    'systemd-run',
    ['--scope', '--quiet', '--collect', `--unit=${unit}`, `--slice=${SYSTEMD_SLICE}`, '-p', 'Delegate=yes', '--', 'cat', '/proc/self/cgroup'],
    { timeoutMs: 30_000 },
  ).catch((err: Error) => ({ code: -1, stdout: '', stderr: err.message }));
  const expected = `0::/${SYSTEMD_SLICE}/${unit}`;
  const version = (await toolVersion('systemctl', ['--version']))?.split(' ')[1] ?? '?';
  if (r.code !== 0 || r.stdout.trim() !== expected) {
    return {
      name,
      status: 'fail',
      detail: `systemd ${version} did not start a delegated scope in ${SYSTEMD_SLICE}: ${(r.stderr || r.stdout).trim().slice(0, 200)}`,
      fix: 'pier needs systemd with D-Bus (apt-get install dbus) to make each sandbox a delegated scope',
    };
  }
  return { name, status: 'ok', detail: `systemd ${version}: each sandbox is a scope with Delegate=yes in ${SYSTEMD_SLICE} (runtime's systemd cgroup driver)` };
}

/**
 * The runtime line: which one runs sandboxes and why. Loud (warn, with the CVEs) when it has
 * known container escapes; a fail when none is usable.
 */
export function runtimeCheck(choice: RuntimeChoice | { problem: string }): HostCheck {
  if ('problem' in choice) return { name: 'runtime', status: 'fail', detail: choice.problem, fix: 'apt-get install runc (or crun on a pure cgroup v2 host)' };
  if (choice.cves.length === 0) return { name: 'runtime', status: 'ok', detail: describeChoice(choice) };
  return {
    name: 'runtime',
    status: 'warn',
    detail: describeChoice(choice),
    fix: 'the user namespace keeps a successful exploit unprivileged on the host; install runc ≥ 1.2.8 (or crun on a pure cgroup v2 host), or set requireFixedRuntime to refuse to start',
  };
}
