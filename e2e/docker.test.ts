// Issue 5, acceptance 2 (issue 13: the real Docker Engine): in a playground, in Debian's Chromium against the real server and
// sandboxes, a student runs nginx with `docker run -d -p 8080:80 nginx` in the terminal and
// opens the port link the page shows for 8080 to see nginx's welcome page.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rootSuite } from '../test/helpers/root.js';
import { driver, runtime } from '../test/helpers/sandbox.js';
import { launchBrowser } from './helpers/browser.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { endSessionInPage, pollUntil, startPlayground } from './helpers/session.js';
import { typeLine, waitForText } from './helpers/terminal.js';

describe('docker in the playground', { ...rootSuite(), timeout: 5 * 60_000 }, () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sessionId = '';

  /** This session's sandboxes (the server labels each with its session id). */
  const sessionSandboxes = async () => (await driver.list()).filter((s) => Object.values(s.labels).includes(sessionId));

  before(async () => {
    await runtime.imageSet.build(); // cached after `pier image build`
    server = await startServer();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('docker run -d -p 8080:80 nginx, then the :8080 port link shows "Welcome to nginx!"', async () => {
    sessionId = await startPlayground(page, server.url);
    await page.waitForSelector('[data-testid="terminal"]', { timeout: 30_000 });
    await waitForText(page, /[#$] $/m);
    assert.equal((await sessionSandboxes()).length, 1, 'the session\'s sandbox is labelled with its id');
    // dockerd (started by this first docker command: pier says so) gets nginx from the
    // offline set podman sees; the host image mirror serves `docker pull` the same image.
    await typeLine(page, 'podman save docker.io/library/nginx:latest | docker load');
    await waitForText(page, /starting Docker…/, 60_000);
    await waitForText(page, /^Loaded image: nginx:latest$/m, 120_000);
    await typeLine(page, 'docker run -d -p 8080:80 nginx');
    // docker prints the new container's id.
    await waitForText(page, /^[0-9a-f]{64}$/m, 60_000);
    const link = await page.waitForSelector('[data-testid="port-link"][data-node="node1"][data-port="8080"]', { timeout: 30_000 });
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await popup.waitForLoadState();
    assert.match(await popup.content(), /Welcome to nginx!/);
    assert.equal(await popup.title(), 'Welcome to nginx!');
    await popup.close();
    // The access log is the container's output: the student sees the visit.
    await typeLine(page, 'docker logs $(docker ps -q) 2>&1 | grep -c "GET / HTTP"');
    await waitForText(page, /^[1-9]\d*$/m, 30_000);
  });

  test('end the session: its sandbox, and the nginx inside it, are gone', async () => {
    await endSessionInPage(page);
    assert.ok(sessionId);
    const left = await pollUntil(sessionSandboxes, (l) => l.length === 0);
    assert.deepEqual(left.map((s) => s.id), []);
  });
});
