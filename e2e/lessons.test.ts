// A lesson as a student takes it, in Debian's Chromium against the real server and real
// sandboxes: the course on the home page, Start, a clicked {{exec}} block running in the
// terminal, Check failing with the check's FAIL reason, the step done and passing, the next
// step unlocking, copy and port links, a watch step, progress surviving a reload and showing
// on the home page, Solve, a failed setup, a Korean student seeing the check's FAIL/HINT
// only in Korean (FAIL[ko]:, issue 14.7), and the author preview reloading on save.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { rootSuite } from '../test/helpers/root.js';
import { driver } from '../test/helpers/sandbox.js';
import { launchBrowser } from './helpers/browser.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { PLAY_URL, endSessionInPage, pollUntil } from './helpers/session.js';
import { waitForText } from './helpers/terminal.js';

/** The fixture lesson's id (its folder name). */
const LESSON = 'e2e-marker-lesson';
/** A hidden lesson whose setup script fails. */
const BROKEN = 'e2e-broken-setup';
/** What step 1's check says while the marker is missing, in English and (FAIL[ko]:) in Korean. */
const REASON = 'the marker file /root/e2e-marker does not exist yet';
const REASON_KO = '표시 파일 /root/e2e-marker 가 아직 없습니다';
const HINT_KO = '본문의 touch 명령을 클릭하세요';

/** Writes the fixture lessons into `dir/`: a three-step one (check, watch, solve) and one whose setup fails. */
function writeLesson(dir: string): void {
  const root = path.join(dir, LESSON);
  mkdirSync(root, { recursive: true });
  const file = (name: string, text: string, mode = 0o644) => {
    writeFileSync(path.join(root, name), text);
    chmodSync(path.join(root, name), mode);
  };
  file(
    'lesson.md',
    [
      '---',
      'title:',
      '  en: Marker files',
      '  ko: 표시 파일',
      'description:',
      '  en: A short lesson the browser test writes.',
      '  ko: 브라우저 테스트가 쓰는 짧은 레슨.',
      'time: 3',
      'solve: true',
      'steps:',
      '  - title: Leave a marker',
      '  - title: Leave a second marker',
      '    watch: true',
      '  - title: Leave a third marker',
      '---',
      'This lesson leaves two marker files. INTRO-E2E',
      '',
    ].join('\n'),
  );
  file(
    'step1.md',
    ['First say hello:', '', '`echo hello-$((40+2))`{{exec}}', '', 'Then leave the marker:', '', '```', 'touch /root/e2e-marker', '```{{exec}}', ''].join('\n'),
  );
  file(
    'step1.check.sh',
    `#!/bin/bash\nif [ ! -f /root/e2e-marker ]; then\n  echo "FAIL: ${REASON}"\n  echo "FAIL[ko]: ${REASON_KO}"\n  echo "HINT: run touch /root/e2e-marker"\n  echo "HINT[ko]: ${HINT_KO}"\n  echo "LANG-SEEN=$PIER_LANG"\n  exit 1\nfi\n`,
    0o755,
  );
  file('step1.solution.sh', '#!/bin/bash\ntouch /root/e2e-marker\n', 0o755);
  file(
    'step2.md',
    ['STEP-TWO-E2E: this step checks itself. Leave `touch /root/e2e-second`{{exec}}', '', 'Keep this: `COPY-ME-E2E`{{copy}}', '', 'A web app would be [here]({{TRAFFIC_HOST1_8000}}/docs).', ''].join('\n'),
  );
  file('step2.check.sh', '#!/bin/bash\n[ -f /root/e2e-second ] || { echo "FAIL: no second marker"; exit 1; }\n', 0o755);
  file('step2.solution.sh', '#!/bin/bash\ntouch /root/e2e-second\n', 0o755);
  file('step3.md', 'STEP-THREE-E2E: leave `touch /root/e2e-third`{{exec}}\n');
  file('step3.check.sh', '#!/bin/bash\n[ -f /root/e2e-third ] || { echo "FAIL: no third marker"; exit 1; }\n', 0o755);
  file('step3.solution.sh', '#!/bin/bash\ntouch /root/e2e-third\n', 0o755);
  file('finish.md', 'Both markers are there. FINISH-E2E\n');
  // Setup takes a moment, so the page has to show that it is preparing.
  file('setup.sh', '#!/bin/bash\nsleep 3\ntouch /root/.setup-done\n', 0o755);

  const broken = path.join(dir, BROKEN);
  mkdirSync(broken, { recursive: true });
  writeFileSync(path.join(broken, 'lesson.md'), ['---', 'title: Broken setup', 'description: Its setup script fails.', 'time: 1', 'hidden: true', 'steps:', '  - title: Nothing', '---', 'Never ready.', ''].join('\n'));
  writeFileSync(path.join(broken, 'step1.md'), 'Nothing to do.\n');
  writeFileSync(path.join(broken, 'setup.sh'), '#!/bin/bash\necho "setup cannot go on" >&2\nexit 3\n');
  chmodSync(path.join(broken, 'setup.sh'), 0o755);
}

/** The course card of the fixture lesson on the home page. */
const CARD = `[data-testid="course-lesson"][data-lesson="${LESSON}"]`;

describe('a lesson in the browser', { ...rootSuite(), timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let lessonDir = '';
  let sessionUrl = '';
  let sandboxesBefore = 0;

  before(async () => {
    sandboxesBefore = (await driver.list()).length;
    lessonDir = mkdtempSync(path.join(tmpdir(), 'pier-e2e-lessons-'));
    writeLesson(lessonDir);
    // The server child inherits the environment: our folder joins the built-in lessons.
    process.env.PIER_LESSON_DIRS = lessonDir;
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (lessonDir) rmSync(lessonDir, { recursive: true, force: true });
  });

  test('the home page lists the course in order, the fixture lesson not started', async () => {
    await page.goto(server.url);
    const card = page.locator(CARD);
    await card.waitFor({ timeout: 30_000 });
    assert.equal(await card.getAttribute('data-passed'), '0');
    assert.equal(await card.getAttribute('data-steps'), '3');
    assert.match(await card.innerText(), /Marker files|표시 파일/);
    assert.match(await card.innerText(), /3 min|3분/);
    // The built-in course comes in folder order.
    const ids = await page.locator('[data-testid="course-lesson"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lesson') ?? ''));
    const builtIn = ids.filter((id) => /^\d\d-/.test(id));
    assert.ok(builtIn.length >= 1, `no built-in lesson listed: ${ids.join(', ')}`);
    assert.ok(!ids.includes(BROKEN), 'a hidden lesson is not listed');
    assert.deepEqual(builtIn, [...builtIn].sort());
  });

  test('Start opens the playground with the lesson pane at its introduction', async () => {
    await page.click(`${CARD} [data-testid="course-start"]`);
    await page.waitForURL(PLAY_URL, { timeout: 30_000 });
    await page.waitForSelector('[data-testid="lesson-pane"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="lesson-intro"] >> text=INTRO-E2E');
    // setup.sh sleeps 3 s: the terminals are covered by "preparing…" until it is done.
    await page.waitForSelector('[data-testid="lesson-preparing"] [role="progressbar"]', { timeout: 10_000 });
    await page.waitForSelector('[data-testid="lesson-preparing"]', { state: 'detached', timeout: 60_000 });
    await page.click('[data-testid="lesson-begin"]');
    await page.waitForSelector('[data-testid="lesson-step"][data-step="1"]');
    assert.equal(await page.getAttribute('[data-testid="lesson-step-item"][data-step="2"]', 'data-state'), 'locked');
  });

  test('clicking an {{exec}} block runs it in the terminal', async () => {
    await page.waitForSelector('[data-testid="terminal"]', { timeout: 30_000 });
    await waitForText(page, /[#$] $/m, 30_000);
    await page.click('[data-testid="lesson-step"] [data-pier-action="exec"] >> text=echo hello');
    await waitForText(page, /^hello-42$/m);
  });

  test('Check before doing the step shows the check’s FAIL reason and hint', async () => {
    await page.click('[data-testid="lesson-check"]');
    const result = page.locator('[data-testid="lesson-check-result"][data-passed="false"]');
    await result.waitFor({ timeout: 30_000 });
    assert.match(await result.innerText(), new RegExp(REASON.replace(/[/.]/g, '\\$&')));
    assert.match(await result.innerText(), /touch \/root\/e2e-marker/);
    // One language at a time: the Korean lines of the same check are not shown in English.
    assert.doesNotMatch(await result.innerText(), /[\uac00-\ud7a3]/);
    assert.equal(await page.isDisabled('[data-testid="lesson-next"]'), true);
  });

  test('doing the step passes the check and unlocks the next step', async () => {
    await page.click('[data-testid="lesson-step"] pre[data-pier-action="exec"]');
    await waitForText(page, /touch \/root\/e2e-marker\n.*[#$] $/m);
    await page.click('[data-testid="lesson-check"]');
    await page.waitForSelector('[data-testid="lesson-check-result"][data-passed="true"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="lesson-step-item"][data-step="1"][data-state="passed"]');
    await page.waitForSelector('[data-testid="lesson-progress"][data-passed="1"]');
    assert.equal(await page.getAttribute('[data-testid="lesson-step-item"][data-step="2"]', 'data-state'), 'open');
    await page.click('[data-testid="lesson-next"]');
    await page.waitForSelector('[data-testid="lesson-step"][data-step="2"] >> text=STEP-TWO-E2E');
  });

  test('a {{copy}} block copies its text and says so; a port link points at the session’s port', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    const block = page.locator('[data-testid="lesson-step"] [data-pier-action="copy"]');
    await block.click();
    await page.waitForSelector('[data-testid="lesson-step"] [data-pier-action="copy"][data-pier-feedback="copied"]', { timeout: 5000 });
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), 'COPY-ME-E2E');
    const id = page.url().split('/').pop() ?? '';
    assert.equal(await page.getAttribute('[data-testid="lesson-step"] a[data-pier-port="8000"]', 'href'), `/p/${id}/node1/8000/docs`);
  });

  test('a watch step passes by itself once the work is done', async () => {
    await page.click('[data-testid="lesson-step"] [data-pier-action="exec"] >> text=touch /root/e2e-second');
    await waitForText(page, /touch \/root\/e2e-second\n.*[#$] $/m);
    // No click on Check: the server re-checks every few seconds and the pane follows.
    await page.waitForSelector('[data-testid="lesson-check-result"][data-passed="true"]', { timeout: 20_000 });
    await page.waitForSelector('[data-testid="lesson-step-item"][data-step="3"][data-state="open"]');
    await page.click('[data-testid="lesson-next"]');
    await page.waitForSelector('[data-testid="lesson-step"][data-step="3"] >> text=STEP-THREE-E2E');
  });

  test('a reload keeps the progress: step 3 open, steps 1 and 2 passed', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid="lesson-step"][data-step="3"]', { timeout: 30_000 });
    assert.equal(await page.getAttribute('[data-testid="lesson-step-item"][data-step="1"]', 'data-state'), 'passed');
    assert.equal(await page.getAttribute('[data-testid="lesson-step-item"][data-step="2"]', 'data-state'), 'passed');
    assert.equal(await page.getAttribute('[data-testid="lesson-progress"]', 'data-passed'), '2');
    // The terminal still has the earlier output.
    await page.waitForSelector('[data-testid="terminal"]', { timeout: 30_000 });
    await waitForText(page, /^hello-42$/m);
  });

  test('the home page shows the passed steps', async () => {
    sessionUrl = page.url();
    await page.goto(server.url);
    const card = page.locator(`${CARD}[data-passed="2"]`);
    await card.waitFor({ timeout: 15_000 });
    assert.match(await card.locator('[data-testid="course-progress"]').innerText(), /2\/3|3단계 중 2단계/);
    assert.match(await card.locator('[data-testid="course-start"]').innerText(), /Continue|이어서/);
    // Continue goes back to the playground that still runs, not a new one.
    await card.locator('[data-testid="course-start"]').click();
    await page.waitForURL(sessionUrl, { timeout: 30_000 });
  });

  test('Solve runs the last step’s solution; the finish page follows', async () => {
    // Solve asks first (it is not a pass the student made).
    await page.click('[data-testid="lesson-solve"]', { timeout: 30_000 });
    await page.click('[data-testid="lesson-solve-confirm"]');
    await page.waitForSelector('[data-testid="lesson-check-result"][data-passed="true"]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid="lesson-progress"][data-passed="3"]');
    // Solved is not passed: the step is marked apart, and the result says it was Solve.
    await page.waitForSelector('[data-testid="lesson-step-item"][data-step="3"][data-state="solved"]');
    await page.waitForSelector('[data-testid="lesson-check-result"][data-solved="true"]');
    assert.equal(await page.getAttribute('[data-testid="lesson-step-item"][data-step="2"]', 'data-state'), 'passed');
    // The next page opens at its top, whatever the scroll of this one.
    await page.evaluate(() => document.querySelector('[data-testid="lesson-scroll"]')?.scrollTo({ top: 10_000 }));
    await page.click('[data-testid="lesson-next"]');
    await page.waitForSelector('[data-testid="lesson-finish"] >> text=FINISH-E2E');
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid="lesson-scroll"]')?.scrollTop), 0);
    // After the last step: the course's next lesson, or that the course is done.
    await page.waitForSelector('[data-testid="lesson-finish"] [data-testid="lesson-next-lesson"], [data-testid="lesson-finish"] >> text=/last lesson of the course|마지막 레슨/');
  });

  test('the home page shows the solved step apart from the passed ones', async () => {
    const home = await page.context().newPage();
    await home.goto(server.url);
    const card = home.locator(`${CARD}[data-passed="3"][data-solved="1"]`);
    await card.waitFor({ timeout: 15_000 });
    assert.match(await card.locator('[data-testid="course-progress"]').innerText(), /1 solved with help|1단계는 풀이 보기로 완료/);
    await home.close();
  });

  test('/play/<an id this server never had> answers 404', async () => {
    const res = await fetch(`${server.url}/play/${'0'.repeat(32)}`);
    assert.equal(res.status, 404);
    const mine = await fetch(sessionUrl);
    assert.equal(mine.status, 200, 'a known session (even without its owner cookie) still gets its page');
  });

  test('a lesson whose setup fails says so', async () => {
    const other = await page.context().newPage();
    await other.goto(server.url);
    const id = await other.evaluate(async (lessonId) => {
      const r = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lessonId }) });
      return ((await r.json()) as { id: string }).id;
    }, BROKEN);
    await other.goto(`${server.url}/play/${id}`);
    const alert = other.locator('[data-testid="lesson-setup-failed"]');
    await alert.waitFor({ timeout: 30_000 });
    assert.match(await alert.innerText(), /failed|실패/);
    await endSessionInPage(other);
    await other.close();
  });

  test('ending the lesson’s playground removes its sandbox', async () => {
    await endSessionInPage(page);
    const left = await pollUntil(async () => (await driver.list()).length, (n) => n <= sandboxesBefore);
    assert.equal(left, sandboxesBefore);
  });

  test('a Korean student sees the check’s reason and hint only in Korean', async () => {
    // A new browser (its own owner, so step 1 is not passed) whose UI language is Korean.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ko-KR' });
    await context.addCookies([{ name: 'pier-lang', value: 'ko', url: server.url }]);
    await context.addInitScript(() => window.localStorage.setItem('pier-lang', 'ko'));
    const ko = await context.newPage();
    await ko.goto(server.url);
    await ko.click(`${CARD} [data-testid="course-start"]`);
    await ko.waitForURL(PLAY_URL, { timeout: 30_000 });
    await ko.waitForSelector('[data-testid="lesson-preparing"]', { state: 'detached', timeout: 60_000 });
    await ko.click('[data-testid="lesson-begin"]');
    await ko.waitForSelector('[data-testid="lesson-step"][data-step="1"]');
    await ko.click('[data-testid="lesson-check"]');
    const result = ko.locator('[data-testid="lesson-check-result"][data-passed="false"]');
    await result.waitFor({ timeout: 30_000 });
    const text = await result.innerText();
    assert.ok(text.includes(REASON_KO), text);
    assert.ok(text.includes(HINT_KO), text);
    assert.ok(!text.includes(REASON), `the English reason is shown too: ${text}`);
    assert.ok(!/run touch/.test(text), `the English hint is shown too: ${text}`);
    await endSessionInPage(ko);
    await context.close();
  });

  test('the author preview shows every page and reloads when a file is saved', async () => {
    await page.goto(`${server.url}/lessons/${LESSON}/preview?lang=en`);
    await page.waitForSelector('[data-testid="preview-intro"] >> text=INTRO-E2E', { timeout: 15_000 });
    await page.waitForSelector('[data-testid="preview-step"][data-step="2"] >> text=STEP-TWO-E2E');
    await page.waitForSelector('[data-testid="preview-step"][data-step="3"] >> text=STEP-THREE-E2E');
    await page.waitForSelector('[data-testid="preview-finish"] >> text=FINISH-E2E');
    const before = await page.getAttribute('[data-testid="lesson-preview"]', 'data-version');
    writeFileSync(path.join(lessonDir, LESSON, 'step2.md'), 'EDITED-E2E: now leave `touch /root/e2e-second`{{exec}}\n');
    await page.waitForSelector('[data-testid="preview-step"][data-step="2"] >> text=EDITED-E2E', { timeout: 10_000 });
    assert.notEqual(await page.getAttribute('[data-testid="lesson-preview"]', 'data-version'), before);
    // ?lang=ko shows the Korean text.
    await page.goto(`${server.url}/lessons/${LESSON}/preview?lang=ko`);
    await page.waitForSelector('[data-testid="lesson-title"] >> text=표시 파일', { timeout: 15_000 });
  });
});
