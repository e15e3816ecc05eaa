// Reads and types into the playground's xterm terminal from Playwright. The terminal view
// offers `pierReadBuffer()` on its container element for tests, since a WebGL-rendered
// screen has no text in the DOM.
import type { Page } from 'playwright-core';

/** Selector of the visible terminal container. */
export const ACTIVE_TERMINAL = '[data-testid="terminal"]:visible';

/** The active terminal's whole buffer (scrollback + screen) as text lines. */
export function terminalText(page: Page): Promise<string> {
  return page
    .locator(ACTIVE_TERMINAL)
    .first()
    .evaluate((el) => (el as { pierReadBuffer?: () => string }).pierReadBuffer?.() ?? '', undefined, { timeout: 5000 });
}

/** Polls the terminal until `re` matches its text; returns the text. */
export async function waitForText(page: Page, re: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page).catch(() => '');
    if (re.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error(`terminal never showed ${re}; it shows:\n${text.trimEnd().split('\n').slice(-15).join('\n')}`);
}

/** Types a command line into the active terminal and presses Enter. */
export async function typeLine(page: Page, line: string): Promise<void> {
  await page.click(ACTIVE_TERMINAL);
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}
