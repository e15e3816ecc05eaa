// The `{{…}}` markers of lesson Markdown: Killercoda's `{{exec}}`, `{{exec interrupt}}`,
// `{{copy}}`, Katacoda's `{{execute [T2|HOST2|interrupt|no-newline|ctrl-seq]}}`, and the
// port links `{{TRAFFIC_HOST1_80}}`. Pure functions: text in, data-pier-* properties out.

/** hast properties of an action (camelCase: `dataPierAction` renders as `data-pier-action`). */
export type ActionProps = Record<string, string>;

/** A parsed marker: its properties, or why it is not one pier knows. */
export type ParsedAction = { ok: true; props: ActionProps; node?: number } | { ok: false; message: string; fix: string };

/** The action forms, for error messages. */
export const ACTION_FORMS = '{{exec}}, {{exec interrupt}}, {{copy}}, {{write /abs/path [append] [HOST<n>]}}, or {{execute}} with T<n>, HOST<n>, interrupt, no-newline, ctrl-seq';

/** Options each verb accepts, as hast properties. */
const FLAG_PROPS: Record<string, string> = {
  interrupt: 'dataPierInterrupt',
  'no-newline': 'dataPierNoNewline',
  'ctrl-seq': 'dataPierCtrlSeq',
};

/** Parses the inside of `{{…}}` after inline code or a fenced block. */
export function parseAction(inner: string): ParsedAction {
  const tokens = inner.trim().split(/\s+/).filter((t) => t !== '');
  const [verb, ...options] = tokens;
  const unknown = (what: string): ParsedAction => ({ ok: false, message: `unknown {{…}} action "{{${inner.trim()}}}"${what}`, fix: `use ${ACTION_FORMS}` });
  if (verb === 'copy') {
    return options.length === 0 ? { ok: true, props: { dataPierAction: 'copy' } } : unknown(': {{copy}} takes no options');
  }
  if (verb === 'write') return parseWrite(inner, options, unknown);
  if (verb !== 'exec' && verb !== 'execute') return unknown('');
  const props: ActionProps = { dataPierAction: 'exec' };
  let node: number | undefined;
  for (const opt of options) {
    const flag = FLAG_PROPS[opt];
    const term = /^T([1-9]\d?)$/.exec(opt);
    const host = /^HOST([1-9])$/.exec(opt);
    if (flag) props[flag] = '';
    else if (term) props.dataPierTerminal = term[1]!;
    else if (host) {
      node = Number(host[1]);
      props.dataPierNode = `node${node}`;
    } else return unknown(`: unknown option "${opt}"`);
  }
  return node === undefined ? { ok: true, props } : { ok: true, props, node };
}

/**
 * `{{write /root/app.py}}`, `{{write /root/log.txt append}}`, `{{write /etc/x.conf HOST2}}`:
 * the block's text is written into that file of the node (created with its folders,
 * replaced, or appended to). The path is absolute, without `..` or whitespace.
 */
function parseWrite(inner: string, options: string[], unknown: (what: string) => ParsedAction): ParsedAction {
  const [file, ...rest] = options;
  if (file === undefined) return { ok: false, message: `{{${inner.trim()}}} names no file`, fix: 'write {{write /root/file.txt}} (an absolute path in the node)' };
  if (!file.startsWith('/') || file.split('/').includes('..') || file.endsWith('/')) {
    return { ok: false, message: `{{${inner.trim()}}}: "${file}" is not an absolute file path without ..`, fix: 'name the file with an absolute path, e.g. /root/app.py' };
  }
  const props: ActionProps = { dataPierAction: 'write', dataPierFile: file, dataPierMode: 'replace' };
  let node: number | undefined;
  for (const opt of rest) {
    const host = /^HOST([1-9])$/.exec(opt);
    if (opt === 'append' || opt === 'replace') props.dataPierMode = opt;
    else if (host) {
      node = Number(host[1]);
      props.dataPierNode = `node${node}`;
    } else return unknown(`: unknown option "${opt}" (write takes append, replace, HOST<n>)`);
  }
  return node === undefined ? { ok: true, props } : { ok: true, props, node };
}

/** `{{TRAFFIC_HOST1_80}}`, optionally after `http(s)://` and before a path, as a whole link target. */
const TRAFFIC_URL_RE = /^(?:https?:\/\/)?\{\{\s*TRAFFIC_HOST([1-9])_(\d{1,5})\s*\}\}(\/[^\s]*)?$/;
/** The same marker anywhere in text. */
export const TRAFFIC_TEXT_RE = /(?:https?:\/\/)?\{\{\s*TRAFFIC_HOST([1-9])_(\d{1,5})\s*\}\}(\/[^\s)\]]*)?/g;

/** A port link's properties, or null when the text is not a port marker. */
export function parseTraffic(url: string): { props: ActionProps; node: number; port: number } | null {
  const m = TRAFFIC_URL_RE.exec(url.trim());
  return m ? trafficProps(m[1]!, m[2]!, m[3]) : null;
}

/** Properties of a port link from its parts; null when the port is out of range. */
export function trafficProps(nodeText: string, portText: string, pathText: string | undefined): { props: ActionProps; node: number; port: number } | null {
  const node = Number(nodeText);
  const port = Number(portText);
  if (port < 1 || port > 65535) return null;
  const props: ActionProps = { dataPierPort: String(port), dataPierNode: `node${node}` };
  if (pathText && pathText !== '/') props.dataPierPath = pathText;
  return { props, node, port };
}

/** Any `{{…}}` marker in text. */
export const MARKER_RE = /\{\{([^{}\n]*)\}\}/g;

/**
 * Moves an action written after a closing fence (```` ```{{exec}} ````, Killercoda's form) onto
 * the opening fence's info string, where CommonMark keeps it. Lines keep their numbers.
 */
export function moveFenceActions(markdown: string): string {
  const lines = markdown.split('\n');
  let open: { line: number; char: string; length: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (open === null) {
      const m = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(line);
      if (m && !(m[2]!.startsWith('`') && m[3]!.includes('`'))) open = { line: i, char: m[2]![0]!, length: m[2]!.length };
      continue;
    }
    const m = /^(\s*)(`{3,}|~{3,})[ \t]*(\{\{[^{}\n]*\}\})?[ \t]*\r?$/.exec(line);
    if (m && m[2]![0] === open.char && m[2]!.length >= open.length) {
      if (m[3]) {
        lines[open.line] = `${lines[open.line]!.replace(/\s+$/, '')} ${m[3]}`;
        lines[i] = `${m[1]}${m[2]}`;
      }
      open = null;
    }
  }
  return lines.join('\n');
}
