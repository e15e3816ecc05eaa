// Pure parsers of the two address forms of the port proxy:
//   path form       /p/<session>/<node>/<port>/rest…   → `/rest…` upstream, under a prefix
//   subdomain form  Host <session>-<node>-<port>.<base> → the request as it is (the app owns /)
import { NodeName, SessionId } from '../../protocol/http.js';
import type { ProxyErrorCode } from './errors.js';

/** What a proxy request addresses, once parsed. */
export interface ProxyAddress {
  form: 'path' | 'subdomain';
  /** Session id (32 lowercase hex). */
  session: string;
  /** Node name, `node1` … `node9`. */
  node: string;
  /** TCP port on the node, 1..65535. */
  port: number;
  /** `/p/<session>/<node>/<port>` in path form; '' in subdomain form. */
  prefix: string;
  /** Path and query to send upstream, always starting with `/`. */
  upstreamPath: string;
  /**
   * Subdomain form with a sign-in configured: every value of the sign-in parameter the
   * request's query carried (already removed from `upstreamPath`); absent or empty: none.
   */
  signInTokens?: string[];
}

/**
 * The outcome of parsing a request that is meant for the proxy: an address, a redirect
 * (308) that adds the trailing slash, or a refusal.
 */
export type ProxyMatch =
  | { kind: 'proxy'; address: ProxyAddress }
  | { kind: 'redirect'; status: 308; location: string }
  | { kind: 'refused'; status: 400 | 404; code: ProxyErrorCode; message: string };

/** Where the path form lives. */
export const PROXY_PATH_ROOT = '/p/';

const PORT_TEXT = /^[1-9][0-9]{0,4}$/;

/** Parses a port written without sign or leading zeros; null unless 1..65535. */
export function parsePort(text: string): number | null {
  if (!PORT_TEXT.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

const refused = (status: 400 | 404, code: ProxyErrorCode, message: string): ProxyMatch => ({ kind: 'refused', status, code, message });

/** How many times a segment is percent-decoded when looking for hidden dot segments. */
const MAX_DECODE_ROUNDS = 3;

/**
 * Whether a raw path segment is, or hides, a `.`/`..` segment: `..`, `%2e%2e`, `.%2E`,
 * double-encoded `%252e%252e`, or `..` behind an encoded slash or backslash (`a%2f..`).
 * null when its percent-encoding is malformed.
 */
export function hidesDotSegment(segment: string): boolean | null {
  let text = segment;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round++) {
    if (text.split(/[/\\]/).some((part) => part === '.' || part === '..')) return true;
    if (!text.includes('%')) return false;
    try {
      text = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  return text.split(/[/\\]/).some((part) => part === '.' || part === '..');
}

/**
 * Parses a request target (`req.url`) of the path form.
 *
 * Refuses (400) dot segments anywhere in the path, raw or percent-encoded, and malformed
 * percent-encoding; refuses (404) a session, node or port that is not well-formed (ports
 * outside 1..65535, leading zeros). `/p/<s>/<n>/<port>` without the trailing slash gets a
 * 308 to the same with it (relative links of the app resolve under the prefix only then).
 * @returns null when `url` is not under `/p/` at all (not a proxy request)
 */
export function parseProxyPath(url: string): ProxyMatch | null {
  if (!url.startsWith(PROXY_PATH_ROOT)) return null;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  const segments = path.split('/');
  for (const s of segments) {
    const hides = hidesDotSegment(s);
    if (hides === null) return refused(400, 'PROXY_BAD_ADDRESS', 'malformed percent-encoding in the path');
    if (hides) return refused(400, 'PROXY_BAD_ADDRESS', 'dot segments (`..`) are not allowed in a proxy path');
  }
  // ['', 'p', session, node, port, ...rest]
  const [, , session, node, portText, ...rest] = segments;
  if (session === undefined || node === undefined || portText === undefined) {
    return refused(404, 'PROXY_NOT_FOUND', 'a proxy path is /p/<session>/<node>/<port>/');
  }
  if (!SessionId.safeParse(session).success) return refused(404, 'PROXY_NOT_FOUND', 'no such session');
  if (!NodeName.safeParse(node).success) return refused(404, 'PROXY_NOT_FOUND', 'no such node');
  const port = parsePort(portText);
  if (port === null) return refused(400, 'PROXY_BAD_ADDRESS', 'the port must be a number from 1 to 65535');
  const prefix = `/p/${session}/${node}/${port}`;
  if (rest.length === 0) return { kind: 'redirect', status: 308, location: `${prefix}/${query}` };
  return { kind: 'proxy', address: { form: 'path', session, node, port, prefix, upstreamPath: `/${rest.join('/')}${query}` } };
}

/** Options of `parseProxyHost`. */
export interface ProxyHostOptions {
  /**
   * Hosts (with port, lowercase) under which subdomains are proxy addresses, e.g.
   * `localhost:3000`, `pier.example.org`. Absent: any base host is accepted.
   */
  baseHosts?: readonly string[];
}

/** `<32 hex>-<node>-<port>` as the first label of a Host. */
const PROXY_LABEL = /^([0-9a-f]{32})-([a-z0-9]+)-([0-9]+)$/;

/**
 * Parses a Host header of the subdomain form, `<session>-<node>-<port>.<base host>`,
 * e.g. `0123…cdef-node1-8000.localhost:3000`. The whole request target is forwarded as
 * it is (`upstreamPath` is left '' here; the proxy fills it from the request).
 * @returns null when the host is not a proxy host (its first label is not shaped like
 *   one, or its base host is not one of `baseHosts`); a refusal when it is shaped like one
 *   but names an impossible node or port
 */
export function parseProxyHost(host: string, options: ProxyHostOptions = {}): ProxyMatch | null {
  const lower = host.trim().toLowerCase();
  const dot = lower.indexOf('.');
  if (dot <= 0) return null;
  const label = lower.slice(0, dot);
  const base = lower.slice(dot + 1);
  const m = PROXY_LABEL.exec(label);
  if (!m || base === '' || base.startsWith('.') || base.startsWith(':')) return null;
  if (options.baseHosts !== undefined && !options.baseHosts.some((b) => b.toLowerCase() === base)) return null;
  const [, session = '', node = '', portText = ''] = m;
  if (!NodeName.safeParse(node).success) return refused(404, 'PROXY_NOT_FOUND', 'no such node');
  const port = parsePort(portText);
  if (port === null) return refused(400, 'PROXY_BAD_ADDRESS', 'the port must be a number from 1 to 65535');
  return { kind: 'proxy', address: { form: 'subdomain', session, node, port, prefix: '', upstreamPath: '' } };
}

/** Decodes `%XX` and `+` leniently (malformed escapes stay as they are), as apps' query parsers do. */
function lenientDecode(text: string): string {
  return text.replace(/\+/g, ' ').replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Removes every `name=value` pair named `name` from the query of a request target
 * (`/path?a=1&name=x`), leaving everything else byte for byte. A pair's name is compared
 * after lenient percent-decoding and case-insensitively, and `;` counts as a separator as
 * well as `&`, so no spelling an app's parser would read as `name` gets through.
 * @returns the target without those pairs (and without `?` when nothing is left), and
 *   their values (percent-decoded where possible)
 */
export function takeQueryParam(target: string, name: string): { target: string; values: string[] } {
  const q = target.indexOf('?');
  if (q < 0) return { target, values: [] };
  const hash = target.indexOf('#', q);
  const query = target.slice(q + 1, hash < 0 ? undefined : hash);
  const rest = hash < 0 ? '' : target.slice(hash);
  const want = name.toLowerCase();
  const values: string[] = [];
  const kept: string[] = [];
  // ['a=1', '&', 'b=2', ';', …]: pairs at even indexes, each kept with the separator before it.
  const pieces = query.split(/([&;])/);
  for (let i = 0; i < pieces.length; i += 2) {
    const pair = pieces[i] ?? '';
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (lenientDecode(key).trim().toLowerCase() === want) {
      const raw = eq < 0 ? '' : pair.slice(eq + 1);
      let value = raw;
      try {
        value = decodeURIComponent(raw.replace(/\+/g, ' '));
      } catch {
        /* kept raw: it will not verify */
      }
      values.push(value);
      continue;
    }
    if (kept.length > 0) kept.push(pieces[i - 1] ?? '&');
    kept.push(pair);
  }
  if (values.length === 0) return { target, values };
  const left = kept.join('');
  return { target: `${target.slice(0, q)}${left === '' ? '' : `?${left}`}${rest}`, values };
}
