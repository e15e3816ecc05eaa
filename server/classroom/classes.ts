// Classes: their settings validated (on write and when read back from the database) and
// clamped to the server's hard caps, whether one is open now, its join link and QR code,
// and what a class session gets (limits, nodes, length).
import QRCode from 'qrcode';
import { ClassSettings, type ClassLimits, type ClassView } from '../../protocol/classroom.js';
import type { SandboxLimits } from '../../sandbox/index.js';
import { ServerError } from '../errors.js';
import type { ClassRow } from '../store/store.js';
import { formatJoinCode } from './join-code.js';

const MIB = 1024 * 1024;

/** The server's hard caps a class's settings are clamped to (config.limits, sessionMaxLifetime). */
export interface ClassCaps {
  memoryBytes: number;
  cpus: number;
  pids: number;
  diskBytes: number;
  /** Longest session (ms). */
  maxLifetimeMs: number;
}

/** Lesson ids the catalog knows (lessons of a class must exist). */
export type KnownLesson = (id: string) => boolean;

/**
 * Settings as stored: parsed, every limit at most the server's cap, the session length at
 * most the server's maximum, lessons deduplicated and locks only of the class's lessons.
 */
export function clampSettings(s: ClassSettings, caps: ClassCaps): ClassSettings {
  const limits: Partial<ClassLimits> = {};
  const min = (v: number | undefined, cap: number) => (v === undefined ? undefined : Math.min(v, cap));
  const memoryMiB = min(s.limits.memoryMiB, Math.floor(caps.memoryBytes / MIB));
  const diskMiB = min(s.limits.diskMiB, Math.floor(caps.diskBytes / MIB));
  const cpus = min(s.limits.cpus, caps.cpus);
  const pids = min(s.limits.pids, caps.pids);
  if (memoryMiB !== undefined) limits.memoryMiB = memoryMiB;
  if (cpus !== undefined) limits.cpus = cpus;
  if (pids !== undefined) limits.pids = pids;
  if (diskMiB !== undefined) limits.diskMiB = diskMiB;
  const lessons = [...new Set(s.lessons)];
  return {
    ...s,
    lessons,
    lockedLessons: [...new Set(s.lockedLessons)].filter((l) => lessons.includes(l)),
    limits,
    sessionMinutes: Math.max(5, Math.min(s.sessionMinutes, Math.floor(caps.maxLifetimeMs / 60_000))),
  };
}

/**
 * Validates settings a client sent (already zod-parsed): lessons must exist, the schedule
 * must not end before it starts. Returns them clamped.
 * @throws INVALID_REQUEST naming the problem
 */
export function checkSettings(s: ClassSettings, caps: ClassCaps, known: KnownLesson): ClassSettings {
  const unknown = s.lessons.filter((l) => !known(l));
  if (unknown.length > 0) throw new ServerError('INVALID_REQUEST', `unknown lessons ${unknown.join(', ')}`, { userMessage: `Invalid request: no such lesson: ${unknown.join(', ')}`.slice(0, 300) });
  if (s.opensAt !== null && s.closesAt !== null && Date.parse(s.closesAt) <= Date.parse(s.opensAt)) {
    throw new ServerError('INVALID_REQUEST', 'closesAt before opensAt', { userMessage: 'Invalid request: the class must close after it opens' });
  }
  return clampSettings(s, caps);
}

/**
 * The settings of a stored class (the DB row edge: parsed with zod again, then clamped, so
 * a lowered server cap applies to classes made before).
 * @throws STATE_CORRUPT when the stored JSON does not parse
 */
export function settingsOf(row: ClassRow, caps: ClassCaps): ClassSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(row.settings);
  } catch (err) {
    throw new ServerError('STATE_CORRUPT', `class ${row.id}: settings are not JSON`, { cause: err });
  }
  const r = ClassSettings.safeParse(raw);
  if (!r.success) throw new ServerError('STATE_CORRUPT', `class ${row.id}: settings do not parse: ${r.error.message}`);
  return clampSettings(r.data, caps);
}

/** Whether students may join and start sessions at `now` (ms): open, and within the schedule. */
export function isOpenNow(s: ClassSettings, now: number): boolean {
  if (!s.open) return false;
  if (s.opensAt !== null && now < Date.parse(s.opensAt)) return false;
  if (s.closesAt !== null && now >= Date.parse(s.closesAt)) return false;
  return true;
}

/** The absolute join link of a class, for `origin` (`http://host:port`). */
export function joinUrl(origin: string, joinCode: string): string {
  return `${origin}/join/${formatJoinCode(joinCode)}`;
}

/** The QR code of `text` as an SVG document. */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

/** The wire view of a class. */
export async function toClassView(row: ClassRow, settings: ClassSettings, origin: string, now: number): Promise<ClassView> {
  const url = joinUrl(origin, row.joinCode);
  return {
    id: row.id,
    joinCode: formatJoinCode(row.joinCode),
    joinUrl: url,
    joinQrSvg: await qrSvg(url),
    instructor: row.instructor,
    createdAt: new Date(row.createdAt).toISOString(),
    settings,
    openNow: isOpenNow(settings, now),
  };
}

/** What a class session gets. */
export interface ClassSessionPlan {
  classId: string;
  memberId: string;
  /** Per-node limits (each at most the server's). */
  limits: Partial<SandboxLimits>;
  /** Nodes started at once: the class's count, or the lesson's when larger (at most 5). */
  nodes: number;
  /** Session length (ms). */
  lifetimeMs: number;
  /** Live sessions this student may hold in this class. */
  maxSessions: number;
  /** Whether the class's sessions may reach the internet (when the server allows it). */
  internet: boolean;
}

/**
 * The plan of a class session: the class's limits override the lesson's (both already at
 * most the server's caps).
 */
export function classSessionPlan(
  ids: { classId: string; memberId: string },
  s: ClassSettings,
  lesson: { nodes: number; limits: Partial<SandboxLimits> },
  caps: ClassCaps,
): ClassSessionPlan {
  const limits: Partial<SandboxLimits> = { ...lesson.limits };
  if (s.limits.memoryMiB !== undefined) limits.memoryBytes = Math.min(s.limits.memoryMiB * MIB, caps.memoryBytes);
  if (s.limits.diskMiB !== undefined) limits.diskBytes = Math.min(s.limits.diskMiB * MIB, caps.diskBytes);
  if (s.limits.cpus !== undefined) limits.cpus = Math.min(s.limits.cpus, caps.cpus);
  if (s.limits.pids !== undefined) limits.pids = Math.min(s.limits.pids, caps.pids);
  return {
    ...ids,
    limits,
    nodes: Math.min(5, Math.max(s.nodes, lesson.nodes)),
    lifetimeMs: Math.min(s.sessionMinutes * 60_000, caps.maxLifetimeMs),
    maxSessions: s.maxSessionsPerStudent,
    internet: s.internet,
  };
}
