// The classroom's staff pages in Debian's Chromium against the real server (acceptance 2):
// a student of the class and another class's instructor open the dashboard, the projector
// and a student's history by URL and get the gate or "not found", never the class's data;
// the class's own instructor gets them (so the check cannot pass vacuously).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { ClassView } from '../../protocol/classroom.js';
import { rootSuite } from '../helpers/root.js';
import { launchBrowser } from '../../e2e/helpers/browser.js';
import { startServer, type RunningServer } from '../../e2e/helpers/server.js';
import { INSTRUCTOR_PASSWORD, LESSON_A, addInstructor, createClass, setupAdmin } from '../../e2e/helpers/classroom.js';
import { PAGE_TIMEOUT_MS, UI, fetchInPage, joinInPage } from '../../e2e/helpers/classroom-pages.js';

const SECRET_NAME = 'Secretive Student';

describe('classroom staff pages refuse the wrong people (acceptance 2)', { ...rootSuite(), timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  let dbDir = '';
  let browser: Browser;
  let klass: ClassView;
  let studentId = '';
  const pages: Record<'owner' | 'other' | 'student', Page> = {} as never;

  /** A browser context signed in as `username`. */
  const staffPage = async (username: string): Promise<Page> => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(server.url);
    assert.equal((await fetchInPage(page, '/api/auth/sign-in', { method: 'POST', body: { username, password: INSTRUCTOR_PASSWORD } })).status, 200);
    return page;
  };

  before(async () => {
    dbDir = mkdtempSync(path.join(tmpdir(), 'pier-tests-classroom-pages-'));
    process.env.PIER_DATABASE = path.join(dbDir, 'pier.db');
    server = await startServer();
    browser = await launchBrowser();
    const admin = (await setupAdmin(server.url)).client;
    const owner = await addInstructor(admin, 'owner-teacher');
    await addInstructor(admin, 'other-teacher');
    klass = await createClass(owner, 'Private Class Name', [LESSON_A]);
    pages.owner = await staffPage('owner-teacher');
    pages.other = await staffPage('other-teacher');
    pages.student = await (await browser.newContext()).newPage();
    await joinInPage(pages.student, server.url, klass.joinCode, SECRET_NAME);
    const grid = await owner.expect<{ students: { id: string }[] }>(200, 'GET', `/api/classes/${klass.id}/grid`);
    studentId = grid.students[0]?.id ?? '';
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  const urls = () => [`/classes/${klass.id}`, `/classes/${klass.id}/projector`, `/classes/${klass.id}/students/${studentId}`];

  test('the class’s instructor gets the dashboard, the projector and the history', async () => {
    const page = pages.owner;
    await page.goto(`${server.url}${urls()[0]}`);
    await page.waitForSelector(UI.gridStudent(SECRET_NAME), { timeout: PAGE_TIMEOUT_MS });
    await page.goto(`${server.url}${urls()[1]}`);
    await page.waitForSelector(`[data-testid="join-code"] >> text=${klass.joinCode}`, { timeout: PAGE_TIMEOUT_MS });
    await page.goto(`${server.url}${urls()[2]}`);
    await page.waitForSelector('[data-testid="student-history"]', { timeout: PAGE_TIMEOUT_MS });
    await page.waitForFunction((n) => document.body.innerText.includes(n), SECRET_NAME, { timeout: PAGE_TIMEOUT_MS });
  });

  for (const who of ['student', 'other'] as const) {
    test(`${who === 'student' ? 'a student of the class' : 'another instructor'} gets no class data on any staff page`, async () => {
      const page = pages[who];
      for (const url of urls()) {
        await page.goto(`${server.url}${url}`);
        // The page settles on its gate, its "not found", or an error: never the class.
        await page.waitForSelector('[data-testid="staff-gate"], [data-testid="dashboard-gone"], [data-testid="student-class-error"], [role="alert"], h1', { timeout: PAGE_TIMEOUT_MS });
        await page.waitForLoadState('networkidle').catch(() => undefined);
        const text = await page.evaluate(() => document.body.innerText);
        for (const secret of [SECRET_NAME, 'Private Class Name', klass.joinCode]) assert.ok(!text.includes(secret), `${url} as ${who} shows "${secret}"`);
        assert.equal(await page.locator(`${UI.grid}, [data-testid="grid-row"], [data-testid="join-qr"], [data-testid="history-table"]`).count(), 0, `${url} as ${who} renders class data`);
      }
    });
  }
});
