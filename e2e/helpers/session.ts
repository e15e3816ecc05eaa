// What every browser test does with a session through the page: start a playground from the
// home page, end a session with its confirmation, and wait for the host to catch up.
import type { Page } from 'playwright-core';

/** The playground page's path: /play/<32 hex>. */
export const PLAY_URL = /\/play\/[0-9a-f]{32}$/;
/** How long starting or ending a session may take in the page. */
const SESSION_TIMEOUT_MS = 30_000;

/** Opens the home page, presses Start, and waits for the playground; returns its session id. */
export async function startPlayground(page: Page, baseUrl: string): Promise<string> {
  await page.goto(baseUrl);
  await page.click('[data-testid="start-button"]');
  await page.waitForURL(PLAY_URL, { timeout: SESSION_TIMEOUT_MS });
  return page.url().split('/').pop() ?? '';
}

/** Presses "End session", confirms, and waits for the page to say the session ended. */
export async function endSessionInPage(page: Page): Promise<void> {
  await page.click('[data-testid="end-session"]', { timeout: SESSION_TIMEOUT_MS });
  await page.click('[data-testid="end-session-confirm"]', { timeout: 5000 });
  await page.waitForSelector('[data-testid="session-ended"]', { timeout: SESSION_TIMEOUT_MS });
}

/**
 * Reads `read()` until `done` holds or `timeoutMs` passed (e.g. sandboxes the host still
 * has after a session ended); returns the last value read, for the caller's assertion.
 */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    value = await read();
  }
  return value;
}
