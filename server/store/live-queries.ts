// The SQL of the classroom's live parts (raised hands, announcements, terminal recordings),
// prepared once per database. Only server/store/store.ts uses it.
import type Database from 'better-sqlite3';

/** Prepares the statements of the Store's "classroom live" section. */
export function prepareLive(db: Database.Database) {
  return {
    insertHand: db.prepare(
      'INSERT INTO hands (id, class_id, member_id, message, lesson_id, step, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    updateOpenHand: db.prepare(
      'UPDATE hands SET message = ?, lesson_id = ?, step = ? WHERE class_id = ? AND member_id = ? AND resolved_at IS NULL',
    ),
    resolveHand: db.prepare(
      'UPDATE hands SET resolved_at = ?, resolved_by = ? WHERE class_id = ? AND member_id = ? AND resolved_at IS NULL',
    ),
    openHand: db.prepare('SELECT * FROM hands WHERE class_id = ? AND member_id = ? AND resolved_at IS NULL ORDER BY raised_at DESC LIMIT 1'),
    openHands: db.prepare('SELECT * FROM hands WHERE class_id = ? AND resolved_at IS NULL ORDER BY raised_at'),
    insertAnnouncement: db.prepare('INSERT INTO announcements (id, class_id, text, by_user, at) VALUES (?, ?, ?, ?, ?)'),
    announcementsOf: db.prepare(
      'SELECT id, class_id, text, by_user, at FROM (SELECT *, rowid AS seq FROM announcements WHERE class_id = ? ORDER BY at DESC, rowid DESC LIMIT ?) ORDER BY at, seq',
    ),
    insertRecording: db.prepare(
      'INSERT INTO recordings (id, session_id, terminal_id, node, title, file, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    finishRecording: db.prepare('UPDATE recordings SET ended_at = ?, bytes = ?, truncated = ? WHERE id = ?'),
    progressRecording: db.prepare('UPDATE recordings SET bytes = ?, truncated = ? WHERE id = ? AND ended_at IS NULL'),
    getRecording: db.prepare('SELECT * FROM recordings WHERE id = ?'),
    recordingAccess: db.prepare(
      'SELECT s.owner AS owner, s.class_id AS class_id, s.member_id AS member_id FROM recordings r LEFT JOIN sessions s ON s.id = r.session_id WHERE r.id = ?',
    ),
    recordingsOfSession: db.prepare('SELECT * FROM recordings WHERE session_id = ? ORDER BY started_at, rowid'),
    recordingsOfClass: db.prepare(
      'SELECT r.* FROM recordings r JOIN sessions s ON s.id = r.session_id WHERE s.class_id = ? AND (? IS NULL OR s.member_id = ?) ORDER BY r.started_at, r.rowid',
    ),
    unfinishedRecordings: db.prepare('SELECT * FROM recordings WHERE ended_at IS NULL'),
    // Older than the retention, or of a session whose row is gone (nobody may open them).
    oldRecordings: db.prepare('SELECT * FROM recordings WHERE started_at < ? OR session_id NOT IN (SELECT id FROM sessions)'),
    deleteRecording: db.prepare('DELETE FROM recordings WHERE id = ?'),
    liveSessionsOfClass: db.prepare(
      'SELECT id, owner, member_id FROM sessions WHERE class_id = ? AND ended_at IS NULL AND (? IS NULL OR member_id = ?) ORDER BY created_at',
    ),
  };
}
