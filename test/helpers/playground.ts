// Clients of a running pier server for integration tests: the JSON API with a cookie jar
// (one browser each), a terminal WebSocket speaking protocol/terminal.ts, the events feed,
// and raw upgrade attempts to see what the server answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { SessionEvent, type SessionView } from '../../protocol/http.js';
import { decodeServerFrame, encodeControl, encodeInput, isFrameError } from '../../protocol/terminal.js';
import { loadConfig, type Config } from '../../server/config.js';
import { driver } from './sandbox.js';
import { SESSION_LABEL } from '../../server/sessions/manager.js';

/** A config for a test server: the real runtime (the image lives in the state dir), its own database. */
export function testConfig(overrides: Partial<Config> = {}): { config: Config; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pier-server-'));
  const config: Config = { ...loadConfig(), database: path.join(dir, 'pier.db'), logLevel: 'error', ...overrides };
  return { config, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** What an API call answered. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** One browser: its own cookie jar, talking to `base` (e.g. http://127.0.0.1:PORT). */
export class Browser {
  readonly base: string;
  cookie: string | null = null;

  constructor(base: string, cookie: string | null = null) {
    this.base = base;
    this.cookie = cookie;
  }

  /** Host header value the server sees. */
  get host(): string {
    return new URL(this.base).host;
  }

  /** Calls the API; keeps a Set-Cookie. `raw` sends the body as given (a string). */
  async call<T = unknown>(method: string, pathname: string, body?: unknown, options: { raw?: string; headers?: Record<string, string> } = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (this.cookie) headers.cookie = this.cookie;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.base + pathname, { method, headers, body: payload });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('pier_owner='));
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  /** POST /api/sessions, expecting 201. */
  async createSession(): Promise<SessionView> {
    const r = await this.call<SessionView>('POST', '/api/sessions', {});
    if (r.status !== 201) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  /** WebSocket URL of `pathname` on this server. */
  wsUrl(pathname: string): string {
    return this.base.replace(/^http/, 'ws') + pathname;
  }

  /** Headers a same-origin browser page sends on an upgrade. */
  upgradeHeaders(origin = this.base): Record<string, string> {
    return { origin, ...(this.cookie ? { cookie: this.cookie } : {}) };
  }
}

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

/** A terminal attached over its WebSocket, as the browser's terminal does. */
export class TerminalClient {
  readonly ws: WebSocket;
  /** Everything shown so far (screen painted at attach, then output), as text. */
  text = '';
  closeCode: number | null = null;
  #decoder = new TextDecoder();
  #readyResolve!: () => void;
  readonly ready: Promise<void>;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.ready = new Promise((r) => (this.#readyResolve = r));
    ws.on('message', (data: Buffer) => this.#onMessage(data));
    ws.on('close', (code) => (this.closeCode = code));
  }

  /** Opens terminal `id` as `browser`; resolves once the server said `ready`. */
  static async open(browser: Browser, id: string, size = { cols: 120, rows: 40 }): Promise<TerminalClient> {
    const ws = new WebSocket(browser.wsUrl(`/ws/terminals/${id}`), { headers: browser.upgradeHeaders() });
    const client = new TerminalClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(encodeControl({ type: 'hello', cols: size.cols, rows: size.rows }));
    await withTimeout(client.ready, 10_000, 'no ready from the terminal');
    return client;
  }

  #onMessage(data: Buffer): void {
    const frame = decodeServerFrame(new Uint8Array(data));
    if (isFrameError(frame)) throw new Error(`bad frame from the server: ${frame.message}`);
    if (frame.kind === 'output') {
      this.text += this.#decoder.decode(frame.bytes, { stream: true });
      this.ws.send(encodeControl({ type: 'ack', offset: frame.offset + frame.bytes.length }));
      return;
    }
    if (frame.message.type === 'ready') {
      if (frame.message.screen !== undefined) this.text += frame.message.screen;
      this.#readyResolve();
    }
  }

  /** Types `text` (use `\r` for Enter). */
  type(text: string): void {
    this.ws.send(encodeInput(text));
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
  async close(): Promise<void> {
    if (this.closeCode !== null) return;
    const closed = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close();
    await withTimeout(closed, 3000, 'terminal socket did not close').catch(() => this.ws.terminate());
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
