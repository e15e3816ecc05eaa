// A lock file holding its owner's pid, so that two `pier` processes (say `npm start` and
// `npm test`) do not build the same image twice at once; a dead owner's lock is taken over.
import { openSync, closeSync, writeSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxError } from '../errors.js';

/** A lock older than this is stale even if its pid is alive (pids get reused). */
export const LOCK_STALE_MS = 2 * 60 * 60 * 1000;
/** A lock file still empty this soon after its creation is being written, not broken. */
const LOCK_WRITE_GRACE_MS = 5_000;
/** How often a waiting process looks at the lock again. */
export const LOCK_POLL_MS = 500;
/** How long to wait for another live builder before giving up. */
export const LOCK_WAIT_MS = 60 * 60 * 1000;

/** True when a process with this pid exists (EPERM: it exists, owned by someone else). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file and its age, or null when there is no lock file. */
function readLock(file: string): { pid: number; ageMs: number } | null {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return { pid, ageMs: Date.now() - statSync(file).mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Creates the lock file with our pid; false when it exists already. */
function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Options of acquireLock. */
export interface LockOptions {
  /** Called once when another live process holds the lock and we start waiting. */
  onWait?: (pid: number) => void;
  /** Give up after this long (default LOCK_WAIT_MS). */
  waitMs?: number;
  signal?: AbortSignal;
}

/**
 * Takes the lock file `file`, waiting while another live process holds it. A lock whose
 * pid is dead, or older than LOCK_STALE_MS, is removed and taken over.
 *
 * Two processes taking over the same stale lock at the same instant could both win. The
 * lock only saves duplicate work: the build's final rename is atomic and refuses an
 * existing target, so a lost race costs time, never a half image.
 * @returns a function that releases the lock (only if it is still ours)
 * @throws SandboxError IMAGE_BUILD_FAILED when the wait times out
 */
export async function acquireLock(file: string, options: LockOptions = {}): Promise<() => void> {
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  let told = false;
  for (;;) {
    if (options.signal?.aborted) {
      throw new SandboxError('IMAGE_BUILD_FAILED', `interrupted while waiting for ${file}`, { cause: options.signal.reason });
    }
    if (tryCreate(file)) break;
    const held = readLock(file);
    if (held === null) continue; // released between our two looks
    const beingWritten = Number.isNaN(held.pid) && held.ageMs < LOCK_WRITE_GRACE_MS;
    if (!beingWritten && (!pidAlive(held.pid) || held.ageMs > LOCK_STALE_MS)) {
      try {
        unlinkSync(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new SandboxError('IMAGE_BUILD_FAILED', `${file} is still held by pid ${held.pid}; gave up waiting`);
    }
    if (!told && !beingWritten) {
      options.onWait?.(held.pid);
      told = true;
    }
    await sleep(LOCK_POLL_MS);
  }
  return () => {
    if (readLock(file)?.pid === process.pid) unlinkSync(file);
  };
}
