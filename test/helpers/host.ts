// What an admin checks from outside a sandbox: its cgroup files, host processes by pid and
// start time, host load, and a shell kept open inside to time round trips.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { detectCgroupMode, sandboxCgroupPath } from '../../sandbox/index.js';
import { driver, hostObjects, runtime } from './sandbox.js';

export const MiB = 1024 * 1024;

/** The host's cgroup layout, read once. */
export const CGROUP_MODE = detectCgroupMode();

/** v1 controller of each file we read, and its v2 name (null: none on v2). */
const CGROUP_FILES = {
  'pids.current': ['pids', 'pids.current'],
  'pids.max': ['pids', 'pids.max'],
  'cgroup.procs': ['pids', 'cgroup.procs'],
  tasks: ['pids', 'cgroup.threads'],
  'memory.limit': ['memory', 'memory.max'],
  'memory.usage': ['memory', 'memory.current'],
  'memory.peak': ['memory', 'memory.peak'],
  'cpu.stat': ['cpu', 'cpu.stat'],
} as const;

const V1_NAMES: Record<keyof typeof CGROUP_FILES, string> = {
  'pids.current': 'pids.current',
  'pids.max': 'pids.max',
  'cgroup.procs': 'cgroup.procs',
  tasks: 'tasks',
  'memory.limit': 'memory.limit_in_bytes',
  'memory.usage': 'memory.usage_in_bytes',
  'memory.peak': 'memory.max_usage_in_bytes',
  'cpu.stat': 'cpu.stat',
};

/** Directory of sandbox `id`'s cgroup for a v1 controller (the unified dir on v2). */
export function cgroupDir(id: string, v1Controller: string): string {
  const rel = sandboxCgroupPath(id);
  return CGROUP_MODE === 'v2' ? path.join('/sys/fs/cgroup', rel) : path.join('/sys/fs/cgroup', v1Controller, rel);
}

/** One of the sandbox's cgroup files, as the host sees it. */
export function cgroupRead(id: string, file: keyof typeof CGROUP_FILES): string {
  const [controller, v2] = CGROUP_FILES[file];
  const name = CGROUP_MODE === 'v2' ? v2 : V1_NAMES[file];
  return readFileSync(path.join(cgroupDir(id, controller), name), 'utf8');
}

export function cgroupNumber(id: string, file: keyof typeof CGROUP_FILES): number {
  const text = cgroupRead(id, file).trim();
  return text === 'max' ? Infinity : Number(text);
}

/** Host pids of the sandbox's processes (its cgroup's cgroup.procs). */
export function cgroupProcs(id: string): number[] {
  return cgroupRead(id, 'cgroup.procs').split('\n').filter(Boolean).map(Number);
}

/** Memory-swap limit: memsw on v1 (null when the kernel lacks it), swap.max on v2. */
export function swapLimit(id: string): { file: string; value: number } | null {
  const file =
    CGROUP_MODE === 'v2' ? path.join(cgroupDir(id, 'memory'), 'memory.swap.max') : path.join(cgroupDir(id, 'memory'), 'memory.memsw.limit_in_bytes');
  if (!existsSync(file)) return null;
  const text = readFileSync(file, 'utf8').trim();
  return { file, value: text === 'max' ? Infinity : Number(text) };
}

/** OOM kills the kernel counted in the sandbox's memory cgroup. */
export function oomKills(id: string): number {
  const file = CGROUP_MODE === 'v2' ? 'memory.events' : 'memory.oom_control';
  const text = readFileSync(path.join(cgroupDir(id, 'memory'), file), 'utf8');
  const m = /^oom_kill (\d+)$/m.exec(text);
  if (!m) throw new Error(`no oom_kill in ${file}: ${text}`);
  return Number(m[1]);
}

/** Every cgroup directory of sandbox `id` on the host (empty once it is gone). */
export function cgroupDirsOf(id: string): string[] {
  // pier-<id> (cgroupfs) or pier-<id>.scope (a systemd scope).
  return execFileSync('find', ['/sys/fs/cgroup', '-maxdepth', '4', '-type', 'd', '(', '-name', `pier-${id}`, '-o', '-name', `pier-${id}.scope`, ')'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
}

/** A host process pinned by pid and start time, so a reused pid is not mistaken for it. */
export interface HostProcess {
  pid: number;
  /** Start time in clock ticks after boot (field 22 of /proc/<pid>/stat). */
  start: string;
  cmdline: string;
}

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces and parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** Pins a live host process; null when it is gone. */
export function hostProcess(pid: number): HostProcess | null {
  const f = statFields(pid);
  if (!f) return null;
  let cmdline = '';
  try {
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    /* exited meanwhile */
  }
  return { pid, start: f[19] ?? '', cmdline };
}

/** What became of a pinned process: gone (or pid reused), a zombie, or still running. */
export function processFate(p: HostProcess): 'gone' | 'zombie' | 'running' {
  const f = statFields(p.pid);
  if (!f || f[19] !== p.start) return 'gone';
  return f[0] === 'Z' || f[0] === 'X' ? 'zombie' : 'running';
}

/** Host processes whose command line contains `text`. */
export function hostProcessesMatching(text: string): HostProcess[] {
  const found: HostProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    const p = hostProcess(Number(name));
    if (p && p.cmdline.includes(text)) found.push(p);
  }
  return found;
}

/** Host processes whose /proc/<pid>/cgroup names any of `ids`' cgroups. */
export function hostProcessesInCgroupsOf(ids: readonly string[]): HostProcess[] {
  const names = ids.map((id) => `/pier-${id}`);
  const found: HostProcess[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cg: string;
    try {
      cg = readFileSync(`/proc/${name}/cgroup`, 'utf8');
    } catch {
      continue;
    }
    if (names.some((n) => cg.includes(n))) {
      const p = hostProcess(Number(name));
      if (p) found.push(p);
    }
  }
  return found;
}

/** Threads (tasks) on the whole host, from /proc/loadavg. */
export function hostThreads(): number {
  const field = readFileSync('/proc/loadavg', 'utf8').split(' ')[3] ?? '';
  return Number(field.split('/')[1]);
}

/** Milliseconds the host takes to fork and run `true`: it is not starved. */
export function hostForkMs(): number {
  const t = performance.now();
  execFileSync('true');
  return performance.now() - t;
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** "p50/p95/max" in ms with one decimal, for messages. */
export function describeLatencies(ms: readonly number[]): string {
  return `n=${ms.length} p50=${percentile(ms, 50).toFixed(1)} p95=${percentile(ms, 95).toFixed(1)} max=${Math.max(...ms).toFixed(1)} ms`;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passed. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/**
 * A bash kept open inside a sandbox (as a student's terminal is): lines written to it run
 * without a new `runc exec`, so they need no fork beyond what the line itself does.
 */
export interface OpenShell {
  /** Sends `line`, resolves with what it printed up to a line equal to `marker`. */
  send(line: string, marker: string, timeoutMs: number): Promise<string>;
  /** Round trip of `echo`: a builtin, no fork; ms. */
  echoMs(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export async function openShell(id: string): Promise<OpenShell> {
  const child = await driver.execPiped(id, { cmd: ['/bin/bash', '--noprofile', '--norc'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
  });
  child.stderr.resume();
  const exited = child.exited.then(() => undefined);
  let seq = 0;
  const send = async (line: string, marker: string, timeoutMs: number): Promise<string> => {
    const start = out.length;
    child.stdin.write(`${line}\n`);
    const pattern = new RegExp(`(^|\\n)${marker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`);
    const ok = await waitFor(() => pattern.test(out.slice(start)), timeoutMs, 2);
    if (!ok) throw new Error(`no "${marker}" within ${timeoutMs} ms after \`${line}\`; got ${JSON.stringify(out.slice(start).slice(-500))}`);
    return out.slice(start);
  };
  return {
    send,
    async echoMs(timeoutMs) {
      const marker = `echo-${++seq}`;
      const t = performance.now();
      await send(`echo ${marker}`, marker, timeoutMs);
      return performance.now() - t;
    },
    async close() {
      child.stdin.end();
      const closed = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!closed) child.kill('SIGKILL');
    },
  };
}

/** Host paths of sandbox `id`'s state. */
export function sandboxDir(id: string): string {
  return path.join(runtime.paths.stateDir, 'sandboxes', id);
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/**
 * Polls leftoversOf until it is empty or `timeoutMs` passed. The sandbox's init is reparented
 * to the host's init when runc exits, and stays a zombie until that reaps it: systemd does
 * at once; some minimal inits (a VM's process_api) take a second or two.
 * @returns what is left, and how long the wait took
 */
export async function waitForNoLeftovers(ids: readonly string[], networkIds: readonly string[] = [], timeoutMs = 5000): Promise<{ left: string[]; waitedMs: number }> {
  const t = performance.now();
  let left = leftoversOf(ids, networkIds);
  while (left.length > 0 && performance.now() - t < timeoutMs) {
    await sleep(50);
    left = leftoversOf(ids, networkIds);
  }
  return { left, waitedMs: performance.now() - t };
}

/**
 * Everything on the host still named after sandboxes `ids` or networks `networkIds` (a
 * sandbox's implicit network takes its id): links, mounts, cgroups, runc containers and
 * state, loop devices, state directories, subnet claims, firewall elements, processes.
 * Empty when they are completely gone. Matching by id keeps other sandboxes on the host
 * out of it.
 */
export function leftoversOf(ids: readonly string[], networkIds: readonly string[] = []): string[] {
  const all = [...new Set([...ids, ...networkIds])];
  const named = (text: string) => all.some((id) => text.includes(id));
  const found: string[] = [];
  for (const [kind, list] of Object.entries(hostObjects())) for (const o of list) if (named(o)) found.push(`${kind}: ${o}`);
  const loops = execFileSync('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'], { encoding: 'utf8' });
  for (const l of loops.split('\n')) if (named(l)) found.push(`loop: ${l.trim()}`);
  for (const id of ids) {
    if (existsSync(sandboxDir(id))) found.push(`state dir: ${sandboxDir(id)}`);
    const runcState = path.join(runtime.paths.runcRoot, `pier-${id}`);
    if (existsSync(runcState)) found.push(`runc state: ${runcState}`);
  }
  for (const id of all) {
    const dir = path.join(runtime.paths.stateDir, 'networks', id);
    if (existsSync(dir)) found.push(`network dir: ${dir}`);
  }
  const claims = path.join(runtime.paths.stateDir, 'subnets');
  for (const n of existsSync(claims) ? readdirSync(claims) : []) {
    const owner = readOr(path.join(claims, n, 'network'), '').trim();
    if (all.includes(owner)) found.push(`subnet claim ${n} of ${owner}`);
  }
  const nft = (() => {
    try {
      return execFileSync('nft', ['list', 'table', 'inet', 'pier'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  })();
  for (const id of all) if (nft.includes(id)) found.push(`firewall element naming ${id}`);
  const describe = (p: HostProcess) => `${p.pid} (${processFate(p)}, ${readOr(`/proc/${p.pid}/comm`, '?').trim()}) ${p.cmdline}`;
  for (const p of hostProcessesInCgroupsOf(ids)) found.push(`process in its cgroup: ${describe(p)}`);
  for (const id of ids) for (const p of hostProcessesMatching(`pier-${id}`)) found.push(`process naming it: ${describe(p)}`);
  return found;
}
