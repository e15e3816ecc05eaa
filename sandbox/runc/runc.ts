// Thin wrappers over the `runc` command that keep runc's verbs (run, exec, state, kill,
// delete, list) and parse its JSON answers with zod.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { SandboxError } from '../errors.js';
import { runCommand, formatCommand } from '../host/command.js';
import { isRunning } from '../host/processes.js';
import { detectCgroupManager } from '../stats/cgroup.js';
import type { OciRuntimeName } from '../host/oci-runtime.js';

/** runc's binary name; Debian installs it in /usr/sbin. */
export const RUNC = 'runc';

let chosen: OciRuntimeName = 'runc';

/** Sets the runtime every wrapper here calls (runc or crun: both take runc's command line). */
export function useRuntime(name: OciRuntimeName): void {
  chosen = name;
}

/** The runtime binary the wrappers call (default runc). */
export function runtimeBinary(): OciRuntimeName {
  return chosen;
}
/** How long `runc run -d` may take before the start is abandoned. */
export const RUNC_START_TIMEOUT_MS = 20_000;

/** Environment of runc itself: nothing of the server's leaks into the sandbox. */
export const RUNC_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' } as const;

/**
 * runc's global flags: its state root, and `--systemd-cgroup` where systemd manages cgroups
 * (runc then asks systemd over D-Bus for a delegated scope per container; every verb needs
 * the flag to find the container's cgroup again).
 */
export function runcGlobal(root: string): string[] {
  return detectCgroupManager() === 'systemd' ? ['--root', root, '--systemd-cgroup'] : ['--root', root];
}

const StateSchema = z.object({
  id: z.string(),
  pid: z.number().int(),
  status: z.enum(['creating', 'created', 'running', 'paused', 'stopped']),
  bundle: z.string(),
});
/** What `runc state` says of a container. */
export type RuncState = z.infer<typeof StateSchema>;

/**
 * Starts the container of `bundle` detached (`runc run -d`). The container's own stdio goes
 * to /dev/null; runc's errors go to `logFile`, read back on failure.
 * @returns the host pid of the container's init
 */
export function runcRun(root: string, id: string, bundle: string, logFile: string): Promise<number> {
  // --no-new-keyring: otherwise runc makes a session keyring named `_ses.pier-<id>` owned by
  // the sandbox root's host uid, which every sandbox shares — so any student could list all
  // live sandbox ids in a fresh procfs's /proc/keys (docs/SECURITY.md #22, found by its test).
  const pidFile = `${bundle}/init.pid`;
  const args = [...runcGlobal(root), 'run', '--detach', '--no-new-keyring', '--pid-file', pidFile, '--bundle', bundle, id];
  return new Promise((resolve, reject) => {
    const logFd = openSync(logFile, 'w');
    // Detached init inherits runc's stdio: a pipe here would never close, so a file.
    const child = spawn(runtimeBinary(), args, { env: RUNC_ENV, stdio: ['ignore', logFd, logFd] });
    closeSync(logFd);
    const timer = setTimeout(() => child.kill('SIGKILL'), RUNC_START_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new SandboxError('RUNC_FAILED', `cannot run ${formatCommand(runtimeBinary(), args)}: ${err.message}`, { cause: err }));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (Number.isInteger(pid) && pid > 0) return resolve(pid);
        return reject(new SandboxError('RUNC_FAILED', `runc wrote no pid to ${pidFile}`));
      }
      const log = safeRead(logFile).trim().split('\n').slice(-5).join('\n');
      const code_ = signal === 'SIGKILL' ? 'SANDBOX_START_TIMEOUT' : 'RUNC_FAILED';
      reject(new SandboxError(code_, `${formatCommand(runtimeBinary(), args)} exited ${code ?? signal}: ${log}`));
    });
  });
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** `runc state`; null when runc does not know the container. */
export async function runcState(root: string, id: string): Promise<RuncState | null> {
  const result = await runCommand(runtimeBinary(), [...runcGlobal(root), 'state', id]);
  if (result.code !== 0) {
    if (/does not exist|not exist|no such file/i.test(result.stderr)) return null;
    throw new SandboxError('RUNC_FAILED', `runc state ${id}: ${result.stderr.trim()}`);
  }
  const parsed = StateSchema.safeParse(JSON.parse(result.stdout));
  if (!parsed.success) throw new SandboxError('RUNC_FAILED', `runc state ${id}: unexpected output ${result.stdout.slice(0, 200)}`);
  return parsed.data;
}

/** `runc list`: every container under `root`. */
export async function runcList(root: string): Promise<RuncState[]> {
  const result = await runCommand(runtimeBinary(), [...runcGlobal(root), 'list', '--format', 'json']);
  if (result.code !== 0) {
    // runc answers an error when its root does not exist yet: no containers.
    if (/no such file/i.test(result.stderr)) return [];
    throw new SandboxError('RUNC_FAILED', `runc list: ${result.stderr.trim()}`);
  }
  const parsed = z.array(StateSchema).nullable().safeParse(JSON.parse(result.stdout || 'null'));
  if (!parsed.success) throw new SandboxError('RUNC_FAILED', `runc list: unexpected output ${result.stdout.slice(0, 200)}`);
  return parsed.data ?? [];
}

/** How long to wait for a killed init to exit before falling back to `delete --force`. */
export const INIT_EXIT_WAIT_MS = 2_000;
const INIT_EXIT_POLL_MS = 2;

const gone = (stderr: string): boolean => /does not exist|not exist/i.test(stderr);

/**
 * Kills every process of the container and removes its state and cgroup. Succeeds when
 * the container is already gone.
 *
 * SIGKILL to init empties the whole pid namespace (nested ones and daemons too). We wait
 * for init to die (a zombie counts: the host's init reaps it) in 2 ms steps, then `runc delete`: `runc delete --force` alone polls
 * in 100 ms steps and made teardown ~110 ms slower (measured).
 */
export async function runcDeleteForce(root: string, id: string): Promise<void> {
  const state = await runcState(root, id);
  if (state === null) return;
  if (state.status !== 'stopped' && state.pid > 0) {
    try {
      process.kill(state.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    const deadline = Date.now() + INIT_EXIT_WAIT_MS;
    while (isRunning(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, INIT_EXIT_POLL_MS));
  }
  let result = await runCommand(runtimeBinary(), [...runcGlobal(root), 'delete', id]);
  if (result.code !== 0 && !gone(result.stderr)) {
    result = await runCommand(runtimeBinary(), [...runcGlobal(root), 'delete', '--force', id]);
  }
  if (result.code !== 0 && !gone(result.stderr)) {
    throw new SandboxError('RUNC_FAILED', `runc delete ${id}: ${result.stderr.trim()}`);
  }
}

/** Options of `runc exec`. */
export interface RuncExecArgs {
  root: string;
  id: string;
  cmd: string[];
  env: Record<string, string>;
  cwd: string;
  tty: boolean;
  /** Sub-cgroup of the container's cgroup to run in (`--cgroup`, a delegated sandbox's leaf). */
  cgroup?: string;
}

/** argv of `runc exec` (without the binary) for spawning under a pty or with pipes. */
export function runcExecArgv(o: RuncExecArgs): string[] {
  const args = [...runcGlobal(o.root), 'exec', '--cwd', o.cwd];
  if (o.tty) args.push('--tty');
  if (o.cgroup) args.push('--cgroup', o.cgroup);
  for (const [k, v] of Object.entries(o.env)) args.push('--env', `${k}=${v}`);
  args.push(o.id, ...o.cmd);
  return args;
}
