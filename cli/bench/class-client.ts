// A Node client of pier's classroom as one browser is: a cookie jar that keeps every pier_*
// cookie (owner and staff), a same-origin Origin on every call, and the class's live feeds
// (dashboard and member events) collected and validated with protocol/classroom.ts.
import WebSocket from 'ws';
import type { z } from 'zod';
import { ApiClient, readBody, type ApiAnswer } from '../client/api-client.js';
import { ClassEvent, MemberEvent } from '../../protocol/classroom.js';

/** Name of the staff cookie (protocol/classroom.ts). */
export const STAFF_COOKIE = 'pier_staff';

/**
 * One browser on the API with a full cookie jar. `cookie` (what ApiClient and the tests'
 * socket helpers send) is always the jar's whole Cookie header.
 */
export class ClassroomClient extends ApiClient {
  /** Cookies by name, as the server set them (the value only). */
  readonly jar = new Map<string, string>();
  /** Every Set-Cookie header line seen, newest last (for attribute checks). */
  readonly setCookies: string[] = [];

  constructor(base: string) {
    super(base, null);
  }

  /** A client sharing this one's cookies from now on (a second tab of the same browser). */
  copy(): ClassroomClient {
    const c = new ClassroomClient(this.base);
    for (const [k, v] of this.jar) c.jar.set(k, v);
    c.cookie = c.#header();
    return c;
  }

  #header(): string | null {
    return this.jar.size === 0 ? null : [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /**
   * Calls the API as a same-origin page does (Origin = the server, unless `origin` says
   * otherwise; `null` sends none); keeps every Set-Cookie.
   */
  override async call<T = unknown>(
    method: string,
    pathname: string,
    body?: unknown,
    options: { raw?: string; headers?: Record<string, string>; origin?: string | null } = {},
  ): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const origin = options.origin === undefined ? this.base : options.origin;
    if (origin !== null) headers.origin = origin;
    const cookie = this.#header();
    if (cookie) headers.cookie = cookie;
    let payload: string | undefined;
    if (options.raw !== undefined) payload = options.raw;
    else if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(this.base + pathname, { method, headers, body: payload, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expires = /;\s*expires=([^;]+)/i.exec(line)?.[1];
      const expired = /max-age=(0|-\d+)\b/i.test(line) || value === '' || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    this.cookie = this.#header();
    return { status: res.status, body: (await readBody(res)) as T, headers: res.headers };
  }

  /** Calls and insists on `status`; returns the body. */
  async expect<T = unknown>(status: number, method: string, pathname: string, body?: unknown): Promise<T> {
    const r = await this.call<T>(method, pathname, body);
    if (r.status !== status) throw new Error(`${method} ${pathname} answered ${r.status}, expected ${status}: ${JSON.stringify(r.body).slice(0, 400)}`);
    return r.body;
  }
}

/** A JSON event feed (a dashboard's or a student's), every event validated and kept with its arrival time. */
export class FeedClient<T extends { type: string }> {
  readonly ws: WebSocket;
  readonly events: { at: number; event: T }[] = [];
  /** Frames that did not match the schema. */
  readonly bad: string[] = [];
  closeCode: number | null = null;
  /** Called on each event as it arrives (after it is kept). */
  onEvent: ((event: T, at: number) => void) | null = null;

  private constructor(ws: WebSocket, schema: z.ZodType<T>) {
    this.ws = ws;
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => {
      const at = performance.now();
      let json: unknown;
      try {
        json = JSON.parse(data.toString('utf8'));
      } catch {
        this.bad.push(data.toString('utf8').slice(0, 300));
        return;
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        this.bad.push(`${data.toString('utf8').slice(0, 300)}: ${parsed.error.message.slice(0, 300)}`);
        return;
      }
      this.events.push({ at, event: parsed.data });
      this.onEvent?.(parsed.data, at);
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  /** Opens `pathname` as `client` (its cookies, its Origin); resolves once open. */
  static async open<T extends { type: string }>(client: ApiClient, pathname: string, schema: z.ZodType<T>): Promise<FeedClient<T>> {
    const ws = new WebSocket(client.wsUrl(pathname), { headers: client.upgradeHeaders(), perMessageDeflate: false });
    const feed = new FeedClient<T>(ws, schema);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`${pathname}: the server answered ${res.statusCode} to the upgrade`)));
      ws.once('error', reject);
    });
    return feed;
  }

  /** Waits for an event matching `match` (among those so far and after); resolves with it. */
  async waitFor<U extends T = T>(match: (e: T) => e is U, timeoutMs?: number): Promise<U>;
  async waitFor(match: (e: T) => boolean, timeoutMs?: number): Promise<T>;
  async waitFor(match: (e: T) => boolean, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => match(e.event));
      if (found) return found.event;
      if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${this.events.map((e) => e.event.type).join(', ') || 'nothing'}${this.bad.length ? `; bad frames: ${this.bad.join(' | ')}` : ''}`);
      if (this.closeCode !== null) throw new Error(`the feed closed (${this.closeCode}) before a matching event`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Closes the socket. */
  close(): void {
    this.ws.close();
  }
}

/** The dashboard feed of class `classId` (/ws/classes/:class/events). */
export function openDashboardFeed(client: ApiClient, classId: string): Promise<FeedClient<ClassEvent>> {
  return FeedClient.open(client, `/ws/classes/${classId}/events`, ClassEvent);
}

/** A student's feed of class `classId` (/ws/me/classes/:class/events). */
export function openMemberFeed(client: ApiClient, classId: string): Promise<FeedClient<MemberEvent>> {
  return FeedClient.open(client, `/ws/me/classes/${classId}/events`, MemberEvent);
}
