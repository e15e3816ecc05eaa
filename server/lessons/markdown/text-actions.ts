// The commands a student can click in a step's text: every `{{exec}}`/`{{execute …}}` action
// on inline code or a fenced block, in reading order, with where it goes (node, terminal tab)
// and how it is typed. `pier lesson test --text` replays them; lint compares the languages.
// Pure: Markdown in, actions out (parsed with the same remark pipeline as the renderer).
import type { Code, InlineCode, Parent, Root, Text } from 'mdast';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { moveFenceActions, parseAction } from './actions.js';

/** One clickable command of a step's text. */
export interface TextAction {
  /** The code's text as shown (a block keeps its line breaks). */
  text: string;
  /** `node2` for `{{execute HOST2}}`; null sends it to node1, as the lesson pane does. */
  node: string | null;
  /** Terminal tab (1-based) for `{{execute T2}}`; null is the node's active tab. */
  terminal: number | null;
  interrupt: boolean;
  noNewline: boolean;
  ctrlSeq: boolean;
  /** 1-based line in the Markdown. */
  line: number;
}

const parser = unified().use(remarkParse).use(remarkGfm);

function toAction(text: string, props: Record<string, string>, line: number): TextAction {
  return {
    text,
    node: props.dataPierNode ?? null,
    terminal: props.dataPierTerminal === undefined ? null : Number(props.dataPierTerminal),
    interrupt: props.dataPierInterrupt !== undefined,
    noNewline: props.dataPierNoNewline !== undefined,
    ctrlSeq: props.dataPierCtrlSeq !== undefined,
    line,
  };
}

/**
 * The exec actions of `markdown` in document order (`{{copy}}` is not typed anywhere and
 * is left out). Actions inside `<details>` count: a student can click them too.
 */
export function textActions(markdown: string): TextAction[] {
  const tree = parser.parse(moveFenceActions(markdown)) as Root;
  const found: TextAction[] = [];
  visit(tree, (node, index, parent: Parent | undefined) => {
    if (node.type === 'code') {
      const code = node as Code;
      const info = [code.lang, code.meta].filter((s): s is string => !!s).join(' ');
      const m = /\{\{([^{}\n]*)\}\}/.exec(info);
      const parsed = m ? parseAction(m[1]!) : null;
      if (parsed?.ok && parsed.props.dataPierAction === 'exec') found.push(toAction(code.value, parsed.props, code.position?.start.line ?? 0));
      return;
    }
    if (node.type !== 'inlineCode' || !parent || index === undefined) return;
    const next = parent.children[index + 1];
    if (next?.type !== 'text') return;
    const m = /^\{\{([^{}\n]*)\}\}/.exec((next as Text).value);
    if (!m || /^\s*TRAFFIC_HOST/.test(m[1]!)) return;
    const parsed = parseAction(m[1]!);
    if (parsed.ok && parsed.props.dataPierAction === 'exec') found.push(toAction((node as InlineCode).value, parsed.props, node.position?.start.line ?? 0));
  });
  return found;
}

/**
 * The keystrokes of one action, in order, as the lesson pane sends them
 * (app/_lib/lesson-actions.ts `execChunks`; the browser and the server cannot share code):
 * Ctrl-C alone first when it interrupts, then the text with every line ending a Return and
 * a Return at the end unless no-newline, or the control keys for ctrl-seq.
 */
export function actionKeystrokes(a: Pick<TextAction, 'text' | 'interrupt' | 'noNewline' | 'ctrlSeq'>): string[] {
  const chunks: string[] = [];
  if (a.interrupt) chunks.push('\x03');
  if (a.ctrlSeq) {
    chunks.push(a.text.trim().replace(/\^([@A-Za-z[\\\]^_?])/g, (_w, key: string) => (key === '?' ? '\x7f' : String.fromCharCode(key.toUpperCase().charCodeAt(0) - 64))));
  } else {
    const body = a.text.replace(/\r?\n$/, '').replace(/\r?\n/g, '\r');
    chunks.push(a.noNewline ? body : `${body}\r`);
  }
  return chunks.filter((c) => c.length > 0);
}
