// Display names and announcements are text everywhere a page shows them, in Debian's
// Chromium against the real server (acceptance 2): a student named like an <img onerror>
// and an announcement carrying one, on the dashboard, the student's history, the student's
// class page and the playground's banner: the text shows literally, no element is made,
// nothing runs. A control proves the same payload does run when parsed as HTML.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ClassView, Grid } from '../../protocol/classroom.js';
import { rootSuite } from '../helpers/root.js';
import { launchBrowser } from '../../e2e/helpers/browser.js';
import { startServer, type RunningServer } from '../../e2e/helpers/server.js';
import { PLAY_URL } from '../../e2e/helpers/session.js';
import { ADMIN_PASSWORD, LESSON_A, createClass, setupAdmin, type ClassroomClient } from '../../e2e/helpers/classroom.js';
import { PAGE_TIMEOUT_MS, UI, fetchInPage, joinInPage } from '../../e2e/helpers/classroom-pages.js';

/** A name that makes an element and runs script if it is ever parsed as HTML (≤ 40 characters). */
const EVIL_NAME = '<img src=x onerror=window.__xss=1>';
const EVIL_NEWS = '<img src=x onerror=window.__xss=2><b id=bold>news</b>';

/** What the page made of the payloads: injected elements and the flag. */
async function injected(page: Page): Promise<{ imgs: number; bold: number; flag: unknown }> {
  return page.evaluate(() => ({
    imgs: document.querySelectorAll('img[src="x"]').length,
    bold: document.querySelectorAll('#bold').length,
    flag: (window as unknown as { __xss?: unknown }).__xss,
  }));
}

/** Waits until the page shows `text` literally (so it rendered the payload), then checks nothing was injected. */
async function assertShownAsText(page: Page, text: string, where: string): Promise<void> {
  await page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: PAGE_TIMEOUT_MS });
  await page.waitForTimeout(300); // an onerror would fire on the failed load of src=x by now
  assert.deepEqual(await injected(page), { imgs: 0, bold: 0, flag: undefined }, `${where}: the payload became HTML`);
}

describe('classroom escaping in a real browser (acceptance 2)', { ...rootSuite(), timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let dbDir = '';
  let browser: Browser;
  let staff: ClassroomClient;
  let klass: ClassView;
  let student: Page;
  let teacher: Page;
  let studentClassUrl = '';
  let sessionId = '';

  before(async () => {
    dbDir = mkdtempSync(path.join(tmpdir(), 'pier-tests-classroom-escaping-'));
    process.env.PIER_DATABASE = path.join(dbDir, 'pier.db');
    server = await startServer();
    browser = await launchBrowser();
    staff = (await setupAdmin(server.url)).client;
    klass = await createClass(staff, 'Escaping', [LESSON_A]);
    student = await (await browser.newContext()).newPage();
    teacher = await (await browser.newContext()).newPage();
    await teacher.goto(server.url);
    const signed = await fetchInPage(teacher, '/api/auth/sign-in', { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } });
    assert.equal(signed.status, 200);
  });
  after(async () => {
    if (sessionId) await fetchInPage(student, `/api/sessions/${sessionId}`, { method: 'DELETE' }).catch(() => undefined);
    await browser?.close();
    await server?.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  test('the control: this payload runs when parsed as HTML, in this browser', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    await page.evaluate((html) => {
      const div = document.createElement('div');
      div.innerHTML = html;
      document.body.append(div);
    }, EVIL_NAME);
    await page.waitForFunction(() => (window as unknown as { __xss?: unknown }).__xss === 1, undefined, { timeout: 5000 });
    await page.close();
  });

  test('a student named like HTML: the join page and their class page show the name as text', async () => {
    await joinInPage(student, server.url, klass.joinCode, EVIL_NAME);
    studentClassUrl = student.url();
    await assertShownAsText(student, EVIL_NAME, 'the student’s class page');
  });

  test('the dashboard grid and the student’s history show the name as text', async () => {
    await teacher.goto(`${server.url}/classes/${klass.id}`);
    await teacher.waitForSelector(UI.grid, { timeout: PAGE_TIMEOUT_MS });
    await assertShownAsText(teacher, EVIL_NAME, 'the dashboard');
    const grid = (await fetchInPage<Grid>(teacher, `/api/classes/${klass.id}/grid`)).json!;
    const id = grid.students.find((s) => s.displayName === EVIL_NAME)?.id;
    assert.ok(id, 'the grid keeps the name as given');
    await teacher.goto(`${server.url}/classes/${klass.id}/students/${id}`);
    await assertShownAsText(teacher, EVIL_NAME, 'the student’s history page');
  });

  test('an announcement carrying HTML: the playground banner and the class page show it as text', async () => {
    await student.click(UI.studentLessonStart(LESSON_A));
    await student.waitForURL(PLAY_URL, { timeout: PAGE_TIMEOUT_MS });
    sessionId = student.url().split('/').pop() ?? '';
    await student.waitForSelector('[data-testid="lesson-pane"]', { timeout: PAGE_TIMEOUT_MS });
    // Announcements reach a page live, over its session events: wait until that feed delivers (a node's stats came).
    await student.waitForSelector('[data-testid="stat-bar"]', { state: 'attached', timeout: PAGE_TIMEOUT_MS });
    await staff.expect(201, 'POST', `/api/classes/${klass.id}/announcements`, { text: EVIL_NEWS });
    await student.waitForSelector(UI.announcement, { timeout: 10_000 });
    await assertShownAsText(student, EVIL_NEWS, 'the playground’s announcement');
    await student.goto(studentClassUrl);
    await assertShownAsText(student, EVIL_NEWS, 'the student’s class page');
    await teacher.goto(`${server.url}/classes/${klass.id}`);
    await teacher.waitForSelector(UI.grid, { timeout: PAGE_TIMEOUT_MS });
    await assertShownAsText(teacher, EVIL_NAME, 'the dashboard after the announcement');
  });
});
