// Hands a sandbox's cgroup v2 subtree to the sandbox's root (cgroup-v2.rst "Delegation"):
// init moves into a leaf, the controllers are enabled below the sandbox's cgroup, and the
// cgroup's directory and its three delegation files are chowned to the sandbox's root.
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SandboxError } from '../errors.js';
import { CGROUP_ROOT } from '../stats/cgroup.js';

/**
 * The leaf every process of a delegated sandbox runs in (init, and each `runc exec --cgroup`),
 * relative to the sandbox's cgroup: its namespace root must hold no process for the sandbox
 * to enable controllers for its own children (the no-internal-processes rule).
 */
export const SANDBOX_LEAF = 'init';

/**
 * crun's systemd driver otherwise runs the container in `<scope>/container` (and chowns that);
 * empty keeps it in the scope itself, as runc does, so both get the same delegation below.
 */
export const CRUN_NO_SUBGROUP = { 'run.oci.systemd.subgroup': '' } as const;

/** The files a delegatee must own besides the directory (cgroup-v2.rst, "Delegation Containment"). */
const DELEGATED_FILES = ['cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control'] as const;

/** Controllers handed down when the sandbox's cgroup has them. */
const CONTROLLERS = ['cpu', 'memory', 'pids', 'io'] as const;

/** How many rounds moving processes may take (a process forking while it is moved). */
const MOVE_ROUNDS = 50;

/**
 * Delegates the sandbox cgroup `rel` (relative to the v2 root) to host uid/gid `owner`.
 * Why this is safe: the sandbox's limits live in files of `rel` itself (memory.max, pids.max,
 * cpu.max), which stay root's; nsdelegate (systemd mounts cgroup2 with it) refuses writes to
 * a namespace root's interface files from inside anyway; and what the sandbox may create
 * below stays inside those limits. Nothing above `rel` is visible in its cgroup namespace.
 * @throws SandboxError RUNC_FAILED when a step is refused
 */
export async function delegateSubtree(rel: string, owner: number, root = CGROUP_ROOT): Promise<void> {
  const dir = path.join(root, rel);
  const leaf = path.join(dir, SANDBOX_LEAF);
  try {
    await mkdir(leaf, { recursive: true });
    for (let round = 0; ; round++) {
      const pids = (await readFile(path.join(dir, 'cgroup.procs'), 'utf8')).split('\n').filter(Boolean);
      if (pids.length === 0) break;
      if (round >= MOVE_ROUNDS) throw new Error(`processes keep appearing in ${dir}`);
      for (const pid of pids) await writeFile(path.join(leaf, 'cgroup.procs'), pid).catch(() => undefined);
    }
    const available = (await readFile(path.join(dir, 'cgroup.controllers'), 'utf8')).trim().split(/\s+/);
    const enable = CONTROLLERS.filter((c) => available.includes(c)).map((c) => `+${c}`);
    if (enable.length > 0) await writeFile(path.join(dir, 'cgroup.subtree_control'), enable.join(' '));
    for (const d of [dir, leaf]) {
      await chown(d, owner, owner);
      for (const f of DELEGATED_FILES) await chown(path.join(d, f), owner, owner);
    }
  } catch (err) {
    throw new SandboxError('RUNC_FAILED', `cannot delegate cgroup ${rel}: ${(err as Error).message}`, { cause: err });
  }
}
