import { execSync } from 'node:child_process';
import { launchBrowser } from './helpers/browser.js';
const browser = await launchBrowser();
const page = await browser.newPage();
await page.goto('http://localhost:3108/');
await page.hover('[data-testid="start-button"]');
for (let i = 0; i < 8; i++) {
  const ss = execSync("ss -tnoH state established '( dport = :3108 )' || true").toString().trim().split('\n').filter(Boolean);
  console.log(`${i * 5}s: ${ss.length} sockets to :3108`, ss.map((l) => l.split(/\s+/).slice(2, 4).join(' ')).join(' | '));
  await page.waitForTimeout(5000);
}
await browser.close();
