// A lesson's requested sandbox limits, clamped to the server's own: a lesson may ask for
// less than the server gives, never more.
import { parseSize } from '../../config.js';
import type { SandboxLimits } from '../../../sandbox/index.js';
import type { LessonFrontMatter } from '../model.js';

/** The limits of a lesson's nodes: each requested value, at most the server's `max`. */
export function lessonLimits(requested: LessonFrontMatter['limits'], max: Pick<SandboxLimits, 'memoryBytes' | 'pids' | 'cpus' | 'diskBytes'>): Partial<SandboxLimits> {
  const out: Partial<SandboxLimits> = {};
  if (!requested) return out;
  const clamp = (v: number | null | undefined, cap: number) => (v === null || v === undefined || v <= 0 ? undefined : Math.min(v, cap));
  const memory = clamp(requested.memory === undefined ? undefined : parseSize(requested.memory), max.memoryBytes);
  const disk = clamp(requested.disk === undefined ? undefined : parseSize(requested.disk), max.diskBytes);
  const pids = clamp(requested.pids, max.pids);
  const cpus = clamp(requested.cpus, max.cpus);
  if (memory !== undefined) out.memoryBytes = memory;
  if (disk !== undefined) out.diskBytes = disk;
  if (pids !== undefined) out.pids = pids;
  if (cpus !== undefined) out.cpus = cpus;
  return out;
}
