// A Node client of pier's JSON API with a cookie jar: one "browser" each, as the benchmarks
// and the integration tests drive a running server.
import type { SessionView } from '../../protocol/http.js';
import { OWNER_COOKIE } from '../../server/http/owner-cookie.js';

/** What an API call answered. */
export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A response's body: its JSON when it parses, else its text (CSV, asciicast, HTML); undefined when empty. */
export async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** One browser: its own cookie jar, talking to `base` (e.g. http://127.0.0.1:PORT). */
export class ApiClient {
  readonly base: string;
  /** The Cookie header this browser sends (the owner cookie), once the server set one. */
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
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${OWNER_COOKIE}=`));
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    return { status: res.status, body: (await readBody(res)) as T, headers: res.headers };
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
