// The parent cgroup of every sandbox (`/pier`): its memory, pids and CPU limits, sized as the
// host's totals minus a reserve for the server and the host, written when the runtime starts.
import { readFileSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { CGROUP_ROOT, detectCgroupManager, type CgroupMode } from '../stats/cgroup.js';
import { NAME, SYSTEMD_SLICE } from '../layout.js';

/** What the host keeps for itself: sandboxes together never get this much. */
export interface HostReserve {
  memoryBytes: number;
  cpus: number;
  pids: number;
}

/** The default reserve: 1 GiB, half a core and 2048 pids for the server and the host. */
export const DEFAULT_HOST_RESERVE: HostReserve = { memoryBytes: 1024 ** 3, cpus: 0.5, pids: 2048 };

/** The host's totals the parent's limits are cut from. */
export interface HostTotals {
  memoryBytes: number;
  cpus: number;
  /** min(kernel.pid_max, kernel.threads-max): the most tasks the host can hold. */
  pids: number;
}

/** The parent cgroup's limits. */
export interface ParentLimits {
  memoryBytes: number;
  cpus: number;
  pids: number;
}

/** The CFS period pier writes with the parent's quota (the kernel's default). */
export const CFS_PERIOD_US = 100_000;

/**
 * Parent limit = host total − reserve, each floored so sandboxes can still start (256 MiB,
 * 0.1 core, 64 pids) when a reserve is as large as the host.
 */
export function parentLimits(totals: HostTotals, reserve: HostReserve): ParentLimits {
  return {
    memoryBytes: Math.max(256 * 1024 ** 2, totals.memoryBytes - reserve.memoryBytes),
    cpus: Math.max(0.1, Math.round((totals.cpus - reserve.cpus) * 100) / 100),
    pids: Math.max(64, totals.pids - reserve.pids),
  };
}

const readInt = (file: string): number => Number(readFileSync(file, 'utf8').trim());

/** Reads the host's totals: MemTotal, online CPUs, pid_max and threads-max. */
export function hostTotals(): HostTotals {
  const mem = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  if (!mem) throw new Error('/proc/meminfo has no MemTotal');
  return {
    memoryBytes: Number(mem[1]) * 1024,
    cpus: availableParallelism(),
    pids: Math.min(readInt('/proc/sys/kernel/pid_max'), readInt('/proc/sys/kernel/threads-max')),
  };
}

/** The files holding each limit of the parent, per cgroup layout (hybrid is v1 for these controllers). */
function limitFiles(mode: CgroupMode, root: string, name: string) {
  const parent = `/${name}`;
  if (mode === 'v2') {
    const dir = path.join(root, parent);
    return { memory: path.join(dir, 'memory.max'), pids: path.join(dir, 'pids.max'), cpu: path.join(dir, 'cpu.max'), dirs: [dir] };
  }
  const dirs = { memory: path.join(root, 'memory', parent), pids: path.join(root, 'pids', parent), cpu: path.join(root, 'cpu', parent) };
  return {
    memory: path.join(dirs.memory, 'memory.limit_in_bytes'),
    pids: path.join(dirs.pids, 'pids.max'),
    cpu: path.join(dirs.cpu, 'cpu.cfs_quota_us'),
    cpuPeriod: path.join(dirs.cpu, 'cpu.cfs_period_us'),
    dirs: Object.values(dirs),
  };
}

/**
 * v2 only (kept in one place): the unified parent needs its controllers enabled in the root's
 * subtree_control before its limit files exist.
 */
async function prepareV2Parent(root: string, name: string): Promise<void> {
  await writeFile(path.join(root, 'cgroup.subtree_control'), '+memory +pids +cpu').catch(() => undefined);
  await mkdir(path.join(root, name), { recursive: true });
}

/**
 * Creates the parent cgroup (`name`, default `pier`) if needed and writes its limits (v1/hybrid: memory.limit_in_bytes,
 * pids.max, cpu.cfs_quota_us on each controller's /pier; v2: memory.max, pids.max, cpu.max).
 * @throws the write's error (EBUSY when usage is already above a new memory limit)
 */
export async function applyParentLimits(mode: CgroupMode, limits: ParentLimits, root = CGROUP_ROOT, name: string = NAME.cgroupParent): Promise<void> {
  const files = limitFiles(mode, root, name);
  const quota = Math.round(limits.cpus * CFS_PERIOD_US);
  if (mode === 'v2') {
    await prepareV2Parent(root, name);
    await writeFile(files.memory, String(limits.memoryBytes));
    await writeFile(files.pids, String(limits.pids));
    await writeFile(files.cpu, `${quota} ${CFS_PERIOD_US}`);
    return;
  }
  for (const dir of files.dirs) await mkdir(dir, { recursive: true });
  await writeFile(files.memory, String(limits.memoryBytes));
  await writeFile(files.pids, String(limits.pids));
  if ('cpuPeriod' in files && files.cpuPeriod) await writeFile(files.cpuPeriod, String(CFS_PERIOD_US));
  await writeFile(files.cpu, String(quota));
}

/**
 * Where systemd manages cgroups the parent is a slice systemd owns (`pier.slice`): its
 * limits are the slice's properties, set through systemd (`systemctl set-property
 * --runtime`, kept until reboot; the runtime sets them again at every start), never by
 * writing the slice's files.
 */
export function sliceProperties(limits: ParentLimits): string[] {
  return [`MemoryMax=${limits.memoryBytes}`, `TasksMax=${limits.pids}`, `CPUQuota=${Math.round(limits.cpus * 100)}%`];
}

/** The parent's limits as the kernel holds them; Infinity where unlimited; null when it does not exist. */
export async function readParentLimits(mode: CgroupMode, root = CGROUP_ROOT, name: string = NAME.cgroupParent): Promise<ParentLimits | null> {
  const files = limitFiles(mode, root, name);
  try {
    const [memory, pids, cpu] = await Promise.all([files.memory, files.pids, files.cpu].map((f) => readFile(f, 'utf8').then((t) => t.trim())));
    const num = (t: string) => (t === 'max' || t === '-1' ? Infinity : Number(t));
    const memoryBytes = num(memory!);
    let cpus: number;
    if (mode === 'v2') {
      const [q, p] = cpu!.split(' ');
      cpus = q === 'max' ? Infinity : Number(q) / Number(p);
    } else {
      const period = 'cpuPeriod' in files && files.cpuPeriod ? Number((await readFile(files.cpuPeriod, 'utf8')).trim()) : CFS_PERIOD_US;
      cpus = num(cpu!) / period;
    }
    return { memoryBytes: memoryBytes >= 2 ** 62 ? Infinity : memoryBytes, pids: num(pids!), cpus };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const gib = (n: number) => (Number.isFinite(n) ? `${(n / 1024 ** 3).toFixed(1)} GiB` : 'unlimited');

/** The doctor's line about the parent cgroup: ok when its limits leave the reserve, warn otherwise. */
export async function checkParentCgroup(mode: CgroupMode, reserve: HostReserve, root = CGROUP_ROOT): Promise<{ name: string; status: 'ok' | 'warn'; detail: string; fix?: string }> {
  const want = parentLimits(hostTotals(), reserve);
  const parent = detectCgroupManager() === 'systemd' ? SYSTEMD_SLICE : NAME.cgroupParent;
  const have = await readParentLimits(mode, root, parent);
  const name = 'sandboxes parent cgroup';
  const wanted = `memory ${gib(want.memoryBytes)}, ${want.cpus} cpus, ${want.pids} pids`;
  if (have === null) return { name, status: 'warn', detail: `/${parent} does not exist yet (set at the runtime's start to ${wanted})`, fix: 'start pier (`pier up`)' };
  const detail = `/${parent}: memory ${gib(have.memoryBytes)}, ${have.cpus} cpus, ${have.pids} pids (configured: ${wanted})`;
  const leaves = have.memoryBytes <= want.memoryBytes && have.pids <= want.pids && have.cpus <= want.cpus + 0.005;
  return leaves ? { name, status: 'ok', detail } : { name, status: 'warn', detail: `${detail}: the host reserve is not held back`, fix: 'start pier (`pier up`) to apply hostReserve' };
}
