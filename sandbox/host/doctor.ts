// Host prerequisite checks for `pier doctor`: kernel, cgroups, user namespaces, overlayfs,
// loop devices, runc and its known CVEs, and the tools pier calls.
import { readFileSync, existsSync, statfsSync } from 'node:fs';
import { release } from 'node:os';
import { runCommand } from './command.js';
import { detectCgroupMode } from '../stats/cgroup.js';
import { HOST_STATIC_BASH } from '../runc/interpreter.js';

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

/**
 * runc releases with the fixes for CVE-2025-31133, CVE-2025-52565 and CVE-2025-52881
 * (masked-path and /proc write redirection races), per maintained branch.
 */
const RUNC_FIXED: [number, number, number][] = [
  [1, 2, 8],
  [1, 3, 3],
  [1, 4, 0],
];

function cmpVersion(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when runc `version` carries the 2025 /proc race fixes. */
export function runcHasProcRaceFixes(version: number[]): boolean {
  const branch = RUNC_FIXED.find(([maj, min]) => version[0] === maj && version[1] === min);
  if (branch) return cmpVersion(version, branch) >= 0;
  const newest = RUNC_FIXED[RUNC_FIXED.length - 1]!;
  return cmpVersion(version, newest) >= 0;
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
    const r = await runCommand(cmd, args, { timeoutMs: 5000 });
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

/** Runs every host check. `stateDir` is where sandboxes' disks live. */
export async function checkHost(stateDir: string): Promise<HostCheck[]> {
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

  const filesystems = readTrim('/proc/filesystems') ?? '';
  checks.push({
    name: 'overlayfs',
    status: /\toverlay$/m.test(filesystems) ? 'ok' : 'fail',
    detail: /\toverlay$/m.test(filesystems) ? 'available' : 'not in /proc/filesystems',
    fix: 'modprobe overlay',
  });
  checks.push({
    name: 'loop devices',
    status: existsSync('/dev/loop-control') ? 'ok' : 'fail',
    detail: existsSync('/dev/loop-control') ? '/dev/loop-control present' : 'no /dev/loop-control',
    fix: 'modprobe loop',
  });

  const runcOut = await toolVersion('runc', ['--version']);
  const runcVersion = /runc version (\d+)\.(\d+)\.(\d+)/.exec(runcOut ?? '');
  if (!runcVersion) {
    checks.push({ name: 'runc', status: 'fail', detail: 'not installed', fix: 'apt-get install runc' });
  } else {
    const v = runcVersion.slice(1, 4).map(Number);
    const fixed = runcHasProcRaceFixes(v);
    checks.push({
      name: 'runc',
      status: fixed ? 'ok' : 'warn',
      detail: `${v.join('.')}${fixed ? '' : ' — predates fixes for CVE-2025-31133, CVE-2025-52565, CVE-2025-52881'}`,
      ...(fixed ? {} : { fix: 'the user namespace keeps a successful exploit unprivileged on the host; prefer runc ≥ 1.2.8 when your distribution ships it' }),
    });
  }
  const crun = await toolVersion('crun', ['--version']);
  checks.push({
    name: 'crun',
    status: 'ok',
    detail: crun ? `${crun}${mode === 'v2' ? '' : ' (refuses cgroup v1 hybrid hosts; not used here)'}` : 'not installed (optional, faster on pure cgroup v2)',
  });

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
