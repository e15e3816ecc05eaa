// A class as its people live it, in Debian's Chromium against the real server and real
// sandboxes, one browser context per person (acceptance 1 of issue 10): the admin sets up
// and adds an instructor; the instructor makes a class of two lessons; two students (one
// Korean name) join by code and pass different steps; the grid follows without a reload;
// the instructor watches a terminal, then joins and types, and the student sees the banner;
// a raised hand shows on the grid; an announcement reaches both; the CSV holds both
// students' rows with the right attempts; a recording replays in the player.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Grid } from '../protocol/classroom.js';
import { RESULT_HEADERS } from '../protocol/classroom.js';
import { rootSuite } from '../test/helpers/root.js';
import { launchBrowser } from './helpers/browser.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { PLAY_URL } from './helpers/session.js';
import { typeLine, waitForText } from './helpers/terminal.js';
import { ADMIN_PASSWORD, INSTRUCTOR_PASSWORD, LESSON_A, LESSON_A_COMMANDS, LESSON_B } from './helpers/classroom.js';
import { parseCsv } from './helpers/csv.js';
import { PAGE_TIMEOUT_MS, UI, fetchInPage, joinInPage, setUpAdminInPage, signInInPage, waitForTextIn } from './helpers/classroom-pages.js';

const KOREAN = '김민준';
const ENGLISH = 'Ada Lovelace';
const INSTRUCTOR = 'teacher-kim';

/** Starts LESSON_A from the student's class page and waits for step 1 and a prompt. */
async function startLesson(page: Page): Promise<string> {
  await page.click(UI.studentLessonStart(LESSON_A));
  await page.waitForURL(PLAY_URL, { timeout: PAGE_TIMEOUT_MS });
  await page.waitForSelector('[data-testid="lesson-begin"]', { timeout: PAGE_TIMEOUT_MS });
  await page.click('[data-testid="lesson-begin"]');
  await page.waitForSelector('[data-testid="lesson-step"][data-step="1"]');
  await page.waitForSelector('[data-testid="terminal"]', { timeout: PAGE_TIMEOUT_MS });
  await waitForText(page, /[#$] $/m, PAGE_TIMEOUT_MS);
  return page.url().split('/').pop() ?? '';
}

/** Clicks Check and waits for its verdict. */
async function clickCheck(page: Page, passed: boolean): Promise<void> {
  await page.click('[data-testid="lesson-check"]');
  await page.waitForSelector(`[data-testid="lesson-check-result"][data-passed="${passed}"]`, { timeout: PAGE_TIMEOUT_MS });
}

describe('a class in the browser (acceptance 1)', { ...rootSuite(), timeout: 15 * 60_000 }, () => {
  let server: RunningServer;
  let dbDir = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let admin: Page, teacher: Page, kim: Page, ada: Page;
  let classId = '';
  let joinCode = '';
  let grid: Grid;
  const idOf = (name: string): string => grid.students.find((s) => s.displayName === name)?.id ?? '';

  before(async () => {
    dbDir = mkdtempSync(path.join(tmpdir(), 'pier-tests-classroom-e2e-'));
    process.env.PIER_DATABASE = path.join(dbDir, 'pier.db');
    server = await startServer();
    browser = await launchBrowser();
    const page = async () => {
      const c = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      contexts.push(c);
      return c.newPage();
    };
    [admin, teacher, kim, ada] = [await page(), await page(), await page(), await page()];
  });
  after(async () => {
    for (const p of [kim, ada]) {
      if (!p) continue;
      const mine = await fetchInPage<{ sessions: { id: string }[] }>(p, '/api/me/sessions').catch(() => null);
      for (const s of mine?.json?.sessions ?? []) await fetchInPage(p, `/api/sessions/${s.id}`, { method: 'DELETE' }).catch(() => undefined);
    }
    await browser?.close();
    await server?.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  test('the admin sets up pier and adds an instructor', async () => {
    await setUpAdminInPage(admin, server.url, 'admin', ADMIN_PASSWORD);
    await admin.goto(`${server.url}/admin`);
    await admin.fill(UI.addStaffUsername, INSTRUCTOR);
    await admin.fill(UI.addStaffPassword, INSTRUCTOR_PASSWORD);
    await admin.selectOption(UI.addStaffRole, 'instructor');
    await admin.click(UI.addStaffSubmit);
    await admin.waitForSelector(UI.staffRow(INSTRUCTOR), { timeout: PAGE_TIMEOUT_MS });
    // The page says which runtime runs the sandboxes, and loudly when it has known escapes
    // (this CI host: Debian 12's runc 1.1.5 on cgroup v1, CVE-2025-31133/52565/52881).
    const host = await fetchInPage<{ runtime: string | null; cves: string[] }>(admin, '/api/admin/host');
    assert.equal(host.status, 200);
    const notice = admin.locator('[data-testid="admin-runtime"]');
    await notice.waitFor({ timeout: PAGE_TIMEOUT_MS });
    const text = await notice.innerText();
    if (host.json!.cves.length > 0) {
      assert.equal(await notice.getAttribute('data-status'), 'cve');
      assert.equal(await notice.getAttribute('role'), 'alert');
      for (const cve of host.json!.cves) assert.ok(text.includes(cve), `${cve} in ${JSON.stringify(text)}`);
    } else {
      assert.equal(await notice.getAttribute('data-status'), 'ok');
      assert.ok(text.includes(host.json!.runtime!.split(' ')[0]!), text);
    }
  });

  test('the instructor signs in and makes a class with two lessons', async () => {
    await signInInPage(teacher, server.url, INSTRUCTOR, INSTRUCTOR_PASSWORD);
    await teacher.goto(`${server.url}/classes`);
    await teacher.click(UI.newClass, { timeout: PAGE_TIMEOUT_MS });
    await teacher.fill(UI.className, 'Containers 101');
    await teacher.click(UI.classLesson(LESSON_A));
    await teacher.click(UI.classLesson(LESSON_B));
    await teacher.click(UI.classSubmit);
    await teacher.waitForURL(/\/classes\/[0-9a-f]{32}$/, { timeout: PAGE_TIMEOUT_MS });
    classId = teacher.url().split('/').pop() ?? '';
    joinCode = (await teacher.locator(UI.joinCode).innerText({ timeout: PAGE_TIMEOUT_MS })).trim();
    assert.match(joinCode, /^[A-Z]{3}-[A-Z]{3}$/);
    const view = await fetchInPage<{ settings: { lessons: string[] } }>(teacher, `/api/classes/${classId}`);
    assert.deepEqual(view.json?.settings.lessons, [LESSON_A, LESSON_B]);
    // The dashboard's live feed is open before anyone joins: what follows arrives without a reload.
    await teacher.waitForSelector('[data-testid="dashboard"][data-feed="open"]', { timeout: PAGE_TIMEOUT_MS });
  });

  test('two students join by code (one typed in lower case) and show on the grid without a reload', async () => {
    await joinInPage(kim, server.url, joinCode.toLowerCase(), KOREAN);
    await joinInPage(ada, server.url, joinCode, ENGLISH);
    await teacher.waitForSelector(UI.gridStudent(KOREAN), { timeout: 10_000 });
    await teacher.waitForSelector(UI.gridStudent(ENGLISH), { timeout: 10_000 });
    grid = (await fetchInPage<Grid>(teacher, `/api/classes/${classId}/grid`)).json!;
    assert.ok(idOf(KOREAN) && idOf(ENGLISH), 'both students are in the grid');
  });

  test('김민준 fails step 1 once, then passes it; Ada passes steps 1 and 2; the grid follows live', async () => {
    await startLesson(kim);
    await clickCheck(kim, false);
    await teacher.waitForSelector(`${UI.gridCell(idOf(KOREAN), LESSON_A, 1)}[data-status="in-progress"][data-attempts="1"]`, { timeout: 5000 });
    await typeLine(kim, LESSON_A_COMMANDS[1]!);
    await waitForText(kim, /answers\/kernel\n.*[#$] $/m);
    await clickCheck(kim, true);
    await teacher.waitForSelector(`${UI.gridCell(idOf(KOREAN), LESSON_A, 1)}[data-status="passed"]`, { timeout: 5000 });

    await startLesson(ada);
    await typeLine(ada, LESSON_A_COMMANDS[1]!);
    await waitForText(ada, /answers\/kernel\n.*[#$] $/m);
    await clickCheck(ada, true);
    await ada.click('[data-testid="lesson-next"]');
    await ada.waitForSelector('[data-testid="lesson-step"][data-step="2"]');
    await typeLine(ada, LESSON_A_COMMANDS[2]!);
    await waitForText(ada, /answers\/pid1\n.*[#$] $/m);
    await clickCheck(ada, true);
    await teacher.waitForSelector(`${UI.gridCell(idOf(ENGLISH), LESSON_A, 2)}[data-status="passed"]`, { timeout: 5000 });
    assert.equal(await teacher.getAttribute(UI.gridCell(idOf(ENGLISH), LESSON_A, 1), 'data-status'), 'passed');
    assert.notEqual(await teacher.getAttribute(UI.gridCell(idOf(KOREAN), LESSON_A, 2), 'data-status'), 'passed');
  });

  test('the instructor watches 김민준’s terminal and sees what she types; joins and types; she sees the banner', async () => {
    await teacher.click(UI.gridStudent(KOREAN));
    await teacher.waitForSelector(`${UI.watchPanel} [data-testid="terminal"]`, { timeout: PAGE_TIMEOUT_MS });
    await kim.waitForSelector(`${UI.watchBanner} [data-testid="watcher"][data-mode="watch"]`, { timeout: 10_000 });
    assert.match(await kim.locator(UI.watchBanner).innerText(), new RegExp(INSTRUCTOR));
    await typeLine(kim, 'echo watched-$((6*7))');
    await waitForTextIn(teacher, UI.watchPanel, /^watched-42$/m);

    await teacher.click(UI.watchJoin);
    await teacher.click(`${UI.watchPanel} [data-testid="terminal"]`);
    await teacher.keyboard.type('echo helped-by-$((40+2))');
    await teacher.keyboard.press('Enter');
    await waitForText(kim, /^helped-by-42$/m);
    // The banner now says the instructor types, not only watches.
    await kim.waitForSelector(`${UI.watchBanner} [data-testid="watcher"][data-mode="join"]`, { timeout: 5000 });
    assert.match(await kim.locator(UI.watchBanner).innerText(), new RegExp(INSTRUCTOR));
  });

  test('a raised hand shows on the grid', async () => {
    await ada.click(UI.raiseHand);
    await ada.fill(UI.handMessage, 'step 3 confuses me');
    await ada.click(UI.handSubmit);
    await teacher.waitForSelector(UI.gridHand(idOf(ENGLISH)), { timeout: 5000 });
    assert.match(await teacher.locator(UI.gridHand(idOf(ENGLISH))).innerText(), /step 3 confuses me/);
  });

  test('an announcement reaches both students at once', async () => {
    await teacher.click('[data-testid="watch-panel-close"]');
    await teacher.fill(UI.announcementText, 'Break: back at 10:30 / 10시 30분에 다시 시작');
    await teacher.click(UI.announcementSubmit);
    for (const p of [kim, ada]) await p.waitForSelector(`${UI.announcement} >> text=Break: back at 10:30`, { timeout: 5000 });
  });

  test('the CSV holds both students’ rows with the right attempts', async () => {
    const csv = await fetchInPage(teacher, `/api/classes/${classId}/results.csv?lang=en`);
    assert.equal(csv.status, 200);
    const [head, ...rows] = parseCsv(csv.text);
    assert.deepEqual(head, [...RESULT_HEADERS.en]);
    const row = (name: string, step: number) => rows.find((r) => r[0] === name && r[1] === LESSON_A && r[2] === String(step));
    assert.equal(row(KOREAN, 1)?.[3], 'passed');
    assert.equal(row(KOREAN, 1)?.[5], '1', '김민준 failed step 1 once');
    assert.equal(row(ENGLISH, 1)?.[3], 'passed');
    assert.equal(row(ENGLISH, 1)?.[5], '0');
    assert.equal(row(ENGLISH, 2)?.[3], 'passed');
    assert.notEqual(row(KOREAN, 2)?.[3] ?? 'not-started', 'passed');
    const ko = await fetchInPage(teacher, `/api/classes/${classId}/results.csv?lang=ko`);
    assert.deepEqual(parseCsv(ko.text)[0], [...RESULT_HEADERS.ko]);
  });

  test('a recording of 김민준’s terminal replays in the player', async () => {
    // The recording of the terminal she typed in (the one whose cast holds her output).
    const list = await fetchInPage<{ recordings: { id: string }[] }>(teacher, `/api/classes/${classId}/recordings?student=${idOf(KOREAN)}`);
    let recording = '';
    for (const r of list.json?.recordings ?? []) {
      if (/watched-42/.test((await fetchInPage(teacher, `/api/recordings/${r.id}/cast`)).text)) recording = r.id;
    }
    assert.ok(recording, `no recording of 김민준 holds her output (${list.json?.recordings.length ?? 0} recordings)`);
    await teacher.goto(`${server.url}/classes/${classId}/students/${idOf(KOREAN)}`);
    await teacher.click(`[data-testid="recording-row"][data-recording-id="${recording}"] ${UI.recordingItem}`, { timeout: PAGE_TIMEOUT_MS });
    const player = `${UI.recordingPlayer}[data-recording-id="${recording}"]`;
    await teacher.waitForSelector(`${player}[data-state="ready"]`, { timeout: PAGE_TIMEOUT_MS });
    // asciinema-player plays it (idle gaps shortened): her output appears on its screen. The
    // page asks it to play at once; when it still waits at the first frame, the instructor
    // presses its Play button, as anyone would.
    const showsOutput = (ms: number) =>
      teacher
        .waitForFunction((sel) => /watched-42/.test(document.querySelector(sel)?.textContent ?? ''), player, { timeout: ms })
        .then(() => true)
        .catch(() => false);
    let shown = '';
    if (!(await showsOutput(10_000))) {
      await teacher.click(`${player} .ap-playback-button`, { timeout: 10_000 });
      if (!(await showsOutput(90_000))) shown = await teacher.locator(player).innerText();
    }
    assert.equal(shown, '', `the player never showed her output; it shows:\n${shown}`);
  });
});
