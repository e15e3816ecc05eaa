// Readiness (/readyz): may this server take a new student now? Four checks — the sandbox
// runtime, the sandbox image, the database, capacity — each answering ok or a reason. The
// answer is cached briefly so a load balancer polling every second costs nothing.
import { admit, type AdmissionReserve } from '../sessions/admission.js';
import type { HostHeadroom } from './host.js';

/** One check's verdict. */
export interface CheckVerdict {
  ok: boolean;
  /** Why not (or a short detail when ok). */
  detail: string;
}

/** The whole answer of /readyz. */
export interface Readiness {
  ready: boolean;
  checks: Record<'runtime' | 'image' | 'database' | 'capacity', CheckVerdict>;
}

/** What readiness asks. Each may throw; a throw is a failed check whose message is the reason. */
export interface ReadinessSources {
  /** null when the runtime is usable, else the problem. */
  runtimeProblem: () => Promise<string | null>;
  /** Resolves with the image id; rejects when the image of the current recipe is not built. */
  image: () => Promise<string>;
  /** Reads one row from the database. */
  database: () => void;
  liveSessions: () => number;
  maxSessions: number;
  headroom: () => HostHeadroom;
  reserve: AdmissionReserve;
}

async function verdict(run: () => Promise<string>): Promise<CheckVerdict> {
  try {
    return { ok: true, detail: await run() };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}

const mib = (n: number) => `${Math.round(n / 1024 ** 2)} MiB`;

/** The capacity check alone: the session cap, then host memory and disk against the reserve. */
export function capacityVerdict(s: Pick<ReadinessSources, 'liveSessions' | 'maxSessions' | 'headroom' | 'reserve'>): CheckVerdict {
  const live = s.liveSessions();
  if (live >= s.maxSessions) return { ok: false, detail: `full: ${live} of ${s.maxSessions} sessions (maxSessions)` };
  const h = s.headroom();
  const a = admit({ memoryBytes: h.memoryAvailableBytes, diskBytes: h.diskFreeBytes }, s.reserve);
  if (!a.ok) return { ok: false, detail: `free ${a.resource} ${mib(a.freeBytes)} is at the reserve ${mib(a.reserveBytes)}` };
  return { ok: true, detail: `${live} of ${s.maxSessions} sessions; ${mib(h.memoryAvailableBytes)} memory and ${mib(h.diskFreeBytes)} disk free` };
}

/** Creates the readiness probe. */
export function createReadiness(s: ReadinessSources): () => Promise<Readiness> {
  let inFlight: Promise<Readiness> | null = null;
  const compute = async (): Promise<Readiness> => {
    const [runtime, image, database, capacity] = await Promise.all([
      verdict(async () => {
        const problem = await s.runtimeProblem();
        if (problem !== null) throw new Error(`no usable sandbox runtime: ${problem}`);
        return 'usable';
      }),
      verdict(async () => `image ${await s.image()}`),
      verdict(async () => (s.database(), 'reads')),
      verdict(async () => {
        const c = capacityVerdict(s);
        if (!c.ok) throw new Error(c.detail);
        return c.detail;
      }),
    ]);
    const checks = { runtime, image, database, capacity };
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  };
  return () => (inFlight ??= compute().finally(() => (inFlight = null)));
}
