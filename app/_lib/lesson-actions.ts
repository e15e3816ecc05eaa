// The lesson pane's pure logic: reading the `data-pier-*` action attributes the renderer puts
// on rendered steps (contract in server/lessons/model.ts), turning an exec action into the
// keystrokes sent to a terminal, and which page of a lesson to show. No React, no DOM types.
import type { LessonState } from '../../protocol/lesson';

/** The part of an element the action reader needs (an HTMLElement satisfies it). */
export type ActionSource = {
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  textContent: string | null;
};

/** One clickable action of a rendered step. */
export type LessonActionSpec = {
  action: 'exec' | 'copy' | 'write';
  /** The node to type into (node1 unless the block names another). */
  node: string;
  /** A node's terminal, counted from 1; null = the node's active terminal. */
  terminal: number | null;
  interrupt: boolean;
  noNewline: boolean;
  ctrlSeq: boolean;
  text: string;
  /** write: the node's file, how (replace or append), and the block's number in the step. */
  file: string | null;
  mode: 'replace' | 'append';
  block: number | null;
};

const NODE_RE = /^node[1-9]$/;

/** The action an element carries, or null when it carries none (or a malformed one). */
export function readAction(el: ActionSource): LessonActionSpec | null {
  const action = el.getAttribute('data-pier-action');
  if (action !== 'exec' && action !== 'copy' && action !== 'write') return null;
  const file = el.getAttribute('data-pier-file');
  const blockAttr = el.getAttribute('data-pier-index');
  if (action === 'write' && (file === null || !file.startsWith('/'))) return null;
  const node = el.getAttribute('data-pier-node') ?? 'node1';
  const terminalAttr = el.getAttribute('data-pier-terminal');
  const terminal = terminalAttr && /^[1-9]\d?$/.test(terminalAttr) ? Number(terminalAttr) : null;
  return {
    action,
    node: NODE_RE.test(node) ? node : 'node1',
    terminal,
    interrupt: el.hasAttribute('data-pier-interrupt'),
    noNewline: el.hasAttribute('data-pier-no-newline'),
    ctrlSeq: el.hasAttribute('data-pier-ctrl-seq'),
    text: el.textContent ?? '',
    file: action === 'write' ? file : null,
    mode: el.getAttribute('data-pier-mode') === 'append' ? 'append' : 'replace',
    block: blockAttr !== null && /^\d{1,3}$/.test(blockAttr) ? Number(blockAttr) : null,
  };
}

/** Ctrl-C, as a terminal receives it. */
export const CTRL_C = '\x03';

/**
 * Katacoda's `ctrl-seq` text as the bytes a terminal receives: each `^X` becomes the control
 * character of X (`^C` → 0x03, `^[` → ESC, `^?` → DEL), and the named keys Katacoda
 * documents are whole words (`^ESC` → ESC, not Ctrl-E then "SC"); other characters pass through.
 */
export function controlKeys(text: string): string {
  return text.trim().replace(/\^(ESC|[@A-Za-z[\\\]^_?])/g, (_whole, key: string) => {
    if (key === 'ESC') return '\x1b';
    if (key === '?') return '\x7f';
    return String.fromCharCode(key.toUpperCase().charCodeAt(0) - 64);
  });
}

/** The text of a code block as typed: its last line ending dropped, every line ending a Return. */
export function typedText(text: string): string {
  return text.replace(/\r?\n$/, '').replace(/\r?\n/g, '\r');
}

/**
 * What an exec action sends, in order: Ctrl-C alone first when it interrupts (so the shell
 * has its new prompt before the command arrives), then the command with Return unless
 * no-newline, or the control keys for ctrl-seq.
 */
export function execChunks(spec: Pick<LessonActionSpec, 'interrupt' | 'noNewline' | 'ctrlSeq' | 'text'>): string[] {
  const chunks: string[] = [];
  if (spec.interrupt) chunks.push(CTRL_C);
  if (spec.ctrlSeq) chunks.push(controlKeys(spec.text));
  else {
    const body = typedText(spec.text);
    chunks.push(spec.noNewline ? body : `${body}\r`);
  }
  return chunks.filter((c) => c.length > 0);
}

/** A page of the lesson pane. */
export type LessonPage = { kind: 'intro' } | { kind: 'step'; step: number } | { kind: 'finish' };

/** Whether a student may open step `step`: passed ones and the current one. */
export function stepUnlocked(state: Pick<LessonState, 'passed' | 'current'>, step: number): boolean {
  return step <= state.current || state.passed.includes(step);
}

/** Whether every one of `stepCount` steps has passed. */
export function lessonFinished(state: Pick<LessonState, 'passed' | 'current'>, stepCount: number): boolean {
  return state.current > stepCount || Array.from({ length: stepCount }, (_, i) => i + 1).every((s) => state.passed.includes(s));
}

/**
 * The page to open with: the introduction before anything passed, the finish page when
 * everything did, else the step the student is on.
 */
export function initialPage(state: Pick<LessonState, 'passed' | 'current'>, stepCount: number): LessonPage {
  if (lessonFinished(state, stepCount)) return { kind: 'finish' };
  if (state.passed.length === 0 && state.current <= 1) return { kind: 'intro' };
  return { kind: 'step', step: Math.min(Math.max(1, state.current), stepCount) };
}
