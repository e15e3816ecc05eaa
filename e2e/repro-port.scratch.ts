import { launchBrowser } from './helpers/browser.js';
import { startServer } from './helpers/server.js';
import { startPlayground } from './helpers/session.js';
import { typeLine, waitForText } from './helpers/terminal.js';
process.env.PIER_DATABASE = '/tmp/pier-ux.db';
const server = await startServer(3108);
const browser = await launchBrowser();
try {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await startPlayground(page, 'http://localhost:3108');
  await page.waitForSelector('[data-testid="terminal"]', { timeout: 30_000 });
  await waitForText(page, /[#$] $/m);
  // A server that listens at once but hangs up on its first 3 connections (an app still starting).
  await typeLine(page, `python3 -c "import socket,http.server as h,socketserver as s
l=socket.socket();l.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);l.bind(('0.0.0.0',8001));l.listen(8)
for i in range(3):
  c,a=l.accept();c.recv(100);c.close();print('hung up',i,flush=True)
l.close();s.TCPServer.allow_reuse_address=True;s.TCPServer(('0.0.0.0',8001),h.SimpleHTTPRequestHandler).serve_forever()"`);
  for (const kind of ['port-link', 'port-link-subdomain']) {
    const link = await page.waitForSelector(`[data-testid="${kind}"][data-port="8001"]`, { timeout: 20_000 });
    const seen: string[] = [];
    context.on('response', (r) => seen.push(`${r.status()} ${r.url()}`));
    const [popup] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await popup.waitForTimeout(3000);
    console.log(kind, popup.url(), seen.join(' | '), (await popup.content().catch((e) => String(e))).slice(0, 400).replace(/\s+/g, ' '));
    await popup.close();
  }
  console.log(server.output().split('\n').filter((l) => /proxy|upstream/i.test(l)).slice(-10).join('\n'));
} finally {
  await browser.close();
  await server.stop();
}
