// What the host has left: memory, disk of the state dir, and process ids. Read from /proc and
// statfs on demand (a few hundred bytes each), for /readyz, /metrics and the admin page.
import { readFileSync } from 'node:fs';
import { readHostFree } from '../sessions/admission.js';

/** Host headroom right now. */
export interface HostHeadroom {
  /** MemAvailable. */
  memoryAvailableBytes: number;
  memoryTotalBytes: number;
  /** Free space of the state dir's file system. */
  diskFreeBytes: number;
  /** Tasks (threads) that may still be created: min(pid_max, threads-max) minus those that exist. */
  pidsFree: number;
  pidsMax: number;
}

const readNumber = (file: string): number => Number(readFileSync(file, 'utf8').trim());

/** Reads the host's headroom; `stateDir` names the file system whose free space counts. */
export function readHeadroom(stateDir: string): HostHeadroom {
  const free = readHostFree(stateDir);
  const total = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  // /proc/loadavg's fourth field is "runnable/existing" scheduling entities (tasks).
  const tasks = Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[3]?.split('/')[1] ?? 0);
  const pidsMax = Math.min(readNumber('/proc/sys/kernel/pid_max'), readNumber('/proc/sys/kernel/threads-max'));
  return {
    memoryAvailableBytes: free.memoryBytes,
    memoryTotalBytes: total ? Number(total[1]) * 1024 : 0,
    diskFreeBytes: free.diskBytes,
    pidsFree: Math.max(0, pidsMax - tasks),
    pidsMax,
  };
}
