// The admin page in Debian's Chromium against the real server and real sandboxes: the
// admin sets up in the browser; two visitors (API clients with their own cookies) start
// playgrounds; /admin lists both live sessions with capacity and resources; opening one
// read-only shows its terminal; extending moves its end; ending one (confirmed) removes its
// row and its sandboxes, the other stays.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AdminSessions } from '../protocol/classroom.js';
import type { SessionView } from '../protocol/http.js';
import { rootSuite } from '../test/helpers/root.js';
import { sandboxesOfSession } from '../test/helpers/playground.js';
import { launchBrowser } from './helpers/browser.js';
import { startServer, type RunningServer } from './helpers/server.js';
import { pollUntil } from './helpers/session.js';
import { ADMIN_PASSWORD, ClassroomClient, firstTerminal, runInTerminal } from './helpers/classroom.js';
import { PAGE_TIMEOUT_MS, fetchInPage, setUpAdminInPage, waitForTextIn } from './helpers/classroom-pages.js';

/**
 * Opens `url`, again when Chromium aborted it because the host's interfaces changed (every
 * sandbox start adds a veth on this host: net::ERR_NETWORK_CHANGED is Chromium's reaction).
 */
async function goto(page: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.goto(url);
      return;
    } catch (err) {
      if (attempt >= 5 || !/ERR_NETWORK_CHANGED/.test((err as Error).message)) throw err;
    }
  }
}

describe('the admin page (issue 16, acceptance 2)', { ...rootSuite(), timeout: 10 * 60_000 }, () => {
  let server: RunningServer;
  let dbDir = '';
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let admin: Page;
  let ann: ClassroomClient, ben: ClassroomClient;
  const ids: string[] = [];

  before(async () => {
    dbDir = mkdtempSync(path.join(tmpdir(), 'pier-tests-admin-e2e-'));
    process.env.PIER_DATABASE = path.join(dbDir, 'pier.db');
    server = await startServer();
    browser = await launchBrowser();
    const page = async () => {
      const c = await browser.newContext({ viewport: { width: 1366, height: 900 } });
      contexts.push(c);
      return c.newPage();
    };
    admin = await page();
    [ann, ben] = [new ClassroomClient(server.url), new ClassroomClient(server.url)];
  });
  after(async () => {
    for (const [c, id] of [[ann, ids[0]], [ben, ids[1]]] as const) if (c && id) await c.expect(204, 'DELETE', `/api/sessions/${id}`).catch(() => undefined);
    await browser?.close();
    await server?.stop();
    for (const id of ids) assert.deepEqual(await sandboxesOfSession(id), [], `sandboxes of ${id} left`);
    if (dbDir) rmSync(dbDir, { recursive: true, force: true });
  });

  test('lists live sessions; read-only view, extend; ending one removes its sandboxes', async () => {
    await setUpAdminInPage(admin, server.url, 'admin', ADMIN_PASSWORD);
    const annSession = await ann.expect<SessionView>(201, 'POST', '/api/sessions', {});
    ids.push(annSession.id);
    await runInTerminal(ann, firstTerminal(annSession), 'echo ann-was-$((40+2))');
    ids.push((await ben.expect<SessionView>(201, 'POST', '/api/sessions', {})).id);
    const [annId, benId] = ids as [string, string];
    assert.equal((await sandboxesOfSession(annId)).length, 1);

    await goto(admin, `${server.url}/admin`);
    const row = (id: string) => `[data-testid="admin-session-row"][data-session="${id}"]`;
    await admin.waitForSelector(row(annId), { timeout: PAGE_TIMEOUT_MS });
    await admin.waitForSelector(row(benId));
    assert.match(await admin.textContent('[data-testid="admin-capacity"]') ?? '', /^2 of 200 sessions/);
    assert.match(await admin.textContent(row(annId)) ?? '', /browser [0-9a-f]{8}.*MiB · \d+ ·/);

    await admin.click(`${row(annId)} [data-testid="admin-session-watch"]`);
    await waitForTextIn(admin, '[data-testid="admin-watch"]', /ann-was-42/, PAGE_TIMEOUT_MS);

    const before = await fetchInPage<AdminSessions>(admin, '/api/admin/sessions');
    const endsBefore = before.json!.sessions.find((s) => s.id === benId)!.expiresAt;
    await admin.click(`${row(benId)} [data-testid="admin-session-extend"]`);
    const extended = await pollUntil(async () => (await fetchInPage<AdminSessions>(admin, '/api/admin/sessions')).json!.sessions.find((s) => s.id === benId)!.expiresAt, (at) => at > endsBefore);
    assert.ok(extended > endsBefore, 'extend moved the end');

    await admin.click(`[data-testid="admin-session-end-${benId}"]`);
    await admin.click(`[data-testid="admin-session-end-${benId}-confirm"]`);
    await admin.waitForSelector(row(benId), { state: 'detached', timeout: PAGE_TIMEOUT_MS });
    const left = await pollUntil(() => sandboxesOfSession(benId), (l) => l.length === 0, 90_000);
    const problems = server.output().split('\n').filter((l) => /"level":50|cannot remove/.test(l) && !/CONTAINER ESCAPES/.test(l));
    assert.deepEqual(left, [], `ending removed ben's sandboxes; server errors: ${problems.join('\n').slice(-2000)}`);
    const bens = await ben.expect<{ sessions: { id: string }[] }>(200, 'GET', '/api/me/sessions');
    assert.ok(!bens.sessions.some((x) => x.id === benId), "ben's live sessions no longer list it");
    assert.equal((await sandboxesOfSession(annId)).length, 1, "ann's session is untouched");
    assert.ok(await admin.isVisible(row(annId)));
  });
});
