// Reads a sandbox's resource use straight from its cgroup files, on cgroup v1 (also hybrid)
// and v2. Cheap: a handful of small reads, fit for sampling every second.
import { readFile } from 'node:fs/promises';
import { statfsSync, existsSync } from 'node:fs';
import path from 'node:path';

/** Where cgroup hierarchies are mounted. */
export const CGROUP_ROOT = '/sys/fs/cgroup';
const CGROUP2_SUPER_MAGIC = 0x63677270;

/** The host's cgroup layout: pure v2, v1 with an (empty) v2 beside it, or v1 only. */
export type CgroupMode = 'v2' | 'hybrid' | 'v1';

/** Detects the host's cgroup layout from the filesystem types under /sys/fs/cgroup. */
export function detectCgroupMode(root = CGROUP_ROOT): CgroupMode {
  if (statfsSync(root).type === CGROUP2_SUPER_MAGIC) return 'v2';
  const unified = path.join(root, 'unified');
  if (existsSync(unified) && statfsSync(unified).type === CGROUP2_SUPER_MAGIC) return 'hybrid';
  return 'v1';
}

/**
 * Who makes sandbox cgroups: `systemd` on a pure v2 host booted with systemd (each sandbox a
 * transient scope with Delegate=yes under pier.slice, through the runtime's systemd driver,
 * so pier never writes a cgroup systemd believes it owns), else `cgroupfs` (pier's runtime
 * writes /sys/fs/cgroup/…/pier itself, as on v1 and hybrid hosts).
 */
export type CgroupManager = 'systemd' | 'cgroupfs';

/** Where systemd says it booted the host (sd_booted(3)). */
export const SYSTEMD_BOOTED_MARKER = '/run/systemd/system';

let detectedManager: CgroupManager | null = null;

/** This host's CgroupManager; PIER_CGROUP_MANAGER=cgroupfs forces the old way (read once). */
export function detectCgroupManager(): CgroupManager {
  if (detectedManager) return detectedManager;
  const forced = process.env.PIER_CGROUP_MANAGER;
  if (forced === 'cgroupfs' || forced === 'systemd') return (detectedManager = forced);
  detectedManager = detectCgroupMode() === 'v2' && existsSync(SYSTEMD_BOOTED_MARKER) ? 'systemd' : 'cgroupfs';
  return detectedManager;
}

/** Resource use as read from one cgroup. */
export interface CgroupUsage {
  memoryBytes: number;
  /** Memory limit; Infinity when unlimited. */
  memoryLimitBytes: number;
  cpuUsageUsec: number;
  pids: number;
  /** Pids limit; Infinity when unlimited. */
  pidsLimit: number;
}

async function readNumber(file: string): Promise<number> {
  const text = (await readFile(file, 'utf8')).trim();
  if (text === 'max') return Infinity;
  const n = Number(text);
  return Number.isFinite(n) ? n : NaN;
}

/** v1 reports "no limit" as a huge page-aligned number. */
const V1_UNLIMITED_MIN_BYTES = 2 ** 62;

/**
 * Reads memory, CPU and pids of the cgroup at `cgroupPath` (relative to each hierarchy).
 * @throws ENOENT when the cgroup does not exist (the sandbox is gone)
 */
export async function readCgroupUsage(mode: CgroupMode, cgroupPath: string, root = CGROUP_ROOT): Promise<CgroupUsage> {
  if (mode === 'v2') {
    const dir = path.join(root, cgroupPath);
    const [mem, memMax, cpuStat, pids, pidsMax] = await Promise.all([
      readNumber(path.join(dir, 'memory.current')),
      readNumber(path.join(dir, 'memory.max')),
      readFile(path.join(dir, 'cpu.stat'), 'utf8'),
      readNumber(path.join(dir, 'pids.current')),
      readNumber(path.join(dir, 'pids.max')),
    ]);
    const usage = /^usage_usec (\d+)$/m.exec(cpuStat);
    return { memoryBytes: mem, memoryLimitBytes: memMax, cpuUsageUsec: usage ? Number(usage[1]) : 0, pids, pidsLimit: pidsMax };
  }
  const [mem, memMax, cpuNs, pids, pidsMax] = await Promise.all([
    readNumber(path.join(root, 'memory', cgroupPath, 'memory.usage_in_bytes')),
    readNumber(path.join(root, 'memory', cgroupPath, 'memory.limit_in_bytes')),
    readNumber(path.join(root, 'cpuacct', cgroupPath, 'cpuacct.usage')),
    readNumber(path.join(root, 'pids', cgroupPath, 'pids.current')),
    readNumber(path.join(root, 'pids', cgroupPath, 'pids.max')),
  ]);
  return {
    memoryBytes: mem,
    memoryLimitBytes: memMax >= V1_UNLIMITED_MIN_BYTES ? Infinity : memMax,
    cpuUsageUsec: Math.round(cpuNs / 1000),
    pids,
    pidsLimit: pidsMax,
  };
}

/** Hierarchies (v1 controllers, or the single v2 root) where a sandbox's cgroup lives. */
export function cgroupDirs(mode: CgroupMode, cgroupPath: string, root = CGROUP_ROOT): string[] {
  if (mode === 'v2') return [path.join(root, cgroupPath)];
  const controllers = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'systemd', 'net_cls', 'net_prio', 'perf_event', 'hugetlb', 'rdma', 'misc'];
  const dirs = controllers.map((c) => path.join(root, c, cgroupPath)).filter((d) => existsSync(path.dirname(d)));
  if (mode === 'hybrid') dirs.push(path.join(root, 'unified', cgroupPath));
  return dirs;
}
