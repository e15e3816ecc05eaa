// Admission of a new sandbox: refused while the host's free memory (MemAvailable) or the
// state dir's free disk would drop below the configured reserve. Cheap: one small read and
// one statfs per create.
import { readFileSync, statfsSync } from 'node:fs';
import { ServerError } from '../errors.js';

/** What the host has free right now. */
export interface HostFree {
  memoryBytes: number;
  diskBytes: number;
}

/** The free memory and disk a new sandbox must leave (config `admissionReserve`). */
export interface AdmissionReserve {
  memoryBytes: number;
  diskBytes: number;
}

/** What a fresh node takes before its student does anything (a shell, its ext4 disk's metadata). */
export const NODE_FOOTPRINT = { memoryBytes: 64 * 1024 ** 2, diskBytes: 64 * 1024 ** 2 } as const;

/** Seconds a refused client is told to wait (Retry-After). */
export const HOST_BUSY_RETRY_S = 30;

/** The admission decision: ok, or which resource would cross its reserve. */
export type Admission = { ok: true } | { ok: false; resource: 'memory' | 'disk'; freeBytes: number; reserveBytes: number };

/** Whether `nodes` new nodes fit: each resource's free amount minus their footprint stays ≥ its reserve. */
export function admit(free: HostFree, reserve: AdmissionReserve, nodes = 1): Admission {
  if (free.memoryBytes - nodes * NODE_FOOTPRINT.memoryBytes < reserve.memoryBytes) {
    return { ok: false, resource: 'memory', freeBytes: free.memoryBytes, reserveBytes: reserve.memoryBytes };
  }
  if (free.diskBytes - nodes * NODE_FOOTPRINT.diskBytes < reserve.diskBytes) {
    return { ok: false, resource: 'disk', freeBytes: free.diskBytes, reserveBytes: reserve.diskBytes };
  }
  return { ok: true };
}

/** Reads MemAvailable from /proc/meminfo and the free space of `stateDir` (statfs, as non-root sees it). */
export function readHostFree(stateDir: string): HostFree {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  const fs = statfsSync(stateDir);
  return { memoryBytes: m ? Number(m[1]) * 1024 : 0, diskBytes: fs.bavail * fs.bsize };
}

const mib = (n: number) => `${Math.round(n / 1024 ** 2)} MiB`;

/** An admission check for the session manager: throws HOST_BUSY (503, Retry-After) when refused. */
export function hostAdmission(stateDir: string, reserve: AdmissionReserve): (nodes: number) => void {
  return (nodes) => {
    const decision = admit(readHostFree(stateDir), reserve, nodes);
    if (!decision.ok) {
      throw new ServerError('HOST_BUSY', `free ${decision.resource} ${mib(decision.freeBytes)} would drop below the reserve ${mib(decision.reserveBytes)}`, {
        retryAfterSeconds: HOST_BUSY_RETRY_S,
      });
    }
  };
}
