// The small HTML pages the port proxy answers with when it cannot forward a request, in
// Korean and English, and their raw-HTTP form for refused upgrades.
import { STATUS_CODES } from 'node:http';
import { PROXY_STATUS, type ProxyErrorCode } from './errors.js';

/** Seconds after which the "nothing listens yet" page reloads itself. */
export const RETRY_PAGE_REFRESH_S = 5;

type PageCode = keyof typeof PROXY_STATUS;

/** What the page is about; absent fields are left out of the text. */
export interface PageContext {
  node?: string;
  port?: number;
  /** A sentence from `resolve` (English), shown under the fixed text. */
  detail?: string;
}

interface PageText {
  title: { en: string; ko: string };
  body: { en: string; ko: string };
  hint?: { en: string; ko: string };
  retry?: boolean;
}

const where = (c: PageContext, lang: 'en' | 'ko'): string => {
  const node = c.node ?? (lang === 'en' ? 'the node' : '노드');
  const port = c.port === undefined ? '' : String(c.port);
  return lang === 'en' ? `port ${port} of ${node}` : `${node}의 ${port}번 포트`;
};

/** Text of each page; user-facing, kept apart from the log messages. */
const TEXT: Record<PageCode, (c: PageContext) => PageText> = {
  PROXY_UPSTREAM_UNREACHABLE: (c) => ({
    title: { en: 'Nothing is listening here yet', ko: '아직 아무것도 기다리고 있지 않습니다' },
    body: {
      en: `Nothing is listening on ${where(c, 'en')} yet.`,
      ko: `${where(c, 'ko')}에서 아직 연결을 기다리는 프로그램이 없습니다.`,
    },
    hint: {
      en: `Start a server on that port inside the node, listening on 0.0.0.0 rather than only 127.0.0.1 — for example: python3 -m http.server ${c.port ?? 8000}. This page tries again every ${RETRY_PAGE_REFRESH_S} seconds.`,
      ko: `노드 안에서 그 포트로 서버를 시작하세요. 127.0.0.1만이 아니라 0.0.0.0에서 기다려야 합니다. 예: python3 -m http.server ${c.port ?? 8000}. 이 페이지는 ${RETRY_PAGE_REFRESH_S}초마다 다시 시도합니다.`,
    },
    retry: true,
  }),
  PROXY_UPSTREAM_TIMEOUT: (c) => ({
    title: { en: 'The app did not answer in time', ko: '앱이 제때 응답하지 않았습니다' },
    body: {
      en: `The app on ${where(c, 'en')} accepted the connection but sent no answer in time.`,
      ko: `${where(c, 'ko')}의 앱이 연결은 받았지만 제때 응답하지 않았습니다.`,
    },
  }),
  PROXY_UPSTREAM_NOT_READY: (c) => ({
    title: { en: 'The app is not answering yet', ko: '앱이 아직 응답하지 않습니다' },
    body: {
      en: `Something listens on ${where(c, 'en')}, but it closes connections without an answer: the app is probably still starting.`,
      ko: `${where(c, 'ko')}에서 연결은 받지만 응답 없이 끊습니다. 앱이 아직 시작 중인 것 같습니다.`,
    },
    hint: {
      en: `This page tries again every ${RETRY_PAGE_REFRESH_S} seconds. If it never comes up, look at the app's output in the terminal.`,
      ko: `이 페이지는 ${RETRY_PAGE_REFRESH_S}초마다 다시 시도합니다. 계속 열리지 않으면 터미널에서 앱의 출력을 확인하세요.`,
    },
    retry: true,
  }),
  PROXY_UPSTREAM_FAILED: (c) => ({
    title: { en: 'The app closed the connection', ko: '앱이 연결을 끊었습니다' },
    body: {
      en: `The app on ${where(c, 'en')} closed the connection without an answer.`,
      ko: `${where(c, 'ko')}의 앱이 응답 없이 연결을 끊었습니다.`,
    },
  }),
  PROXY_FORBIDDEN: () => ({
    title: { en: 'Not your session', ko: '내 세션이 아닙니다' },
    body: { en: 'You may not open the ports of this session.', ko: '이 세션의 포트를 열 권한이 없습니다.' },
  }),
  PROXY_LINK_INVALID: (c) => ({
    title: { en: 'This link is not valid (any more)', ko: '이 링크는 유효하지 않습니다' },
    body: {
      en: `Opening ${where(c, 'en')} as a site needs a fresh link, and only the playground's owner gets one. Links work for a minute; once opened, the address stays open in this browser for 12 hours.`,
      ko: `${where(c, 'ko')}를 자체 주소로 열려면 새 링크가 필요하며, 플레이그라운드 주인만 받을 수 있습니다. 링크는 1분 동안 유효하고, 한 번 열면 이 브라우저에서 12시간 동안 열려 있습니다.`,
    },
    hint: {
      en: 'Go back to your playground page and open the port again with its "as a site" button.',
      ko: '플레이그라운드 페이지로 돌아가 포트의 "사이트로 열기" 버튼으로 다시 여세요.',
    },
  }),
  PROXY_NOT_FOUND: () => ({
    title: { en: 'Not found', ko: '찾을 수 없습니다' },
    body: { en: 'There is no such session or node (it may have ended).', ko: '그런 세션이나 노드가 없습니다 (끝났을 수 있습니다).' },
  }),
  PROXY_BAD_ADDRESS: () => ({
    title: { en: 'Not a valid address', ko: '올바른 주소가 아닙니다' },
    body: { en: 'This port address is not valid.', ko: '이 포트 주소는 올바르지 않습니다.' },
  }),
  PROXY_TARGET_REFUSED: () => ({
    title: { en: 'Refused', ko: '거부되었습니다' },
    body: { en: 'The proxy refused to connect there (a server error; it has been logged).', ko: '프록시가 그곳으로의 연결을 거부했습니다 (서버 오류이며 기록되었습니다).' },
  }),
  PROXY_RESOLVE_FAILED: () => ({
    title: { en: 'Server error', ko: '서버 오류' },
    body: { en: 'The server could not look up this port (the error has been logged).', ko: '서버가 이 포트를 찾지 못했습니다 (오류가 기록되었습니다).' },
  }),
  PROXY_TOO_MANY_CONNECTIONS: () => ({
    title: { en: 'Too many connections', ko: '연결이 너무 많습니다' },
    body: {
      en: "This session has too many open connections to its ports. Close some and try again.",
      ko: '이 세션의 포트에 열린 연결이 너무 많습니다. 일부를 닫고 다시 시도하세요.',
    },
  }),
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** A rendered error answer. */
export interface ErrorPage {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Renders the page for `code` (status from PROXY_STATUS). */
export function errorPage(code: ProxyErrorCode, context: PageContext = {}): ErrorPage {
  const pageCode: PageCode = code === 'PORTS_UNAVAILABLE' ? 'PROXY_UPSTREAM_UNREACHABLE' : code;
  const status = PROXY_STATUS[pageCode];
  const t = TEXT[pageCode](context);
  const p = (text: string | undefined) => (text === undefined ? '' : `<p>${escapeHtml(text)}</p>`);
  const body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${t.retry ? `<meta http-equiv="refresh" content="${RETRY_PAGE_REFRESH_S}">\n` : ''}<title>${status} — ${escapeHtml(t.title.en)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.3rem}section+section{margin-top:2rem;border-top:1px solid #ddd}small{color:#666}</style>
</head>
<body>
<section lang="ko"><h1>${escapeHtml(t.title.ko)}</h1>${p(t.body.ko)}${p(t.hint?.ko)}</section>
<section lang="en"><h1>${escapeHtml(t.title.en)}</h1>${p(t.body.en)}${p(t.hint?.en)}${p(context.detail)}</section>
<p><small>pier · ${status} ${escapeHtml(STATUS_CODES[status] ?? '')} · ${code}</small></p>
</body>
</html>
`;
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-pier-proxy-error': code,
  };
  if (t.retry) headers['retry-after'] = String(RETRY_PAGE_REFRESH_S);
  return { status, headers, body };
}

/** The page as a raw HTTP/1.1 response (for an upgrade refused before any response). */
export function rawErrorResponse(page: ErrorPage): string {
  const lines = [`HTTP/1.1 ${page.status} ${STATUS_CODES[page.status] ?? ''}`, ...Object.entries(page.headers).map(([k, v]) => `${k}: ${v}`), 'connection: close'];
  return `${lines.join('\r\n')}\r\n\r\n${page.body}`;
}
