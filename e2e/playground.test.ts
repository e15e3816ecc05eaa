// The playground as a student uses it, in Debian's Chromium against the real server and
// real sandboxes: start, type, add a node, tabs, reload, port link, Ctrl-C, end.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rootSuite } from '../test/helpers/root.js';
import { driver } from '../test/helpers/sandbox.js';
import { launchBrowser } from './helpers/browser.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { endSessionInPage, pollUntil, startPlayground } from './helpers/session.js';
import { terminalText, typeLine, waitForText } from './helpers/terminal.js';

const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

/** Polls until `selector` matches exactly `n` elements. */
async function waitForCount(page: Page, selector: string, n: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let count = -1;
  while (Date.now() < deadline) {
    count = await page.locator(selector).count();
    if (count === n) return;
    await page.waitForTimeout(100);
  }
  throw new Error(`${selector}: ${count} elements, wanted ${n}`);
}

describe('playground in the browser', { ...rootSuite(), timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sessionUrl = '';
  let sandboxesBefore = 0;

  before(async () => {
    sandboxesBefore = (await driver.list()).length;
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('start a playground from the home page and compute 6*7', async () => {
    await startPlayground(page, server.url);
    sessionUrl = page.url();
    await page.waitForSelector('[data-testid="terminal"]', { timeout: 30_000 });
    await waitForText(page, /[#$] $/m);
    await typeLine(page, 'echo $((6*7))');
    await waitForText(page, /^42$/m);
  });

  test('the header says the playground is offline (issue 14 point 2)', async () => {
    const badge = page.locator('[data-testid="internet-badge"]');
    await badge.waitFor({ timeout: 10_000 });
    // e2e servers run with the default config: outbound off.
    assert.equal(await badge.getAttribute('data-internet'), 'off');
    assert.equal((await badge.textContent())?.trim(), 'Offline');
    assert.match((await badge.getAttribute('title')) ?? '', /An admin can enable internet/);
  });

  test('add node2 and ping it from node1', async () => {
    await page.click('[data-testid="add-node"]');
    await waitForCount(page, '[data-testid="node-item"]', 2, 30_000);
    await page.waitForSelector('[data-testid="node-item"][data-node="node2"][data-status="running"]', { timeout: 30_000 });
    // Adding a node selects it; go back to node1 as a student would.
    await page.click('[data-testid="node-item"][data-node="node1"]');
    await page.waitForSelector('[data-testid="node-item"][data-node="node1"][data-selected="true"]');
    await waitForText(page, /root@node1/);
    await typeLine(page, 'ping -c1 -W3 node2');
    await waitForText(page, /1 packets transmitted, 1 received/);
  });

  test('open a second tab', async () => {
    const tabs = await page.locator('[data-testid="terminal-tab"]').count();
    await page.click('[data-testid="new-tab"]');
    await waitForCount(page, '[data-testid="terminal-tab"]', tabs + 1, 15_000);
    await waitForText(page, /[#$] $/m);
    await typeLine(page, 'echo second-$((40+2))');
    await waitForText(page, /^second-42$/m);
    await page.click('[data-testid="terminal-tab"] >> nth=0');
  });

  test('reload shows the earlier output exactly once', async () => {
    await typeLine(page, 'echo MARK-$((1000+234))');
    await waitForText(page, /^MARK-1234$/m);
    await page.reload();
    await page.waitForSelector('[data-testid="terminal"]', { timeout: 30_000 });
    const text = await waitForText(page, /^MARK-1234$/m);
    await page.waitForTimeout(500);
    const settled = await terminalText(page);
    assert.equal(occurrences(settled, '\nMARK-1234'), 1, `expected one MARK-1234 line, terminal shows:\n${settled}`);
    assert.ok(text.length > 0);
  });

  test('a port link opens python http.server through the proxy', async () => {
    await typeLine(page, 'cd /etc && python3 -m http.server 8000');
    const link = await page.waitForSelector('[data-testid="port-link"]', { timeout: 20_000 });
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await popup.waitForLoadState();
    assert.match(await popup.content(), /Directory listing for \//);
    await popup.close();
    await page.click('[data-testid="terminal"]:visible');
    await page.keyboard.press('Control+C');
    await waitForText(page, /KeyboardInterrupt|[#$] $/m);
  });

  test('yes floods, Ctrl-C brings the prompt back', async () => {
    await typeLine(page, 'yes');
    await page.waitForTimeout(1000);
    await page.keyboard.press('Control+C');
    await typeLine(page, 'echo done-$((2+3))');
    await waitForText(page, /^done-5$/m, 10_000);
  });

  test('a second browser cannot open the first one’s session', async () => {
    const other = await browser.newContext();
    const p2 = await other.newPage();
    const id = sessionUrl.split('/').pop()!;
    const api = await p2.request.get(`${server.url}/api/sessions/${id}`);
    assert.equal(api.status(), 404);
    const proxied = await p2.request.get(`${server.url}/p/${id}/node1/8000/`);
    assert.ok([403, 404].includes(proxied.status()), `port link answered ${proxied.status()}`);
    await p2.goto(sessionUrl);
    await p2.waitForSelector('text=/not found|찾을 수 없|ended|끝났/i', { timeout: 15_000 });
    await other.close();
  });

  test('the server is killed and restarted: the open page reconnects, files survive', async () => {
    await typeLine(page, 'echo kept-$((7*6)) > /root/note');
    await page.waitForTimeout(300);
    await server.kill();
    server = await startServer(server.port);
    // No reload: the page's sockets reconnect by themselves to the restarted server.
    await page.waitForSelector('[data-testid="terminal"]:visible[data-status="open"]', { timeout: 30_000 }).catch(() => undefined);
    const deadline = Date.now() + 30_000;
    for (;;) {
      await typeLine(page, 'cat /root/note');
      try {
        await waitForText(page, /^kept-42$/m, 3000);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
    }
    assert.equal(page.url(), sessionUrl);
  });

  test('end the session: its sandboxes are gone on the host', async () => {
    await endSessionInPage(page);
    const left = await pollUntil(async () => (await driver.list()).length, (n) => n <= sandboxesBefore);
    assert.equal(left, sandboxesBefore);
  });
});
