// The SQL of the classroom core (staff accounts and sign-ins, classes, members, step
// activity), prepared once per database. Only server/store/store.ts uses it.
import type Database from 'better-sqlite3';

/** Prepares the statements of the Store's "classroom core" section. */
export function prepareClassroom(db: Database.Database) {
  return {
    countUsers: db.prepare('SELECT count(*) AS n FROM users'),
    insertUser: db.prepare('INSERT INTO users (id, username, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)'),
    getUser: db.prepare('SELECT * FROM users WHERE id = ?'),
    userByName: db.prepare('SELECT * FROM users WHERE username = ?'),
    listUsers: db.prepare('SELECT * FROM users ORDER BY created_at, rowid'),
    setPassword: db.prepare('UPDATE users SET password_hash = ? WHERE id = ?'),
    disableUser: db.prepare('UPDATE users SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL'),
    insertStaffSession: db.prepare('INSERT INTO staff_sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    staffSessionUser: db.prepare(
      'SELECT u.* FROM staff_sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND s.expires_at > ? AND u.disabled_at IS NULL',
    ),
    deleteStaffSession: db.prepare('DELETE FROM staff_sessions WHERE id = ?'),
    deleteStaffSessionsOf: db.prepare('DELETE FROM staff_sessions WHERE user_id = ? AND id IS NOT ?'),
    pruneStaffSessions: db.prepare('DELETE FROM staff_sessions WHERE expires_at <= ?'),
    insertClass: db.prepare('INSERT INTO classes (id, instructor_id, join_code, settings, created_at) VALUES (?, ?, ?, ?, ?)'),
    getClass: db.prepare('SELECT c.*, u.username AS instructor FROM classes c JOIN users u ON u.id = c.instructor_id WHERE c.id = ? AND c.archived_at IS NULL'),
    classByCode: db.prepare('SELECT c.*, u.username AS instructor FROM classes c JOIN users u ON u.id = c.instructor_id WHERE c.join_code = ? AND c.archived_at IS NULL'),
    joinCodeTaken: db.prepare('SELECT 1 FROM classes WHERE join_code = ?'),
    allClasses: db.prepare('SELECT c.*, u.username AS instructor FROM classes c JOIN users u ON u.id = c.instructor_id WHERE c.archived_at IS NULL ORDER BY c.created_at DESC, c.rowid DESC'),
    classesOf: db.prepare(
      'SELECT c.*, u.username AS instructor FROM classes c JOIN users u ON u.id = c.instructor_id WHERE c.instructor_id = ? AND c.archived_at IS NULL ORDER BY c.created_at DESC, c.rowid DESC',
    ),
    setClassSettings: db.prepare('UPDATE classes SET settings = ? WHERE id = ?'),
    insertMember: db.prepare('INSERT INTO members (id, class_id, owner, display_name, joined_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)'),
    getMember: db.prepare('SELECT * FROM members WHERE id = ?'),
    memberOf: db.prepare('SELECT * FROM members WHERE class_id = ? AND owner = ?'),
    membersOf: db.prepare('SELECT * FROM members WHERE class_id = ? ORDER BY joined_at, rowid'),
    countMembers: db.prepare('SELECT count(*) AS n FROM members WHERE class_id = ?'),
    membershipsOf: db.prepare('SELECT * FROM members WHERE owner = ? ORDER BY joined_at, rowid'),
    touchMember: db.prepare('UPDATE members SET last_seen_at = ? WHERE id = ?'),
    stepOpened: db.prepare('INSERT INTO step_activity (owner, lesson_id, step, started_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    stepFailed: db.prepare(
      'INSERT INTO step_activity (owner, lesson_id, step, started_at, attempts, last_failed_at) VALUES (?, ?, ?, ?, 1, ?) ' +
        'ON CONFLICT (owner, lesson_id, step) DO UPDATE SET attempts = attempts + 1, last_failed_at = excluded.last_failed_at',
    ),
    stepSolved: db.prepare(
      'INSERT INTO step_activity (owner, lesson_id, step, started_at, solved) VALUES (?, ?, ?, ?, 1) ' +
        'ON CONFLICT (owner, lesson_id, step) DO UPDATE SET solved = 1',
    ),
    stepPassed: db.prepare(
      'INSERT INTO step_activity (owner, lesson_id, step, started_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    // Every step an owner touched or passed, with both sides (one side may be missing).
    cellsOfOwner: db.prepare(
      `SELECT a.owner AS owner, a.lesson_id AS lesson_id, a.step AS step, a.started_at AS started_at, a.attempts AS attempts,
              a.last_failed_at AS last_failed_at, a.solved AS solved, p.passed_at AS passed_at
         FROM step_activity a LEFT JOIN lesson_progress p ON p.owner = a.owner AND p.lesson_id = a.lesson_id AND p.step = a.step
        WHERE a.owner = ?
       UNION ALL
       SELECT p.owner, p.lesson_id, p.step, NULL, 0, NULL, 0, p.passed_at
         FROM lesson_progress p
        WHERE p.owner = ? AND NOT EXISTS (SELECT 1 FROM step_activity a WHERE a.owner = p.owner AND a.lesson_id = p.lesson_id AND a.step = p.step)`,
    ),
    cellsOfClass: db.prepare(
      `SELECT a.owner AS owner, a.lesson_id AS lesson_id, a.step AS step, a.started_at AS started_at, a.attempts AS attempts,
              a.last_failed_at AS last_failed_at, a.solved AS solved, p.passed_at AS passed_at
         FROM members m JOIN step_activity a ON a.owner = m.owner
         LEFT JOIN lesson_progress p ON p.owner = a.owner AND p.lesson_id = a.lesson_id AND p.step = a.step
        WHERE m.class_id = ?
       UNION ALL
       SELECT p.owner, p.lesson_id, p.step, NULL, 0, NULL, 0, p.passed_at
         FROM members m JOIN lesson_progress p ON p.owner = m.owner
        WHERE m.class_id = ? AND NOT EXISTS (SELECT 1 FROM step_activity a WHERE a.owner = p.owner AND a.lesson_id = p.lesson_id AND a.step = p.step)`,
    ),
    cellOf: db.prepare(
      `SELECT @owner AS owner, @lesson AS lesson_id, @step AS step, a.started_at AS started_at, coalesce(a.attempts, 0) AS attempts,
              a.last_failed_at AS last_failed_at, coalesce(a.solved, 0) AS solved,
              (SELECT passed_at FROM lesson_progress WHERE owner = @owner AND lesson_id = @lesson AND step = @step) AS passed_at
         FROM (SELECT 1) LEFT JOIN step_activity a ON a.owner = @owner AND a.lesson_id = @lesson AND a.step = @step`,
    ),
  };
}
