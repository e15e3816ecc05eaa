// Markdown conversion for imported scenarios. Text in, text out, with every change that
// loses or guesses something reported at its file and line:
// - Katacoda port URLs and Killercoda's `/etc/killercoda/host` URLs become port markers;
//   `{{TRAFFIC_SELECTOR}}` points at pier's "Open ports" list;
// - Katacoda editor blocks (`<pre class="file" data-filename=… data-target=…>`) become
//   `{{write}}` (replace/append) or `{{copy}}` (clipboard) blocks;
// - the working folders `/home/scrapbook/tutorial` (Katacoda) map to `/root`;
// - `{{…}}` after code that pier does not have (`{{open}}`, an empty `{{}}`) is removed;
// - images pointing at the scenario's own repository are rewritten to its local copies.
// Code contents are otherwise left alone.
import { parseAction } from '../markdown/actions.js';

/** Katacoda's and Killercoda's working folders, and where they are in a pier node. */
export const WORKING_FOLDERS: readonly (readonly [string, string])[] = [['/home/scrapbook/tutorial', '/root']];

/** One finding of the conversion: where and what. */
export interface Note {
  file: string;
  line?: number;
  message: string;
  /** A construct pier cannot honour (listed as unsupported), rather than a mapping to review. */
  unsupported?: boolean;
}

/** What the conversion needs to know about the scenario. */
export interface ConvertContext {
  /** Every file of the scenario (relative paths), to find local copies of images. */
  files: readonly string[];
  /** Where notes go. */
  notes: Note[];
  /** The new lesson's id (for links to files outside a step folder). */
  lessonId: string;
}

/** Katacoda's port URL: https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/path */
const KATACODA_URL_RE = /(?:https?:\/\/)?\[\[HOST(\d?)_SUBDOMAIN\]\]-(\d{1,5})-\[\[KATACODA_HOST\]\]\.environments\.katacoda\.com/g;
/** Killercoda's URL of a port, as its docs print it: `sed 's/PORT/80/g' /etc/killercoda/host`, in inline code. */
const KILLERCODA_HOST_RE = /`sed\s+(['"]?)s\/PORT\/(\d{1,5})\/g?\1\s+\/etc\/killercoda\/host`(\{\{[^{}\n]*\}\})?/g;
/** An action marker right after inline code or a fence, possibly empty. */
const ACTION_AFTER_CODE_RE = /`\{\{([^{}\n]*)\}\}/g;
/** Other Katacoda template variables that have no meaning in pier. */
const KATACODA_VAR_RE = /\[\[[A-Z0-9_]+\]\]/g;
/** Katacoda's editor block. */
const EDITOR_BLOCK_RE = /<pre\b([^>]*\bclass\s*=\s*["'][^"']*\bfile\b[^"']*["'][^>]*)>([\s\S]*?)<\/pre>/gi;
/** Markdown images with an http(s) target. */
const REMOTE_IMAGE_RE = /(!\[[^\]\n]*\]\()(https?:\/\/[^\s)]+)(\))/g;

const lineAt = (text: string, offset: number): number => text.slice(0, offset).split('\n').length;

function attr(attrs: string, name: string): string | undefined {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(attrs);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** HTML entities an editor block's text may hold. */
function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&');
}

/** A node path for an editor block's file name (relative names are in the working folder). */
export function nodeFile(name: string): string | null {
  let p = mapWorkingFolders(name.trim()).replace(/^~(?=\/|$)/, '/root');
  if (!p.startsWith('/')) p = `/root/${p}`;
  const parts = p.split('/');
  if (parts.includes('..') || p.endsWith('/') || /\s/.test(p)) return null;
  return p.replace(/\/+/g, '/');
}

/** `/home/scrapbook/tutorial/x` → `/root/x`. */
export function mapWorkingFolders(text: string): string {
  let out = text;
  for (const [from, to] of WORKING_FOLDERS) out = out.split(from).join(to);
  return out;
}

/** Katacoda editor blocks → pier write/copy blocks. */
function editorBlocks(text: string, file: string, notes: Note[]): string {
  return text.replace(EDITOR_BLOCK_RE, (whole, attrs: string, body: string, offset: number) => {
    const line = lineAt(text, offset);
    const name = attr(attrs, 'data-filename');
    const target = (attr(attrs, 'data-target') ?? 'replace').toLowerCase();
    const content = decodeEntities(body).replace(/^\r?\n/, '').replace(/\r?\n$/, '');
    const fence = content.includes('```') ? '~~~~' : '```';
    const block = (marker: string) => `${fence}\n${content}\n${fence}${marker}`;
    if (target === 'clipboard') {
      notes.push({ file, line, message: 'editor block with data-target="clipboard" became a {{copy}} block' });
      return block('{{copy}}');
    }
    const path = name === undefined ? null : nodeFile(name);
    if (path === null) {
      notes.push({ file, line, message: `editor block without a usable data-filename ("${name ?? ''}"); it became a {{copy}} block`, unsupported: true });
      return block('{{copy}}');
    }
    if (target === 'insert' || target === 'prepend') {
      notes.push({ file, line, message: `editor block with data-target="${target}" (at a marker in ${path}) cannot be honoured: pier writes whole files or appends; it became a {{copy}} block`, unsupported: true });
      return block('{{copy}}');
    }
    const mode = target === 'append' ? ' append' : '';
    if (target !== 'append' && target !== 'replace') notes.push({ file, line, message: `editor block data-target="${target}" is not known; it replaces ${path}` });
    notes.push({ file, line, message: `editor block for ${name} became {{write ${path}${mode}}}` });
    void whole;
    return block(`{{write ${path}${mode}}}`);
  });
}

/** An image URL of the scenario's own repository whose file the scenario has: its local path. */
function localCopy(url: string, files: readonly string[]): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  const repoHosted = u.hostname === 'raw.githubusercontent.com' || u.hostname === 'github.com' || u.hostname === 'gitlab.com' || u.hostname.endsWith('.githubusercontent.com');
  if (!repoHosted) return null;
  const parts = decodeURIComponent(u.pathname).split('/').filter((p) => p !== '');
  // The longest tail of the URL path that names a file of the scenario.
  for (let i = 0; i < parts.length; i++) {
    const tail = parts.slice(i).join('/');
    if (files.includes(tail)) return tail;
  }
  return null;
}

/** Converts one Markdown file of the scenario (its path relative to the scenario folder). */
export function convertMarkdown(text: string, file: string, ctx: ConvertContext): string {
  const notes = ctx.notes;
  let out = editorBlocks(text, file, notes);
  out = out.replace(KATACODA_URL_RE, (_m, host: string, port: string) => `{{TRAFFIC_HOST${host === '' ? '1' : host}_${port}}}`);
  out = out.replace(KILLERCODA_HOST_RE, (_m, _q: string, port: string, offset: number) => {
    notes.push({ file, line: lineAt(out, offset), message: `the URL of port ${port} from /etc/killercoda/host became the port link {{TRAFFIC_HOST1_${port}}}` });
    return `{{TRAFFIC_HOST1_${port}}}`;
  });
  out = out.replace(/\{\{\s*TRAFFIC_SELECTOR\s*\}\}/g, (_m, offset: number) => {
    notes.push({ file, line: lineAt(out, offset), message: '{{TRAFFIC_SELECTOR}} became a pointer to pier\'s "Open ports" list beside the terminal' });
    return 'the **Open ports** list beside the terminal';
  });
  if (out.includes('/etc/killercoda/host')) {
    notes.push({ file, line: lineAt(out, out.indexOf('/etc/killercoda/host')), message: '/etc/killercoda/host does not exist in pier nodes: link ports with {{TRAFFIC_HOST1_<port>}} instead', unsupported: true });
  }
  const mapped = mapWorkingFolders(out);
  if (mapped !== out) notes.push({ file, line: lineAt(out, out.indexOf(WORKING_FOLDERS[0]![0])), message: `the working folder ${WORKING_FOLDERS[0]![0]} became ${WORKING_FOLDERS[0]![1]} (a pier node's home and terminal folder)` });
  out = mapped;
  out = out.replace(ACTION_AFTER_CODE_RE, (whole, inner: string, offset: number) => {
    const line = lineAt(out, offset);
    if (inner.trim() === '') {
      notes.push({ file, line, message: 'an empty {{}} after code was removed' });
      return '`';
    }
    if (/^\s*TRAFFIC_/.test(inner) || parseAction(inner).ok) return whole;
    const word = inner.trim().split(/\s+/)[0]!;
    if (word === 'open') notes.push({ file, line, message: `{{${inner.trim()}}} opens a file in an IDE/editor tab; pier has no editor, the marker was removed`, unsupported: true });
    else notes.push({ file, line, message: `the action {{${inner.trim()}}} has no pier equivalent and was removed`, unsupported: true });
    return '`';
  });
  out = out.replace(REMOTE_IMAGE_RE, (whole, open: string, url: string, close: string, offset: number) => {
    const local = localCopy(url, ctx.files);
    if (local === null) return whole;
    notes.push({ file, line: lineAt(out, offset), message: `image ${url} points at the scenario's own repository; it now shows the copy ${local}` });
    return `${open}${relativeTo(file, local, ctx.lessonId)}${close}`;
  });
  for (const m of out.matchAll(KATACODA_VAR_RE)) {
    notes.push({ file, line: lineAt(out, m.index), message: `Katacoda variable ${m[0]} has no pier equivalent; left as text`, unsupported: true });
  }
  return out;
}

/** `local` (relative to the scenario folder) as a link from the Markdown file `from`. */
function relativeTo(from: string, local: string, lessonId: string): string {
  const fromDir = from.split('/').slice(0, -1);
  const parts = local.split('/');
  if (fromDir.every((d, i) => parts[i] === d)) return parts.slice(fromDir.length).join('/');
  // Lesson links may not use `..`: a file outside the Markdown file's folder is linked by its
  // path on pier's assets route.
  return `/api/lessons/${lessonId}/assets/${parts.map(encodeURIComponent).join('/')}`;
}
