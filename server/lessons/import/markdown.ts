// Markdown conversion for imported scenarios: Katacoda's port URLs become pier's port
// markers, `{{…}}` actions pier does not have are removed, and every change that loses
// something is reported. Code contents are left alone: only markers right after a
// backtick (an action on inline code or a fence) and Katacoda host URLs are touched.
import { parseAction } from '../markdown/actions.js';

/** Katacoda's port URL: https://[[HOST_SUBDOMAIN]]-80-[[KATACODA_HOST]].environments.katacoda.com/path */
const KATACODA_URL_RE = /(?:https?:\/\/)?\[\[HOST(\d?)_SUBDOMAIN\]\]-(\d{1,5})-\[\[KATACODA_HOST\]\]\.environments\.katacoda\.com/g;
/** An action marker right after inline code or a fence: a lowercase word first. */
const ACTION_AFTER_CODE_RE = /`\{\{(\s*[a-z][a-z-]*(?:\s[^{}\n]*)?)\}\}/g;
/** Other Katacoda template variables that have no meaning in pier. */
const KATACODA_VAR_RE = /\[\[[A-Z0-9_]+\]\]/g;

/** Converts one Markdown file; `notes` receives what could not be mapped. */
export function convertMarkdown(text: string, file: string, notes: string[]): string {
  let out = text.replace(KATACODA_URL_RE, (_m, host: string, port: string) => `{{TRAFFIC_HOST${host === '' ? '1' : host}_${port}}}`);
  out = out.replace(ACTION_AFTER_CODE_RE, (whole, inner: string) => {
    const word = inner.trim().split(/\s+/)[0]!;
    if (parseAction(inner).ok) return whole;
    if (word === 'open') {
      notes.push(`${file}: {{open}} opens a file in Katacoda's editor; pier has no editor, the marker was removed`);
    } else {
      notes.push(`${file}: the action {{${inner.trim()}}} has no pier equivalent and was removed`);
    }
    return '`';
  });
  const vars = new Set(out.match(KATACODA_VAR_RE) ?? []);
  for (const v of vars) notes.push(`${file}: Katacoda variable ${v} has no pier equivalent; left as text`);
  return out;
}

/** Shell commands of a step's `{{exec}}`/`{{execute}}` actions, in order, for a generated solution. */
export function execCommands(markdown: string): string[] {
  const commands: string[] = [];
  const fence = /^([ \t]*)(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n[ \t]*\2[ \t]*\{\{([^{}\n]*)\}\}/gm;
  const inline = /(?<!`)`([^`\n]+)`\{\{([^{}\n]*)\}\}/g;
  const found: { at: number; cmd: string }[] = [];
  for (const m of markdown.matchAll(fence)) {
    const parsed = parseAction(m[4]!);
    if (parsed.ok && parsed.props.dataPierAction === 'exec' && parsed.props.dataPierCtrlSeq === undefined) found.push({ at: m.index, cmd: m[3]! });
  }
  for (const m of markdown.matchAll(inline)) {
    const parsed = parseAction(m[2]!);
    if (parsed.ok && parsed.props.dataPierAction === 'exec' && parsed.props.dataPierCtrlSeq === undefined) found.push({ at: m.index, cmd: m[1]! });
  }
  found.sort((a, b) => a.at - b.at);
  for (const f of found) commands.push(f.cmd);
  return commands;
}
