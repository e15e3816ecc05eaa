// What the live layer needs of the classroom core (server/classroom/service.ts), as one
// narrow interface: server/main.ts binds it to the Classroom service. Kept here so the live
// parts and their tests depend on these few methods only.
import type { IncomingMessage } from 'node:http';
import type { ClassSettings, Grid, GridStudent, RecordingView, StudentClassView } from '../../../protocol/classroom.js';
import type { LessonLang } from '../../../protocol/lesson.js';
import type { ClassroomEvents } from '../events.js';

/** A signed-in staff member. */
export interface LiveStaff {
  id: string;
  username: string;
  role: 'admin' | 'instructor';
}

/** A class as the live layer sees it. */
export interface LiveClass {
  settings: ClassSettings;
}

/** A student of a class. */
export interface LiveMember {
  id: string;
  classId: string;
  owner: string;
  displayName: string;
}

/** The classroom core's methods the live layer calls. */
export interface ClassroomPort {
  /** The staff member of a request (the `pier_staff` cookie), or null. */
  staffOf(req: IncomingMessage): LiveStaff | null;
  /** The class, when `staff` is its instructor or an admin. @throws ServerError 404 otherwise */
  classAccess(staff: LiveStaff, classId: string): LiveClass;
  /** This browser's student record in the class, or null. */
  memberOf(owner: string, classId: string): LiveMember | null;
  /** A student of the class by id, or null. */
  memberById(classId: string, studentId: string): LiveMember | null;
  /** The class and student of a class session, or null (a free playground, or no such session). */
  classOfSession(sessionId: string): { classId: string; memberId: string } | null;
  /** The whole grid of a class (the dashboard's first event). */
  grid(classId: string): Grid | Promise<Grid>;
  /** One student's row of the grid, or null. */
  gridStudent(classId: string, studentId: string): GridStudent | null | Promise<GridStudent | null>;
  /** What a student sees of the class. */
  studentView(owner: string, classId: string, lang: LessonLang): StudentClassView | Promise<StudentClassView>;
  /** Emits the student's `student` event (after a hand, presence or terminals changed). */
  studentChanged(classId: string, studentId: string): void;
  /** Records that a student was seen (last_seen_at). */
  touchMember(memberId: string): void;
  /** Where the grid learns who is online (exact presence: a browser holding a pier socket). */
  setPresenceSource(isOnline: (owner: string) => boolean): void;
  /** Where a student's history finds their recordings. */
  setRecordingSource(source: (classId: string, memberId: string) => RecordingView[]): void;
  events: ClassroomEvents;
}
