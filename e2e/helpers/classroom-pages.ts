// The classroom pages as people use them in Chromium: selectors of the UI's stable
// data-testids (/work/notes/ui-testids.md) in one place, and the steps every classroom
// browser test takes (set up, sign in, join, start a class lesson, read a terminal).
import type { Page } from 'playwright-core';

/** The classroom UI's selectors. */
export const UI = {
  setupForm: '[data-testid="setup-form"]',
  setupUsername: '[data-testid="setup-username"]',
  setupPassword: '[data-testid="setup-password"]',
  setupRepeat: '[data-testid="setup-repeat"]',
  setupSubmit: '[data-testid="setup-submit"]',
  signInUsername: '[data-testid="sign-in-username"]',
  signInPassword: '[data-testid="sign-in-password"]',
  signInSubmit: '[data-testid="sign-in-submit"]',
  addStaffUsername: '[data-testid="add-staff-username"]',
  addStaffPassword: '[data-testid="add-staff-password"]',
  addStaffRole: '[data-testid="add-staff-role"]',
  addStaffSubmit: '[data-testid="add-staff-submit"]',
  staffRow: (user: string) => `[data-testid="staff-row"][data-username="${user}"]`,
  // Classes (instructor)
  newClass: '[data-testid="class-new"]',
  className: '[data-testid="class-name"]',
  classLesson: (id: string) => `[data-testid="class-lesson-option"][data-lesson="${id}"]`,
  classSubmit: '[data-testid="class-submit"]',
  joinCode: '[data-testid="class-join-code"]',
  // The dashboard grid
  grid: '[data-testid="class-grid"]',
  gridStudent: (name: string) => `[data-testid="grid-student"][data-name="${name}"]`,
  gridCell: (student: string, lesson: string, step: number) => `[data-testid="grid-cell"][data-student="${student}"][data-lesson="${lesson}"][data-step="${step}"]`,
  gridHand: (student: string) => `[data-testid="grid-hand"][data-student="${student}"]`,
  watchPanel: '[data-testid="watch-panel"]',
  watchJoin: '[data-testid="watch-join"]',
  announcementText: '[data-testid="announcement-text"]',
  announcementSubmit: '[data-testid="announcement-submit"]',
  // Students
  joinName: '[data-testid="join-name"]',
  joinSubmit: '[data-testid="join-submit"]',
  studentLessonStart: (lesson: string) => `[data-testid="student-lesson"][data-lesson="${lesson}"] [data-testid="student-lesson-start"]`,
  watchBanner: '[data-testid="watch-banner"]',
  raiseHand: '[data-testid="raise-hand"]',
  handMessage: '[data-testid="hand-message"]',
  handSubmit: '[data-testid="hand-submit"]',
  announcement: '[data-testid="announcement"]',
  // Recordings
  recordingItem: '[data-testid="recording-item"]',
  recordingPlayer: '[data-testid="recording-player"]',
} as const;

/** How long a page step may take (sessions start real sandboxes). */
export const PAGE_TIMEOUT_MS = 60_000;

/** Opens /setup and makes the first (admin) account; the page is signed in afterwards. */
export async function setUpAdminInPage(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/setup`);
  await page.fill(UI.setupUsername, username);
  await page.fill(UI.setupPassword, password);
  await page.fill(UI.setupRepeat, password);
  await page.click(UI.setupSubmit);
  await page.waitForSelector('[data-testid="setup-done"], [data-testid="staff-menu"]', { timeout: PAGE_TIMEOUT_MS });
}

/** Signs in on /sign-in and waits for the staff menu. */
export async function signInInPage(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.fill(UI.signInUsername, username);
  await page.fill(UI.signInPassword, password);
  await page.click(UI.signInSubmit);
  await page.waitForSelector('[data-testid="staff-menu"]', { timeout: PAGE_TIMEOUT_MS });
}

/** Joins a class at /join/<code> with `name`; resolves once the student's class page shows. */
export async function joinInPage(page: Page, base: string, code: string, name: string): Promise<void> {
  await page.goto(`${base}/join/${code.replace('-', '')}`);
  await page.fill(UI.joinName, name);
  await page.click(UI.joinSubmit);
  await page.waitForSelector('[data-testid="student-lesson"]', { timeout: PAGE_TIMEOUT_MS });
}

/** The JSON of `pathname` fetched by the page (its cookies, same origin). */
export function fetchInPage<T = unknown>(page: Page, pathname: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; text: string; json: T | null }> {
  return page.evaluate(
    async ({ pathname, method, body }) => {
      const r = await fetch(pathname, { method: method ?? 'GET', headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: r.status, text, json };
    },
    { pathname, method: init.method, body: init.body },
  ) as Promise<{ status: number; text: string; json: T | null }>;
}

/** The text of the xterm terminal inside `scope` (its `pierReadBuffer()`). */
export function terminalTextIn(page: Page, scope: string): Promise<string> {
  return page
    .locator(`${scope} [data-testid="terminal"]`)
    .first()
    .evaluate((el) => (el as { pierReadBuffer?: () => string }).pierReadBuffer?.() ?? '', undefined, { timeout: 5000 });
}

/** Polls the terminal in `scope` until `re` matches. */
export async function waitForTextIn(page: Page, scope: string, re: RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalTextIn(page, scope).catch(() => '');
    if (re.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`the terminal in ${scope} never showed ${re}; it shows:\n${text.trimEnd().split('\n').slice(-12).join('\n')}`);
}
