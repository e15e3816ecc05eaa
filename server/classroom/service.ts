// The Classroom service: the one object server/main.ts creates for the classroom, which
// the HTTP routes (server/http/classroom-api.ts) and the live layer (server/classroom/live/,
// the class sockets) both use. Accounts, classes, members, the grid, results.
//
// FIRST VERSION (names fixed, bodies being filled in): the methods below are the contract
// the live layer codes against.
//
//   staffOf(req)                      → StaffUser | null   (the pier_staff cookie, checked against staff_sessions)
//   classAccess(staff, classId)       → ClassRecord        (the staff's own class, any for an admin; else CLASS_NOT_FOUND 404)
//   memberOf(owner, classId)          → MemberRecord|null  (this browser's student record in the class)
//   memberById(classId, studentId)    → MemberRecord|null
//   classOfSession(sessionId)         → { classId, memberId } | null
//   grid(classId)                     → Grid
//   gridStudent(classId, studentId)   → GridStudent | null
//   classView(record, origin)         → ClassView
//   studentView(owner, classId, lang) → StudentClassView   (M; else CLASS_NOT_FOUND)
//   studentChanged(classId, studentId)  emits `student` (call after a hand, presence, terminals change)
//   touchMember(memberId)               records presence (last_seen_at)
//   setRecordingSource(fn)              where StudentHistory finds a student's recordings (classroom-live)
//   events                              the ClassroomEvents
import type { ClassroomEvents } from './events.js';

export type { ClassroomEvents } from './events.js';
