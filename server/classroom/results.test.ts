// Unit tests of the results export: RFC 4180 quoting, formula defusing, BOM and headers, rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RESULT_HEADERS } from '../../protocol/classroom.ts';
import type { CellActivityRow, MemberRow } from '../store/store.ts';
import { csvField, resultRows, resultsCsv } from './results.ts';

test('fields are quoted when they hold a comma, quote, CR or LF; quotes doubled', () => {
  const table: [string | number | boolean | null, string][] = [
    ['plain', 'plain'],
    ['김민준', '김민준'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
    [null, ''],
    [3, '3'],
    [false, 'false'],
  ];
  for (const [value, want] of table) assert.equal(csvField(value), want, JSON.stringify(value));
});

test('text a spreadsheet would run as a formula gets a leading apostrophe', () => {
  assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  for (const v of ['+1', '-1', '@SUM(A1)', '\tx']) assert.equal(csvField(v), `'${v}`);
  assert.equal(csvField('a=b'), 'a=b');
});

test('the document: BOM, headers in the language, CRLF lines', () => {
  const doc = resultsCsv([{ student: 'Kim, Min', lesson: 'l1', step: 1, status: 'passed', firstPassedAt: '2026-01-01T00:00:00.000Z', attempts: 2, timeSpentSeconds: 30, solved: false }], 'ko');
  assert.ok(doc.startsWith('\uFEFF'));
  assert.equal(doc, `\uFEFF${RESULT_HEADERS.ko.join(',')}\r\n"Kim, Min",l1,1,passed,2026-01-01T00:00:00.000Z,2,30,false\r\n`);
  assert.ok(resultsCsv([], 'en').startsWith(`\uFEFFstudent,lesson,step,status,`));
});

test('rows: every student × step, not started ones too; time spent from first open to pass', () => {
  const members: MemberRow[] = [
    { id: 'm1', classId: 'c', owner: 'o1', displayName: 'A', joinedAt: 0, lastSeenAt: null },
    { id: 'm2', classId: 'c', owner: 'o2', displayName: 'B', joinedAt: 0, lastSeenAt: null },
  ];
  const cells: CellActivityRow[] = [
    { owner: 'o1', lessonId: 'l1', step: 1, startedAt: 1000, attempts: 2, lastFailedAt: 2000, solved: false, passedAt: 61_000 },
    { owner: 'o1', lessonId: 'l1', step: 2, startedAt: 70_000, attempts: 1, lastFailedAt: 80_000, solved: false, passedAt: null },
    { owner: 'o2', lessonId: 'l1', step: 1, startedAt: null, attempts: 0, lastFailedAt: null, solved: true, passedAt: 5000 },
    { owner: 'o2', lessonId: 'other', step: 1, startedAt: 0, attempts: 9, lastFailedAt: null, solved: false, passedAt: null },
  ];
  const rows = resultRows(members, cells, [{ id: 'l1', title: 'L1', stepTitles: ['s1', 's2'] }], 100_000);
  assert.deepEqual(
    rows.map((r) => [r.student, r.step, r.status, r.attempts, r.timeSpentSeconds, r.solved]),
    [
      ['A', 1, 'passed', 2, 60, false],
      ['A', 2, 'in-progress', 1, 30, false],
      ['B', 1, 'solved', 0, 0, true],
      ['B', 2, 'not-started', 0, 0, false],
    ],
  );
  assert.equal(rows[0]!.firstPassedAt, new Date(61_000).toISOString());
});
