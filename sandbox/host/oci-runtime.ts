// Which OCI runtime runs sandboxes, and why: crun on a pure cgroup v2 host where it is
// installed (faster starts, not affected by runc's 2025 /proc races), runc elsewhere
// (crun refuses cgroup v1 hybrid hosts). Also what is known against the chosen one.
import { runCommand } from './command.js';
import type { CgroupMode } from '../stats/cgroup.js';

/** The runtimes pier drives; both take runc's command line. */
export type OciRuntimeName = 'runc' | 'crun';

/** Config `runtime`: `auto` picks by the rules above. */
export type RuntimePreference = 'auto' | OciRuntimeName;

/** The 2025 runc container escapes (masked-path and /proc write redirection races). */
export const RUNC_PROC_RACE_CVES = ['CVE-2025-31133', 'CVE-2025-52565', 'CVE-2025-52881'] as const;

/** runc releases with the fixes for RUNC_PROC_RACE_CVES, per maintained branch. */
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

/** Installed versions: runc as [major, minor, patch], crun as its version text; null when absent. */
export interface InstalledRuntimes {
  runc: number[] | null;
  crun: string | null;
}

/** The runtime chosen, why, and the known container-escape CVEs of its installed version. */
export interface RuntimeChoice {
  name: OciRuntimeName;
  version: string;
  why: string;
  /** Known container-escape CVEs of this version (empty: none known). */
  cves: string[];
}

/**
 * Chooses the runtime (pure). `auto`: crun on a pure v2 host when installed, else runc.
 * @returns null when no usable runtime is installed, with the reason in `problem`
 */
export function chooseRuntime(preference: RuntimePreference, mode: CgroupMode, installed: InstalledRuntimes): RuntimeChoice | { problem: string } {
  const runc = (why: string): RuntimeChoice | { problem: string } => {
    if (!installed.runc) return { problem: `runc is not installed (${why})` };
    const fixed = runcHasProcRaceFixes(installed.runc);
    return { name: 'runc', version: installed.runc.join('.'), why, cves: fixed ? [] : [...RUNC_PROC_RACE_CVES] };
  };
  const crun = (why: string): RuntimeChoice | { problem: string } => {
    if (!installed.crun) return { problem: `crun is not installed (${why})` };
    if (mode !== 'v2') return { problem: `crun refuses cgroup ${mode} hosts ("cgroups in hybrid mode not supported")` };
    return { name: 'crun', version: installed.crun, why, cves: [] };
  };
  if (preference === 'runc') return runc('configured: runtime = runc');
  if (preference === 'crun') return crun('configured: runtime = crun');
  if (mode === 'v2' && installed.crun) return crun('pure cgroup v2 host with crun installed: faster starts, not affected by the 2025 runc /proc races');
  if (mode === 'v2') return runc('pure cgroup v2 host without crun (apt-get install crun to use it)');
  return runc(`cgroup ${mode} host: crun refuses it`);
}

/** Reads the installed versions of runc and crun. */
export async function installedRuntimes(): Promise<InstalledRuntimes> {
  const version = async (cmd: string): Promise<string> => {
    try {
      const r = await runCommand(cmd, ['--version'], { timeoutMs: 30_000 });
      return r.code === 0 ? r.stdout : '';
    } catch {
      return '';
    }
  };
  const [runcOut, crunOut] = await Promise.all([version('runc'), version('crun')]);
  const r = /runc version (\d+)\.(\d+)\.(\d+)/.exec(runcOut);
  const c = /crun version (\S+)/.exec(crunOut);
  return { runc: r ? r.slice(1, 4).map(Number) : null, crun: c?.[1] ?? null };
}

/** One line for logs and the doctor: which runtime, its version, why, and what is known against it. */
export function describeChoice(c: RuntimeChoice): string {
  const known = c.cves.length > 0 ? `; KNOWN CONTAINER ESCAPES: ${c.cves.join(', ')} (fixed in runc ≥ 1.2.8)` : '';
  return `${c.name} ${c.version} — ${c.why}${known}`;
}
