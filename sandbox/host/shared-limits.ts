// Kernel counters that user namespaces charge to their owner: each sandbox's share (set in
// its outer user namespace, out of its reach, see sandbox/native/pier-idmap.c) and the host
// sysctls that must hold every sandbox's share plus a reserve for the host's own programs
// (the drop-in scripts/setup.sh installs, the values `pier doctor` checks).
import { readFile } from 'node:fs/promises';

/**
 * Each sandbox's share of the per-user-namespace counters (/proc/sys/user/max_*). Every
 * inotify instance, fanotify group and namespace a sandbox (or anything nested in it)
 * makes counts against these and against host root's total.
 */
export const SANDBOX_USER_LIMITS = {
  max_inotify_instances: 128,
  max_inotify_watches: 65_536,
  max_fanotify_groups: 16,
  max_fanotify_marks: 8192,
  // Nested containers take one of each kind (podman/crun also a second mount namespace):
  // 64 containers at once. Small enough that the host's default totals (threads-max / 2,
  // 96369 on 24 GiB) hold 512 sandboxes' shares, since raising user.* needs CAP_SYS_RESOURCE.
  max_user_namespaces: 64,
  max_mnt_namespaces: 128,
  max_pid_namespaces: 64,
  max_net_namespaces: 64,
  max_ipc_namespaces: 64,
  max_uts_namespaces: 64,
  max_cgroup_namespaces: 64,
  max_time_namespaces: 64,
} as const;

/** A per-namespace counter name (a file of /proc/sys/user). */
export type UserLimitName = keyof typeof SANDBOX_USER_LIMITS;

/**
 * What host root keeps for itself on top of the sandboxes' shares: the host's own programs
 * (the server, editors, watchers), runc and pier's own namespaces (two user namespaces, and
 * one of each other kind, per sandbox are counted in the share's sum below).
 */
export const HOST_RESERVE: Record<UserLimitName, number> = {
  max_inotify_instances: 1024,
  max_inotify_watches: 524_288,
  max_fanotify_groups: 128,
  max_fanotify_marks: 65_536,
  max_user_namespaces: 4096,
  max_mnt_namespaces: 4096,
  max_pid_namespaces: 4096,
  max_net_namespaces: 4096,
  max_ipc_namespaces: 4096,
  max_uts_namespaces: 4096,
  max_cgroup_namespaces: 4096,
  max_time_namespaces: 4096,
};

/** Namespaces pier itself makes per sandbox (outer + inner user namespace, one of each other kind). */
const PIER_OWN: Partial<Record<UserLimitName, number>> = { max_user_namespaces: 2 };

/** The host sysctl (in `sysctl` dotted form) holding each counter's total for host root. */
export const HOST_SYSCTL: Record<UserLimitName, string> = {
  max_inotify_instances: 'fs.inotify.max_user_instances',
  max_inotify_watches: 'fs.inotify.max_user_watches',
  max_fanotify_groups: 'fs.fanotify.max_user_groups',
  max_fanotify_marks: 'fs.fanotify.max_user_marks',
  max_user_namespaces: 'user.max_user_namespaces',
  max_mnt_namespaces: 'user.max_mnt_namespaces',
  max_pid_namespaces: 'user.max_pid_namespaces',
  max_net_namespaces: 'user.max_net_namespaces',
  max_ipc_namespaces: 'user.max_ipc_namespaces',
  max_uts_namespaces: 'user.max_uts_namespaces',
  max_cgroup_namespaces: 'user.max_cgroup_namespaces',
  max_time_namespaces: 'user.max_time_namespaces',
};

/** Where setup installs the drop-in. */
export const SYSCTL_DROP_IN = '/etc/sysctl.d/60-pier.conf';

/**
 * The host values needed for `sandboxes` sandboxes at once: every share, pier's own
 * namespaces and the host's reserve. Pure.
 */
export function requiredHostSysctls(sandboxes: number): { key: string; value: number }[] {
  return (Object.keys(SANDBOX_USER_LIMITS) as UserLimitName[]).map((name) => ({
    key: HOST_SYSCTL[name],
    value: sandboxes * (SANDBOX_USER_LIMITS[name] + (PIER_OWN[name] ?? 1)) + HOST_RESERVE[name],
  }));
}

/**
 * The text of /etc/sysctl.d/60-pier.conf for `sandboxes` sandboxes. Pure. A value the host
 * already has higher (`current`) is kept: the drop-in only ever raises.
 */
export function renderSysctlDropIn(sandboxes: number, current: Record<string, number | null> = {}): string {
  return [
    `# pier: room for ${sandboxes} sandboxes (config uidRanges) and the host's own programs.`,
    '# Each sandbox is capped at its share inside its own user namespace; these totals are',
    '# host root\'s, which every sandbox\'s counters also count against. Written by',
    '# `pier doctor --sysctl`; applied with `sysctl -p` on this file.',
    ...requiredHostSysctls(sandboxes).map(({ key, value }) => `${key} = ${Math.max(value, current[key] ?? 0)}`),
    '',
  ].join('\n');
}

/** The host's current values of every sysctl requiredHostSysctls names. */
export async function currentHostSysctls(): Promise<Record<string, number | null>> {
  const keys = Object.values(HOST_SYSCTL);
  const values = await Promise.all(keys.map(readSysctl));
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? null]));
}

/** The host's current value of a dotted sysctl, or null when it does not exist here. */
export async function readSysctl(key: string): Promise<number | null> {
  try {
    const value = Number((await readFile(`/proc/sys/${key.replaceAll('.', '/')}`, 'utf8')).trim());
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** The helper's `max_NAME=VALUE` arguments for a sandbox's outer namespace. */
export const sandboxLimitArgs = (): string[] => Object.entries(SANDBOX_USER_LIMITS).map(([name, value]) => `${name}=${value}`);
