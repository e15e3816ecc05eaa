// Wire shapes of the classroom: staff accounts (admin, instructors), classes joined with a
// code, the live students × steps grid, watching and helping a student, announcements,
// results and terminal recordings. zod schemas and their types, shared by the server and
// the browser. No Node APIs, no logic.
//
// Who is who:
// - staff (admin, instructor): the signed, httpOnly `pier_staff` cookie from sign-in, kept
//   apart from the anonymous `pier_owner` cookie;
// - a student is a browser (its `pier_owner` id) that joined a class with its code and a
//   display name; a rejoin link moves that identity to another browser.
//
// Routes (S = staff cookie; A = admin; I = the class's instructor or an admin; M = a member
// of the class; anyone = no cookie needed). Unknown ids and ids the caller may not see both
// answer 404. Every state-changing route refuses a cross-site Origin (403).
// GET    /api/auth/me                                   anyone → 200 Me
// POST   /api/auth/setup        SetupRequest            anyone, only while no account exists → 201 StaffView (signs in); 409 SETUP_DONE
// POST   /api/auth/sign-in      SignInRequest           anyone → 200 StaffView; 401 BAD_CREDENTIALS; 429 RATE_LIMITED
// POST   /api/auth/sign-out                             anyone → 204 (ends the sign-in of a staff cookie, clears it)
// POST   /api/auth/password     PasswordChangeRequest   S → 204 (other sign-ins of the account end); 401 BAD_CREDENTIALS
// GET    /api/admin/users                               A → 200 StaffList
// GET    /api/admin/host                                A → 200 AdminHost (the sandbox runtime, and its known escapes)
// POST   /api/admin/users       CreateStaffRequest      A → 201 StaffView; 409 USERNAME_TAKEN
// DELETE /api/admin/users/:user                         A → 204 (disables the account, ends its sign-ins)
// GET    /api/admin/sessions                            A → 200 AdminSessions (every live session, host capacity, the queue)
// POST   /api/admin/sessions/:session/end               A → 204 (ends it: its sandboxes are removed)
// POST   /api/admin/sessions/:session/extend            A → 200 AdminSession (one sessionExtension more, within the cap)
// WS     /ws/admin/terminals/:terminal                  A → protocol/terminal.ts, read-only
// GET    /api/classes                                   S → 200 ClassList (an instructor's own; an admin's all)
// POST   /api/classes           ClassInput              S → 201 ClassView (the caller is its instructor)
// GET    /api/classes/:class                            I → 200 ClassView
// PUT    /api/classes/:class    ClassUpdate             I → 200 ClassView
// GET    /api/classes/:class/grid                       I → 200 Grid
// GET    /api/classes/:class/students/:student          I → 200 StudentHistory
// POST   /api/classes/:class/students/:student/rejoin   I → 200 RejoinLink
// POST   /api/classes/:class/students/:student/reset    ResetNodeRequest  I → 204
// POST   /api/classes/:class/hands/:student/resolve     I → 204
// POST   /api/classes/:class/announcements  AnnouncementRequest  I → 201 Announcement
// POST   /api/classes/:class/actions        ClassActionRequest   I → 200 ClassActionResult
// GET    /api/classes/:class/results.csv?lang=en|ko     I → text/csv (ResultRow columns, headers in that language)
// GET    /api/classes/:class/results.json               I → 200 Results
// GET    /api/classes/:class/recordings?student=        I → 200 RecordingList
// GET    /api/join/:code                                anyone → 200 JoinPreview; 404 CLASS_NOT_FOUND; 429 (guessing is rate-limited)
// POST   /api/join              JoinRequest             anyone → 201 MemberView (this browser becomes the student); 409 CLASS_CLOSED
// POST   /api/rejoin            RejoinRequest           anyone → 200 MemberView (sets this browser's owner cookie to the student's)
// GET    /api/me/sessions                               owner → 200 MySessions (every live session of this browser)
// GET    /api/me/classes/:class                         M → 200 StudentClassView
// POST   /api/me/classes/:class/hand  RaiseHandRequest  M → 200 HandView
// DELETE /api/me/classes/:class/hand                    M → 204
// GET    /api/sessions/:id/recordings                   owner → 200 RecordingList
// GET    /api/recordings/:recording                     owner of its session, or I of its class → 200 RecordingView
// GET    /api/recordings/:recording/cast                same → application/x-asciicast (asciicast v2; ?download=1 as an attachment)
// POST   /api/sessions          { lessonId, classId }   M → 201 SessionView (a class session: the class's limits and caps)
// WS     /ws/classes/:class/events                      I → ClassEvent JSON text frames (first a `grid`)
// WS     /ws/classes/:class/terminals/:terminal?mode=watch|join   I → protocol/terminal.ts (watch: read-only)
// WS     /ws/me/classes/:class/events                   M → MemberEvent JSON text frames
// Session events (protocol/http.ts SessionEvent) gain `watchers` and `announcement`.
import { z } from 'zod';
import { LessonId, LessonLang } from './lesson.ts';
import { Announcement, SessionId, TerminalId, Watcher } from './http.ts';

export { Announcement, Watcher } from './http.ts';

/** Ids of users, classes, students (members), recordings: 32 lowercase hex characters. */
export const EntityId = z.string().regex(/^[0-9a-f]{32}$/);

/** Staff user names: 3–32 of lowercase letters, digits, `.`, `_`, `-`. */
export const Username = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,31}$/, 'use 3–32 lowercase letters, digits, ".", "_" or "-"');
/** Passwords: 10–200 characters (length, not composition rules: NIST SP 800-63B). */
export const Password = z.string().min(10, 'at least 10 characters').max(200);
export const Role = z.enum(['admin', 'instructor']);
export type Role = z.infer<typeof Role>;

/**
 * Join codes: 6 letters from an alphabet without look-alikes (no I, L, O, 0, 1), shown
 * `ABC-DEF`; typed in any case, with or without the dash or spaces.
 */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ';
export const JOIN_CODE_LENGTH = 6;
export const JoinCode = z
  .string()
  .max(20)
  .transform((s) => s.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(new RegExp(`^[${JOIN_CODE_ALPHABET}]{${JOIN_CODE_LENGTH}}$`), 'a join code has 6 letters'));

/** A student's display name: 1–40 characters after trimming; shown escaped everywhere. */
export const DisplayName = z
  .string()
  .trim()
  .min(1, 'enter a name')
  .max(40, 'at most 40 characters')
  .refine((s) => !/[\p{Cc}\p{Cf}]/u.test(s), 'no control characters');

// ── accounts ─────────────────────────────────────────────────────────────────────────

export const StaffView = z.object({
  id: EntityId,
  username: Username,
  role: Role,
  createdAt: z.string(),
  disabled: z.boolean(),
});
export type StaffView = z.infer<typeof StaffView>;

export const StaffList = z.object({ users: z.array(StaffView) });
export type StaffList = z.infer<typeof StaffList>;

/** What the admin page says about the host: the OCI runtime sandboxes run with and its known container escapes. */
export const AdminHost = z.object({
  /** e.g. `runc 1.1.5 — …why it was chosen`; null when no runtime is usable. */
  runtime: z.string().nullable(),
  /** CVE ids of known container escapes of that runtime (empty: none known). */
  cves: z.array(z.string()),
  /** Whether the server refuses to start on such a runtime (config `requireFixedRuntime`). */
  requireFixedRuntime: z.boolean(),
  /** Why no runtime is usable, when `runtime` is null. */
  problem: z.string().nullable(),
});
export type AdminHost = z.infer<typeof AdminHost>;

/** A live session as the admin page lists it. */
export const AdminSession = z.object({
  id: SessionId,
  /** The browser that owns it (its owner id's first 8 characters), or the student's display name in a class. */
  owner: z.string(),
  classId: z.string().nullable(),
  className: z.string().nullable(),
  lessonId: z.string().nullable(),
  createdAt: z.number(),
  expiresAt: z.number(),
  lastActivity: z.number(),
  nodes: z.number().int(),
  terminals: z.array(z.object({ id: TerminalId, node: z.string(), title: z.string() })),
  /** Summed over the session's sandboxes, now. */
  memoryBytes: z.number(),
  pids: z.number().int(),
  diskUsedBytes: z.number(),
});
export type AdminSession = z.infer<typeof AdminSession>;

/** The host's capacity and every live session (GET /api/admin/sessions). */
export const AdminSessions = z.object({
  capacity: z.object({
    live: z.number().int(),
    maxSessions: z.number().int(),
    memoryAvailableBytes: z.number(),
    memoryTotalBytes: z.number(),
    diskFreeBytes: z.number(),
    /** Browsers waiting in the queue for a free place. */
    queued: z.number().int(),
  }),
  sessions: z.array(AdminSession),
});
export type AdminSessions = z.infer<typeof AdminSessions>;

/** `setupCode`: the code the server prints in its log; needed unless the browser runs on the server's own host. */
export const SetupRequest = z.object({ username: Username, password: Password, setupCode: z.string().max(40).optional() }).strict();
export type SetupRequest = z.infer<typeof SetupRequest>;
export const SignInRequest = z.object({ username: z.string().max(64), password: z.string().max(200) }).strict();
export type SignInRequest = z.infer<typeof SignInRequest>;
export const PasswordChangeRequest = z.object({ current: z.string().max(200), next: Password }).strict();
export type PasswordChangeRequest = z.infer<typeof PasswordChangeRequest>;
export const CreateStaffRequest = z.object({ username: Username, password: Password, role: Role.default('instructor') }).strict();
export type CreateStaffRequest = z.infer<typeof CreateStaffRequest>;

/** A class this browser is a student of. */
export const MemberView = z.object({
  classId: EntityId,
  className: z.string(),
  studentId: EntityId,
  displayName: z.string(),
  joinedAt: z.string(),
});
export type MemberView = z.infer<typeof MemberView>;

/** Who the caller is. */
export const Me = z.object({
  /** The signed-in staff account, or null. */
  staff: StaffView.nullable(),
  /** True until the first (admin) account exists: the page offers set-up. */
  setupNeeded: z.boolean(),
  /** Classes this browser joined. */
  memberships: z.array(MemberView),
  /** Whether anonymous visitors may start a free playground (config `openPlayground`). */
  openPlayground: z.boolean(),
  /** While set-up is needed: whether this browser must type the set-up code from the server's log (not on the server's own host). */
  setupCodeRequired: z.boolean().optional(),
});
export type Me = z.infer<typeof Me>;

// ── classes ──────────────────────────────────────────────────────────────────────────

/** Per-node limits of a class's sessions, clamped to the server's hard caps. */
export const ClassLimits = z
  .object({
    memoryMiB: z.number().int().min(64).max(65536),
    cpus: z.number().min(0.1).max(64),
    pids: z.number().int().min(32).max(65536),
    diskMiB: z.number().int().min(256).max(1048576),
  })
  .strict();
export type ClassLimits = z.infer<typeof ClassLimits>;

export const ClassSettings = z
  .object({
    name: z.string().trim().min(1).max(80),
    /** Lesson ids in the order students take them (from the catalog). */
    lessons: z.array(LessonId).min(1).max(30),
    /** Lessons students cannot start yet. */
    lockedLessons: z.array(LessonId).max(30).default([]),
    /** Nodes per session (a lesson's own node count wins when larger, up to 5). */
    nodes: z.number().int().min(1).max(5).default(1),
    limits: ClassLimits.partial().default({}),
    /** Session length in minutes (within the server's maximum lifetime). */
    sessionMinutes: z.number().int().min(5).max(24 * 60).default(120),
    /** Whether the class's sessions reach the internet (when the server allows it at all). */
    internet: z.boolean().default(false),
    /** Whether students may join and start sessions. */
    open: z.boolean().default(true),
    /** Optional schedule: joining and starting only between these times (ISO). */
    opensAt: z.string().datetime().nullable().default(null),
    closesAt: z.string().datetime().nullable().default(null),
    /** Whether watching a student's terminal needs their raised hand. */
    watchNeedsHelp: z.boolean().default(false),
    /** "Stuck": no pass for this many minutes after this many failed checks on a step. */
    stuckMinutes: z.number().int().min(1).max(240).default(10),
    stuckAttempts: z.number().int().min(1).max(100).default(3),
    /** Live sessions one student may hold in this class. */
    maxSessionsPerStudent: z.number().int().min(1).max(5).default(2),
  })
  .strict();
export type ClassSettings = z.infer<typeof ClassSettings>;

/** POST /api/classes */
export const ClassInput = ClassSettings;
export type ClassInput = z.input<typeof ClassInput>;
/** PUT /api/classes/:class: any subset of the settings. */
export const ClassUpdate = ClassSettings.partial().strict();
export type ClassUpdate = z.infer<typeof ClassUpdate>;

export const ClassSummary = z.object({
  id: EntityId,
  name: z.string(),
  joinCode: z.string(),
  open: z.boolean(),
  students: z.number().int(),
  online: z.number().int(),
  hands: z.number().int(),
  instructor: z.string(),
  createdAt: z.string(),
});
export type ClassSummary = z.infer<typeof ClassSummary>;
export const ClassList = z.object({ classes: z.array(ClassSummary) });
export type ClassList = z.infer<typeof ClassList>;

export const ClassView = z.object({
  id: EntityId,
  /** Shown as `ABC-DEF`. */
  joinCode: z.string(),
  /** Absolute join link for the projector (`<origin>/join/<code>`). */
  joinUrl: z.string(),
  /** The join link as a QR code, an SVG document (made by the server). */
  joinQrSvg: z.string(),
  instructor: z.string(),
  createdAt: z.string(),
  settings: ClassSettings,
  /** Whether joining and starting are possible now (open, and within the schedule). */
  openNow: z.boolean(),
});
export type ClassView = z.infer<typeof ClassView>;

// ── the grid ─────────────────────────────────────────────────────────────────────────

export const CellStatus = z.enum(['not-started', 'in-progress', 'passed', 'solved']);
export type CellStatus = z.infer<typeof CellStatus>;

/** One student × step. */
export const Cell = z.object({
  lessonId: LessonId,
  step: z.number().int().min(1),
  status: CellStatus,
  /** Failed checks on this step. */
  attempts: z.number().int().min(0),
  /** When the step was first opened or checked (ISO), null when never. */
  startedAt: z.string().nullable(),
  /** When it first passed (ISO), null when not. */
  passedAt: z.string().nullable(),
  /** No pass for `stuckMinutes` after `stuckAttempts` failed checks. */
  stuck: z.boolean(),
});
export type Cell = z.infer<typeof Cell>;

export const HandView = z.object({
  studentId: EntityId,
  message: z.string().max(300),
  lessonId: LessonId.nullable(),
  step: z.number().int().min(1).nullable(),
  raisedAt: z.string(),
});
export type HandView = z.infer<typeof HandView>;

/** A live terminal of a student, for watching. */
export const StudentTerminal = z.object({ id: TerminalId, sessionId: SessionId, node: z.string(), title: z.string() });
export type StudentTerminal = z.infer<typeof StudentTerminal>;

export const GridStudent = z.object({
  id: EntityId,
  displayName: z.string(),
  joinedAt: z.string(),
  online: z.boolean(),
  /** Last activity (ISO), null when never. */
  lastSeenAt: z.string().nullable(),
  hand: HandView.nullable(),
  /** Live terminals of the student's class sessions. */
  terminals: z.array(StudentTerminal),
  /** Only the cells that are not `not-started` (the rest are implied). */
  cells: z.array(Cell),
});
export type GridStudent = z.infer<typeof GridStudent>;

export const GridLesson = z.object({
  id: LessonId,
  title: z.string(),
  steps: z.array(z.object({ index: z.number().int().min(1), title: z.string() })),
  locked: z.boolean(),
});
export type GridLesson = z.infer<typeof GridLesson>;

export const Grid = z.object({
  classId: EntityId,
  lessons: z.array(GridLesson),
  students: z.array(GridStudent),
  stuckMinutes: z.number(),
  stuckAttempts: z.number(),
  /** Server time of the snapshot (ISO), so the page can age "time on step". */
  at: z.string(),
});
export type Grid = z.infer<typeof Grid>;

// ── class actions, announcements, hands ──────────────────────────────────────────────

export const AnnouncementRequest = z.object({ text: z.string().trim().min(1).max(500) }).strict();
export type AnnouncementRequest = z.infer<typeof AnnouncementRequest>;

export const ClassActionRequest = z.discriminatedUnion('action', [
  /** Adds `minutes` (default: the server's extension) to every live session of the class. */
  z.object({ action: z.literal('extend-all'), minutes: z.number().int().min(5).max(240).optional() }).strict(),
  z.object({ action: z.literal('end-all') }).strict(),
]);
export type ClassActionRequest = z.infer<typeof ClassActionRequest>;
export const ClassActionResult = z.object({ sessions: z.number().int() });
export type ClassActionResult = z.infer<typeof ClassActionResult>;

export const ResetNodeRequest = z.object({ sessionId: SessionId, node: z.string().regex(/^node[1-9]$/) }).strict();
export type ResetNodeRequest = z.infer<typeof ResetNodeRequest>;

export const RejoinLink = z.object({ url: z.string(), expiresAt: z.string() });
export type RejoinLink = z.infer<typeof RejoinLink>;

export const RaiseHandRequest = z
  .object({ message: z.string().trim().max(300).default(''), lessonId: LessonId.nullable().default(null), step: z.number().int().min(1).nullable().default(null) })
  .strict();
export type RaiseHandRequest = z.input<typeof RaiseHandRequest>;

// ── joining ──────────────────────────────────────────────────────────────────────────

export const JoinPreview = z.object({ classId: EntityId, name: z.string(), openNow: z.boolean() });
export type JoinPreview = z.infer<typeof JoinPreview>;
export const JoinRequest = z.object({ code: JoinCode, displayName: DisplayName }).strict();
export type JoinRequest = z.input<typeof JoinRequest>;
export const RejoinRequest = z.object({ token: z.string().max(1000) }).strict();
export type RejoinRequest = z.infer<typeof RejoinRequest>;

/** A live session of this browser (the home page's "your sessions"). */
export const MySession = z.object({
  id: SessionId,
  lessonId: LessonId.nullable(),
  classId: EntityId.nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  nodes: z.number().int(),
});
export type MySession = z.infer<typeof MySession>;
export const MySessions = z.object({ sessions: z.array(MySession) });
export type MySessions = z.infer<typeof MySessions>;

/** What a student sees of their class. */
export const StudentClassView = z.object({
  classId: EntityId,
  name: z.string(),
  studentId: EntityId,
  displayName: z.string(),
  openNow: z.boolean(),
  lessons: z.array(z.object({ id: LessonId, title: z.string(), steps: z.number().int(), passed: z.number().int(), locked: z.boolean() })),
  announcements: z.array(Announcement),
  hand: HandView.nullable(),
  sessions: z.array(MySession),
});
export type StudentClassView = z.infer<typeof StudentClassView>;

// ── results ──────────────────────────────────────────────────────────────────────────

/** One row of the results export (CSV columns in this order). */
export const ResultRow = z.object({
  student: z.string(),
  lesson: LessonId,
  step: z.number().int().min(1),
  status: CellStatus,
  firstPassedAt: z.string().nullable(),
  attempts: z.number().int(),
  /** Seconds from first opening the step to its first pass (or to now when not passed). */
  timeSpentSeconds: z.number().int(),
  solved: z.boolean(),
});
export type ResultRow = z.infer<typeof ResultRow>;
export const Results = z.object({ classId: EntityId, className: z.string(), exportedAt: z.string(), rows: z.array(ResultRow) });
export type Results = z.infer<typeof Results>;

export const StudentHistory = z.object({
  student: GridStudent,
  rows: z.array(ResultRow),
  recordings: z.lazy(() => z.array(RecordingView)),
  sessions: z.array(MySession),
});
export type StudentHistory = z.infer<typeof StudentHistory>;

// ── recordings ───────────────────────────────────────────────────────────────────────

export const RecordingView = z.object({
  id: EntityId,
  sessionId: SessionId,
  terminalId: TerminalId,
  node: z.string(),
  title: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  bytes: z.number().int(),
  /** True when the size cap stopped the recording early. */
  truncated: z.boolean(),
});
export type RecordingView = z.infer<typeof RecordingView>;
export const RecordingList = z.object({ recordings: z.array(RecordingView) });
export type RecordingList = z.infer<typeof RecordingList>;

// ── live events ──────────────────────────────────────────────────────────────────────

/** The dashboard's feed, /ws/classes/:class/events: a `grid` first, then changes. */
export const ClassEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('grid'), grid: Grid }),
  /** A cell changed (check failed or passed, step opened, solved). */
  z.object({ type: z.literal('cell'), studentId: EntityId, cell: Cell }),
  /** A student joined or changed (presence, hand, terminals). */
  z.object({ type: z.literal('student'), student: GridStudent }),
  z.object({ type: z.literal('announcement'), announcement: Announcement }),
  /** The class's settings changed (lessons, locks, open). A fresh `grid` follows when the lessons changed. */
  z.object({ type: z.literal('class'), view: ClassView }),
]);
export type ClassEvent = z.infer<typeof ClassEvent>;

/** A student's class feed, /ws/me/classes/:class/events. */
export const MemberEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('class'), view: StudentClassView }),
  z.object({ type: z.literal('announcement'), announcement: Announcement }),
  z.object({ type: z.literal('hand'), hand: HandView.nullable() }),
]);
export type MemberEvent = z.infer<typeof MemberEvent>;

/** The CSV's column headers in each language (same order as ResultRow's fields). */
export const RESULT_HEADERS: Record<z.infer<typeof LessonLang>, readonly string[]> = {
  en: ['student', 'lesson', 'step', 'status', 'first passed at', 'attempts', 'time spent (s)', 'solved'],
  ko: ['학생', '레슨', '단계', '상태', '처음 통과한 시각', '시도 횟수', '걸린 시간(초)', '풀이 보기 사용'],
};
