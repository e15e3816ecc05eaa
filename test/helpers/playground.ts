// Clients of a running pier server for integration tests: the JSON API with a cookie jar
// (one browser each), a terminal WebSocket speaking protocol/terminal.ts, the events feed,
// and raw upgrade attempts to see what the server answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { SessionEvent } from '../../protocol/http.js';
import type { ApiClient as Browser } from '../../cli/client/api-client.js';
import { TerminalConnection } from '../../cli/client/terminal-connection.js';
import { loadConfig, type Config } from '../../server/config.js';
import { driver } from './sandbox.js';
import { SESSION_LABEL } from '../../server/sessions/manager.js';

/** A config for a test server: the real runtime (the image lives in the state dir), its own database. */
export function testConfig(overrides: Partial<Config> = {}): { config: Config; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-server-'));
  // No warm pool unless a test asks: its sandboxes would outlive the test's database.
  const config: Config = { ...loadConfig(), database: path.join(dir, 'pier.db'), logLevel: 'error', warmPool: 0, mirrorPort: 0, ...overrides };
  return { config, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One browser (its own cookie jar) on the JSON API: cli/client's ApiClient. */
export { ApiClient as Browser, type ApiAnswer } from '../../cli/client/api-client.js';

/**
 * What the server answers to an upgrade: 101 when it became a WebSocket (closed at once
 * unless kept), else the HTTP status it refused with.
 */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<{ status: number; closeCode?: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      ws.once('close', (code) => resolve({ status: 101, closeCode: code }));
      setTimeout(() => ws.close(), 300);
    });
    ws.on('error', (err) => {
      if (!/Unexpected server response/.test(err.message)) reject(err);
    });
  });
}

/** A terminal attached over its WebSocket, as the browser's terminal does (over cli/client's TerminalConnection). */
export class TerminalClient {
  readonly conn: TerminalConnection;
  /** Everything shown so far (screen painted at attach, then output), as text. */
  text = '';
  #decoder = new TextDecoder();

  private constructor(conn: TerminalConnection) {
    this.conn = conn;
    conn.onOutput = (bytes) => (this.text += this.#decoder.decode(bytes, { stream: true }));
    conn.onControl = (m) => {
      if (m.type === 'ready' && m.screen !== undefined) this.text += m.screen;
    };
  }

  /** Opens terminal `id` as `browser`; resolves once the server said `ready`. */
  static async open(browser: Browser, id: string, size = { cols: 120, rows: 40 }): Promise<TerminalClient> {
    const conn = await TerminalConnection.connect(browser.wsUrl(`/ws/terminals/${id}`), { headers: browser.upgradeHeaders() });
    const client = new TerminalClient(conn);
    await conn.hello(size, undefined, 10_000);
    return client;
  }

  get ws(): WebSocket {
    return this.conn.ws;
  }
  get closeCode(): number | null {
    return this.conn.closeCode;
  }

  /** Types `text` (use `\r` for Enter). */
  type(text: string): void {
    this.conn.input(text);
  }

  /** Waits until the output after `from` matches `pattern`; returns that output. */
  async waitFor(pattern: RegExp, timeoutMs = 10_000, from = 0): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.text.slice(from))) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms; terminal shows ${JSON.stringify(this.text.slice(-600))}`);
      if (this.closeCode !== null) throw new Error(`terminal closed (${this.closeCode}) before ${pattern}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.text.slice(from);
  }

  /**
   * Runs a shell line and resolves with what it printed: the line is followed by an echo
   * of a unique marker whose expansion appears only in the output, not the typed echo.
   */
  async run(line: string, timeoutMs = 10_000): Promise<string> {
    const n = Math.floor(Math.random() * 1e9);
    const from = this.text.length;
    this.type(`${line}; echo "@@done-$((${n}+1))@@"\r`);
    const out = await this.waitFor(new RegExp(`@@done-${n + 1}@@`), timeoutMs, from);
    return out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
  }

  /** Closes the socket and waits for the close. */
  close(): Promise<void> {
    return this.conn.close();
  }

  /** Waits for the server to close the socket; resolves with the code. */
  async closedByServer(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === null) {
      if (Date.now() > deadline) throw new Error('the server did not close the terminal socket');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.closeCode;
  }
}

/** The events feed of a session, collecting every event. */
export class EventsClient {
  readonly ws: WebSocket;
  readonly events: SessionEvent[] = [];
  closeCode: number | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const parsed = SessionEvent.safeParse(JSON.parse(data.toString('utf8')));
      if (!parsed.success) throw new Error(`bad event: ${data.toString('utf8').slice(0, 300)}`);
      this.events.push(parsed.data);
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  static async open(browser: Browser, sessionId: string): Promise<EventsClient> {
    const ws = new WebSocket(browser.wsUrl(`/ws/sessions/${sessionId}/events`), { headers: browser.upgradeHeaders() });
    const client = new EventsClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Waits for an event matching `match`, looking at every event so far and after. */
  async waitFor(match: (e: SessionEvent) => boolean, timeoutMs = 5000): Promise<SessionEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${this.events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Sandboxes on the host that belong to session `id`. */
export async function sandboxesOfSession(id: string): Promise<string[]> {
  return (await driver.list()).filter((s) => s.labels[SESSION_LABEL] === id).map((s) => s.id);
}

/** Rejects when `p` takes longer than `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]).finally(() => clearTimeout(timer));
}
