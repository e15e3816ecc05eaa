// A small router for the JSON API: method + path pattern (`/api/sessions/:id`) → handler,
// with 404 and 405 (and its Allow header) decided here, not in each handler.

/** Path parameters captured by `:name` segments (raw, not yet validated). */
export type Params = Record<string, string>;

/** What `match` found for a request. */
export type RouteMatch<H> =
  | { kind: 'found'; handler: H; params: Params }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

/** Splits a path into its segments; null when a segment's percent-encoding is malformed. */
function splitPath(path: string): string[] | null {
  const parts = path.split('/').slice(1);
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return null;
  }
}

/** Routes of one kind of handler `H`; the first route added that matches wins. */
export class Router<H> {
  readonly #routes: Route<H>[] = [];

  /**
   * Adds a route.
   * @param method upper-case HTTP method
   * @param pattern a path such as `/api/sessions/:id/nodes`; `:name` captures one segment
   */
  add(method: string, pattern: string, handler: H): this {
    this.#routes.push({ method, segments: pattern.split('/').slice(1), handler });
    return this;
  }

  /** Finds the route of `method` and `path` (no query string). HEAD matches GET routes. */
  match(method: string, path: string): RouteMatch<H> {
    const segments = splitPath(path);
    if (segments === null) return { kind: 'not-found' };
    const allow = new Set<string>();
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, segments);
      if (params === null) continue;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', handler: route.handler, params };
      allow.add(route.method);
    }
    return allow.size > 0 ? { kind: 'method-not-allowed', allow: [...allow].sort() } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Params | null {
  if (pattern.length !== path.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const want = pattern[i]!;
    const got = path[i]!;
    if (want.startsWith(':')) {
      if (got === '') return null;
      params[want.slice(1)] = got;
    } else if (want !== got) {
      return null;
    }
  }
  return params;
}
