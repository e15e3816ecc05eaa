// Reconciliation: reads saved sandbox state, asks runc and the kernel what really exists,
// adopts what is live and removes what is broken or orphaned. Every host object is named
// from an id (layout.ts), which is how orphans are recognised.
import { readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { SandboxError } from '../errors.js';
import type { ReconcileReport, SandboxInfo, SandboxListing } from '../types.js';
import { ID_PATTERN, NAME, cgroupParentPath, sandboxPaths, type RuntimePaths } from '../layout.js';
import { runcList, runcState, runcDeleteForce, type RuncState } from './runc.js';
import { currentMounts, mountsUnder, unmount } from '../host/mounts.js';
import { cgroupDirs, detectCgroupManager, type CgroupMode } from '../stats/cgroup.js';
import { isAlive } from '../host/processes.js';
import { runCommand } from '../host/command.js';
import * as net from '../net/index.js';
import { reconcileIdRanges } from '../idmap/reconcile.js';

const LimitsSchema = z.object({
  memoryBytes: z.number(),
  pids: z.number(),
  cpus: z.number(),
  diskBytes: z.number(),
  inodes: z.number(),
  nofile: z.number(),
  shmBytes: z.number(),
});

const InfoSchema = z.object({
  id: z.string().regex(ID_PATTERN),
  containerId: z.string(),
  hostname: z.string(),
  network: z.string(),
  address: z.string(),
  image: z.string(),
  limits: LimitsSchema,
  labels: z.record(z.string(), z.string()),
  createdAt: z.string(),
  idRange: z
    .object({ index: z.number().int().nonnegative().nullable(), hostId: z.number().int().positive(), size: z.number().int().positive() })
    .optional(),
});

/**
 * Label naming a process that owns a sandbox (`pier sandbox run` sets it): when that process
 * is gone, reconciliation removes the sandbox instead of adopting it.
 */
export const OWNER_PID_LABEL = 'pier.owner-pid';

/** Reads `sandbox.json`; null when the sandbox does not exist. */
export async function readSandboxInfo(paths: RuntimePaths, id: string): Promise<SandboxInfo | null> {
  let text: string;
  try {
    text = await readFile(sandboxPaths(paths, id).info, 'utf8');
  } catch {
    return null;
  }
  const parsed = InfoSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new SandboxError('STATE_CORRUPT', `sandbox ${id}: ${parsed.error.message}`);
  return parsed.data;
}

/** Pid recorded by a create still in progress, or null when none is. */
async function creatorPid(paths: RuntimePaths, id: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(path.join(sandboxPaths(paths, id).dir, 'creating'), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : -1;
  } catch {
    return null;
  }
}

async function sandboxIds(paths: RuntimePaths): Promise<string[]> {
  try {
    return (await readdir(path.join(paths.stateDir, 'sandboxes'))).filter((n) => ID_PATTERN.test(n));
  } catch {
    return [];
  }
}

/** A listing with the host pid of the sandbox's init (inside sandbox/ only, never public). */
export interface HostListing extends SandboxListing {
  pid: number | null;
}

/**
 * Every sandbox with a directory in the state dir and its live status. Sandboxes being
 * created by a live process are left out (they are not ours to judge yet).
 */
export async function listSandboxes(paths: RuntimePaths): Promise<HostListing[]> {
  const mounts = currentMounts();
  const out: HostListing[] = [];
  for (const id of await sandboxIds(paths)) {
    const creator = await creatorPid(paths, id);
    if (creator !== null && creator > 0 && isAlive(creator)) continue;
    let info: SandboxInfo | null = null;
    let problem: string | undefined;
    try {
      info = await readSandboxInfo(paths, id);
    } catch (err) {
      problem = (err as Error).message;
    }
    const base: SandboxInfo = info ?? {
      id,
      containerId: `${NAME.container}${id}`,
      hostname: '?',
      network: '',
      address: '',
      image: '',
      limits: { memoryBytes: 0, pids: 0, cpus: 0, diskBytes: 0, inodes: 0, nofile: 0, shmBytes: 0 },
      labels: {},
      createdAt: '',
    };
    const owner = Number(info?.labels[OWNER_PID_LABEL] ?? NaN);
    if (!info) problem ??= 'no saved state (creation was interrupted)';
    else if (creator !== null) problem = 'creation was interrupted';
    else if (Number.isInteger(owner) && !isAlive(owner)) problem = `its owner process ${owner} is gone`;
    const read = await readState(paths.runcRoot, base.containerId);
    const state = read.state;
    if (read.error !== undefined) problem ??= `cannot read its state: ${read.error}`;
    const rootMounted = mounts.some((m) => m.mountPoint === sandboxPaths(paths, id).rootfs);
    let status: SandboxListing['status'] = 'broken';
    if (!problem && state?.status === 'running' && rootMounted) status = 'running';
    else if (!problem && state?.status === 'stopped') status = 'stopped';
    if (!problem && status === 'broken') problem = !state ? 'runc has no container' : !rootMounted ? 'root filesystem not mounted' : `runc status ${state.status}`;
    out.push({
      ...base,
      status,
      pid: state && state.pid > 0 ? state.pid : null,
      ...(problem ? { problem } : {}),
      ...(read.error !== undefined ? { uncertain: true } : {}),
    });
  }
  return out;
}

/** How long to wait before asking runc a second time after an error. */
const STATE_RETRY_MS = 100;

/**
 * `runc state`, asked twice when it answers an error other than "does not exist" (a busy
 * state file, a runc being killed…): `error` is set only when both attempts failed.
 */
async function readState(root: string, containerId: string): Promise<{ state: RuncState | null; error?: string }> {
  try {
    return { state: await runcState(root, containerId) };
  } catch {
    await new Promise((r) => setTimeout(r, STATE_RETRY_MS));
    try {
      return { state: await runcState(root, containerId) };
    } catch (err) {
      return { state: null, error: (err as Error).message };
    }
  }
}

/**
 * Adopts live sandboxes, tears down the rest with `teardown`, then removes host objects
 * named like pier's that belong to no known sandbox or network.
 */
export async function reconcileHost(
  paths: RuntimePaths,
  mode: CgroupMode,
  teardown: (id: string) => Promise<void>,
): Promise<ReconcileReport> {
  const report: ReconcileReport = { adopted: [], removed: [], orphans: [], skipped: [] };
  const adopted: SandboxInfo[] = [];
  for (const s of await listSandboxes(paths)) {
    if (s.status === 'running') {
      report.adopted.push(s.id);
      adopted.push(s);
    } else if (s.uncertain) {
      // Never tear down what may be another server's live sandbox; the next pass decides.
      report.skipped.push(`${s.id}: ${s.problem ?? 'state unknown'}`);
    } else {
      await teardown(s.id);
      report.removed.push(s.id);
    }
  }
  // Whatever still has a directory is live or being created by another process.
  const known = new Set(await sandboxIds(paths));
  const idOf = (name: string, prefix: string): string | null => {
    const id = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    return ID_PATTERN.test(id) ? id : null;
  };

  for (const c of await runcList(paths.runcRoot)) {
    const id = idOf(c.id, NAME.container);
    if (id && !known.has(id)) {
      await runcDeleteForce(paths.runcRoot, c.id);
      report.orphans.push(`runc container ${c.id}`);
    }
  }

  const manager = detectCgroupManager();
  for (const parent of cgroupDirs(mode, cgroupParentPath(manager))) {
    let children: string[] = [];
    try {
      children = await readdir(parent);
    } catch {
      continue;
    }
    for (const child of children) {
      // systemd's scopes are pier-<id>.scope; cgroupfs directories are pier-<id>.
      const scope = manager === 'systemd' && child.endsWith('.scope');
      const id = idOf(scope ? child.slice(0, -'.scope'.length) : child, NAME.container);
      if (!id || known.has(id)) continue;
      const dir = path.join(parent, child);
      await killCgroup(dir);
      // A scope is systemd's to remove: it stops once empty; stop it now so it is gone.
      if (scope) await runCommand('systemctl', ['stop', child]);
      else await rmdir(dir).catch(() => undefined);
      if (!existsSync(dir)) report.orphans.push(`cgroup ${dir}`);
    }
  }

  const sandboxesDir = path.join(paths.stateDir, 'sandboxes');
  for (const m of mountsUnder(sandboxesDir)) {
    const id = path.relative(sandboxesDir, m.mountPoint).split(path.sep)[0] ?? '';
    if (!known.has(id)) {
      await unmount(m.mountPoint);
      report.orphans.push(`mount ${m.mountPoint}`);
    }
  }
  for (const loop of await loopDevicesUnder(sandboxesDir)) {
    const id = path.relative(sandboxesDir, loop.backingFile).split(path.sep)[0] ?? '';
    if (!known.has(id)) {
      await runCommand('losetup', ['--detach', loop.device]);
      report.orphans.push(`loop device ${loop.device}`);
    }
  }

  report.orphans.push(...(await net.reconcileNetworks(paths, known)));
  report.orphans.push(...(await reconcileIdRanges(paths, known, adopted)));
  return report;
}

/** Kills every process in a cgroup directory (v2: cgroup.kill; v1: each task). */
async function killCgroup(dir: string): Promise<void> {
  if (existsSync(path.join(dir, 'cgroup.kill'))) {
    await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
    return;
  }
  const procs = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  for (const pid of procs.split('\n').filter(Boolean).map(Number)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

/** Loop devices whose backing file lies under `dir`. */
async function loopDevicesUnder(dir: string): Promise<{ device: string; backingFile: string }[]> {
  const out: { device: string; backingFile: string }[] = [];
  let names: string[] = [];
  try {
    names = (await readdir('/sys/block')).filter((n) => n.startsWith('loop'));
  } catch {
    return out;
  }
  for (const name of names) {
    const backing = await readFile(`/sys/block/${name}/loop/backing_file`, 'utf8').catch(() => '');
    const file = backing.trim().replace(/ \(deleted\)$/, '');
    if (file.startsWith(`${dir}/`)) out.push({ device: `/dev/${name}`, backingFile: file });
  }
  return out;
}
