// `npm run screenshots`: the home page, a playground and a lesson at 390×844, 768×1024 and
// 1366×768, in English and Korean, taken in Debian's Chromium from a real pier server with
// real sandboxes, into screenshots/ (not committed) for review. Needs root and a build.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './helpers/browser.js';
import { startServer } from './helpers/server.js';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const VIEWPORTS = [
  { name: '390x844', width: 390, height: 844 },
  { name: '768x1024', width: 768, height: 1024 },
  { name: '1366x768', width: 1366, height: 768 },
] as const;
const LANGS = ['en', 'ko'] as const;

/** POST /api/sessions from the page (its cookie is the owner); returns the session id. */
async function createSession(page: Page, lessonId?: string): Promise<string> {
  return page.evaluate(async (body) => {
    const r = await fetch('/api/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await r.json()) as { id?: string; error?: { message: string } };
    if (!r.ok || !json.id) throw new Error(`create failed: ${r.status} ${json.error?.message ?? ''}`);
    return json.id;
  }, lessonId ? { lessonId } : {});
}

/** Waits until the visible terminal shows a prompt (or 20 s passed). */
async function waitForPrompt(page: Page): Promise<void> {
  await page
    .waitForFunction(
      () => {
        const el = Array.from(document.querySelectorAll('[data-testid="terminal"]')).find((e) => (e as HTMLElement).offsetParent !== null) as (HTMLElement & { pierReadBuffer?: () => string }) | undefined;
        return /[#$] $/m.test(el?.pierReadBuffer?.() ?? '');
      },
      undefined,
      { timeout: 20_000 },
    )
    .catch(() => undefined);
}

async function shoot(context: BrowserContext, url: string, file: string, ready: (page: Page) => Promise<void>): Promise<void> {
  const page = await context.newPage();
  for (const vp of VIEWPORTS) {
    await page.setViewportSize({ width: vp.width, height: vp.height });
    await page.goto(url);
    await ready(page);
    await page.waitForTimeout(400); // fonts and the terminal's fit
    const out = path.join(OUT, `${file}-${vp.name}.png`);
    await page.screenshot({ path: out });
    console.log(out);
  }
  await page.close();
}

const server = await startServer();
const browser = await launchBrowser();
try {
  await mkdir(OUT, { recursive: true });
  for (const lang of LANGS) {
    const context = await browser.newContext({ locale: lang === 'ko' ? 'ko-KR' : 'en-US' });
    await context.addCookies([{ name: 'pier-lang', value: lang, url: server.url }]);
    await context.addInitScript((l) => localStorage.setItem('pier-lang', l), lang);
    const page = await context.newPage();
    await page.goto(server.url);
    const lessons = await page.evaluate(async () => ((await (await fetch('/api/lessons')).json()) as { lessons: { id: string }[] }).lessons);
    const free = await createSession(page);
    const lesson = lessons[0] ? await createSession(page, lessons[0].id) : null;
    await page.close();
    await shoot(context, server.url, `${lang}-home`, async (p) => {
      await p.waitForSelector('[data-testid="lessons"]');
    });
    await shoot(context, `${server.url}/play/${free}`, `${lang}-playground`, waitForPrompt);
    if (lesson) {
      await shoot(context, `${server.url}/play/${lesson}`, `${lang}-lesson`, async (p) => {
        await p.waitForSelector('[data-testid="lesson-pane"]', { timeout: 30_000 }).catch(() => undefined);
        await waitForPrompt(p);
      });
    }
    const end = await context.newPage();
    await end.goto(server.url);
    for (const id of [free, lesson]) if (id) await end.evaluate((s) => fetch(`/api/sessions/${s}`, { method: 'DELETE' }), id);
    await context.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
