// The actions of lesson Markdown as data, parsed by the renderer's own parser (remark +
// GFM, fence actions moved as the renderer moves them): what each `{{exec}}`, `{{copy}}`
// and `{{write}}` does, its text and its line, in document order. The importer builds
// solutions from them, lint scans their commands, and the write route finds a block by the
// number the renderer gave it (write blocks count from 0 in the same order).
import type { Code, InlineCode, Parent, Root, Text } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { moveFenceActions, parseAction, type ActionProps } from './actions.js';

/** One action of a Markdown file. */
export interface MarkdownAction {
  kind: 'exec' | 'copy' | 'write';
  /** The command(s) or the file's text, as the student sees it (a fence's last newline dropped). */
  text: string;
  /** 1-based line of the code in the file (the opening fence for blocks). */
  line: number;
  /** A fenced block (true) or inline code. */
  block: boolean;
  props: ActionProps;
}

/** A `{{…}}` marker with nothing inside, after inline code (Katacoda leftovers). */
export interface EmptyMarker {
  line: number;
  column: number;
}

const parser = unified().use(remarkParse).use(remarkGfm);

/** Parses `markdown` (a body without front matter) into its actions, in document order. */
export function markdownActions(markdown: string): MarkdownAction[] {
  const tree = parser.parse(moveFenceActions(markdown)) as Root;
  const found: (MarkdownAction & { offset: number })[] = [];
  visit(tree, (node, index, parent: Parent | undefined) => {
    if (node.type === 'code') {
      const code = node as Code;
      const info = [code.lang, code.meta].filter((s): s is string => !!s).join(' ');
      const m = /\{\{([^{}\n]*)\}\}/.exec(info);
      if (!m) return;
      const parsed = parseAction(m[1]!);
      if (!parsed.ok) return;
      found.push({ kind: kindOf(parsed.props), text: code.value, line: code.position?.start.line ?? 0, block: true, props: parsed.props, offset: code.position?.start.offset ?? 0 });
      return;
    }
    if (node.type !== 'text' || !parent || index === undefined) return;
    const prev = parent.children[index - 1];
    if (prev?.type !== 'inlineCode') return;
    const m = /^\{\{([^{}\n]*)\}\}/.exec((node as Text).value);
    if (!m || /^\s*TRAFFIC_/.test(m[1]!)) return;
    const parsed = parseAction(m[1]!);
    if (!parsed.ok || parsed.props.dataPierAction === 'write') return;
    const code = prev as InlineCode;
    found.push({ kind: kindOf(parsed.props), text: code.value, line: code.position?.start.line ?? 0, block: false, props: parsed.props, offset: code.position?.start.offset ?? 0 });
  });
  return found.sort((a, b) => a.offset - b.offset).map(({ offset: _o, ...a }) => a);
}

/** The write blocks of `markdown`, numbered as the renderer numbers them. */
export function writeActions(markdown: string): MarkdownAction[] {
  return markdownActions(markdown).filter((a) => a.kind === 'write' && a.block);
}

function kindOf(props: ActionProps): MarkdownAction['kind'] {
  return props.dataPierAction === 'copy' ? 'copy' : props.dataPierAction === 'write' ? 'write' : 'exec';
}
