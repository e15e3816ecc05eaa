// Lesson Markdown → sanitized HTML, and a LoadedLesson → the LessonView the browser shows.
// Pipeline: remark (GFM) → pier's `{{…}}` actions and port links on the Markdown tree →
// rehype (raw HTML parsed, so <details> works) → rehype-sanitize (no script, no event
// handlers, no javascript: links) → lesson-relative images/links rewritten to the assets
// route (`..` refused) → code highlighting → HTML. Actions end up as data-pier-* attributes
// only (the contract in model.ts); the page wires them up.
import path from 'node:path';
import { lstatSync } from 'node:fs';
import type { Element, Root as HastRoot } from 'hast';
import type { Code, InlineCode, Link, Parent, Root as MdastRoot, Text } from 'mdast';
import rehypeHighlight from 'rehype-highlight';
import rehypeRaw from 'rehype-raw';
import rehypeSanitize, { defaultSchema } from 'rehype-sanitize';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { SKIP, visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import type { LessonView, StepView } from '../../protocol/lesson.js';
import { MARKER_RE, moveFenceActions, parseAction, parseTraffic, TRAFFIC_TEXT_RE, trafficProps, type ActionProps } from './markdown/actions.js';
import type { LessonLang, LessonProblem, LoadedLesson, Localized } from './model.js';

/** What the renderer needs to know about where a piece of Markdown comes from. */
export interface MarkdownContext {
  /** Lesson id: asset URLs are `/api/lessons/<id>/assets/<path>`. */
  lessonId: string;
  /** Markdown file relative to the lesson folder; relative links resolve from its folder. */
  file: string;
  /** Lesson folder; when given, image and link targets are checked to exist. */
  lessonDir?: string;
  /** Nodes of the lesson, to flag actions aimed at a node that does not exist. */
  nodes?: number;
  /** Lines before the Markdown in its file (front matter), so problems point at file lines. */
  lineOffset?: number;
  /** Collects problems (unknown actions, broken or escaping paths) when given. */
  problems?: LessonProblem[];
}

/** data-pier-* properties (hast names) allowed through the sanitizer. */
const ACTION_ATTRS = ['dataPierAction', 'dataPierNode', 'dataPierTerminal', 'dataPierInterrupt', 'dataPierNoNewline', 'dataPierCtrlSeq', 'dataPierFile', 'dataPierMode', 'dataPierIndex'];
const PORT_ATTRS = ['dataPierPort', 'dataPierNode', 'dataPierPath'];

/** The sanitizer's schema: GitHub's defaults plus pier's data attributes and <details open>. */
const SCHEMA = {
  ...defaultSchema,
  attributes: {
    ...defaultSchema.attributes,
    pre: [...(defaultSchema.attributes?.pre ?? []), ...ACTION_ATTRS],
    code: [...(defaultSchema.attributes?.code ?? []), ...ACTION_ATTRS],
    a: [...(defaultSchema.attributes?.a ?? []), ...PORT_ATTRS],
    details: [...(defaultSchema.attributes?.details ?? []), 'open'],
  },
};

/** Info-string languages that mean "no highlighting". */
const PLAIN_LANGS = new Set(['plain', 'text', 'txt', 'none']);

function report(ctx: MarkdownContext, line: number | undefined, column: number | undefined, message: string, fix?: string): void {
  if (!ctx.problems) return;
  ctx.problems.push({
    severity: 'error',
    file: ctx.file,
    ...(line !== undefined ? { line: line + (ctx.lineOffset ?? 0) } : {}),
    ...(column !== undefined ? { column } : {}),
    message,
    ...(fix ? { fix } : {}),
  });
}

function checkNode(ctx: MarkdownContext, node: number | undefined, line: number | undefined, column: number | undefined): void {
  if (node !== undefined && ctx.nodes !== undefined && node > ctx.nodes) {
    report(ctx, line, column, `the action targets node${node} but the lesson has ${ctx.nodes} node(s)`, `set "nodes: ${node}" in lesson.md or target HOST1…HOST${ctx.nodes}`);
  }
}

function setProps(node: { data?: unknown }, props: ActionProps): void {
  const data = (node.data ??= {}) as { hProperties?: Record<string, unknown> };
  data.hProperties = { ...(data.hProperties ?? {}), ...props };
}

/** Markdown-tree plugin: actions on code, port links, and unknown markers reported. */
function remarkPier() {
  return (tree: MdastRoot, file: VFile) => {
    const ctx = file.data.pier as MarkdownContext;

    // Fenced blocks: the action sits in the info string (moved there from the closing fence).
    // Write actions are numbered in document order: the page names a block by its number.
    let writes = 0;
    visit(tree, 'code', (node: Code) => {
      const info = [node.lang, node.meta].filter((s): s is string => !!s).join(' ');
      const m = /\{\{([^{}\n]*)\}\}/.exec(info);
      const rest = m ? info.replace(m[0], ' ').trim() : info.trim();
      const [lang, ...meta] = rest.split(/\s+/).filter((s) => s !== '');
      node.lang = lang && !PLAIN_LANGS.has(lang.toLowerCase()) ? lang : null;
      node.meta = meta.length > 0 ? meta.join(' ') : null;
      if (!m) return;
      const parsed = parseAction(m[1]!);
      const pos = node.position?.start;
      if (!parsed.ok) return report(ctx, pos?.line, pos?.column, parsed.message, parsed.fix);
      checkNode(ctx, parsed.node, pos?.line, pos?.column);
      setProps(node, parsed.props.dataPierAction === 'write' ? { ...parsed.props, dataPierIndex: String(writes++) } : parsed.props);
    });

    // Links whose target is a port marker.
    visit(tree, 'link', (node: Link) => {
      const traffic = parseTraffic(decodeURI(node.url));
      if (!traffic) return;
      checkNode(ctx, traffic.node, node.position?.start.line, node.position?.start.column);
      node.url = '';
      setProps(node, traffic.props);
    });

    // Inline code followed by a marker; port markers and unknown markers in text.
    visit(tree, 'text', (node: Text, index, parent: Parent | undefined) => {
      if (!parent || index === undefined) return;
      const prev = parent.children[index - 1];
      const pos = node.position?.start;
      if (prev?.type === 'inlineCode') {
        const m = /^\{\{([^{}\n]*)\}\}/.exec(node.value);
        if (m && !/^\s*TRAFFIC_HOST/.test(m[1]!)) {
          const parsed = parseAction(m[1]!);
          if (parsed.ok && parsed.props.dataPierAction === 'write') {
            report(ctx, pos?.line, pos?.column, '{{write …}} belongs after a code block, not inline code', 'put the file\'s text in a ``` block and the marker after its closing fence');
            node.value = node.value.slice(m[0].length);
          } else if (parsed.ok) {
            checkNode(ctx, parsed.node, pos?.line, pos?.column);
            setProps(prev as InlineCode, parsed.props);
            node.value = node.value.slice(m[0].length);
          } // an unknown marker stays in the text; rehypeMarkers reports it
        }
      }
      // Split out bare port markers into links.
      const pieces: (Text | Link)[] = [];
      let last = 0;
      for (const t of node.value.matchAll(TRAFFIC_TEXT_RE)) {
        const traffic = trafficProps(t[1]!, t[2]!, t[3]);
        if (!traffic) continue;
        checkNode(ctx, traffic.node, pos?.line, pos?.column);
        if (t.index > last) pieces.push({ type: 'text', value: node.value.slice(last, t.index), ...(node.position ? { position: node.position } : {}) });
        const link: Link = { type: 'link', url: '', children: [{ type: 'text', value: `node${traffic.node}:${traffic.port}${traffic.props.dataPierPath ?? ''}` }] };
        setProps(link, traffic.props);
        pieces.push(link);
        last = t.index + t[0].length;
      }
      if (pieces.length === 0) return;
      if (last < node.value.length) pieces.push({ type: 'text', value: node.value.slice(last), ...(node.position ? { position: node.position } : {}) });
      parent.children.splice(index, 1, ...(pieces as Parent['children']));
      return [SKIP, index + pieces.length];
    });
  };
}

/**
 * hast plugin before sanitizing: reports every `{{…}}` left in prose (not in code), also in
 * raw HTML blocks. Known actions were consumed by remarkPier, so what is left is unknown or
 * not attached to a command.
 */
function rehypeMarkers() {
  return (tree: HastRoot, file: VFile) => {
    const ctx = file.data.pier as MarkdownContext;
    if (!ctx.problems) return;
    visit(tree, (node, _index, parent) => {
      if (node.type === 'element' && (node.tagName === 'code' || node.tagName === 'pre' || node.tagName === 'script' || node.tagName === 'style')) return SKIP;
      if (node.type !== 'text') return;
      const pos = node.position?.start ?? (parent && 'position' in parent ? parent.position?.start : undefined);
      for (const u of node.value.matchAll(MARKER_RE)) {
        const before = node.value.slice(0, u.index);
        const nl = before.lastIndexOf('\n');
        const line = pos ? pos.line + (before.match(/\n/g)?.length ?? 0) : undefined;
        const column = pos ? (nl === -1 ? pos.column + u.index : u.index - nl) : undefined;
        if (/^\s*TRAFFIC_HOST/.test(u[1]!)) {
          report(ctx, line, column, `port marker "${u[0]}" inside raw HTML is not converted`, 'write the link in Markdown: [text](' + u[0] + ')');
          continue;
        }
        const parsed = parseAction(u[1]!);
        report(
          ctx,
          line,
          column,
          parsed.ok ? `action "${u[0]}" is not attached to a command` : parsed.message,
          parsed.ok ? 'write it right after `inline code` or a closing ``` fence' : `${parsed.fix}; to show braces literally, put them in \`code\``,
        );
      }
      return undefined;
    });
  };
}

/** hast plugin after sanitizing: actions onto <pre>, port links without href, lesson URLs. */
function rehypePier() {
  return (tree: HastRoot, file: VFile) => {
    const ctx = file.data.pier as MarkdownContext;
    visit(tree, 'element', (el: Element, _index, parent) => {
      const props = el.properties;
      if (el.tagName === 'code' && parent?.type === 'element' && parent.tagName === 'pre') {
        for (const key of ACTION_ATTRS) {
          if (props[key] !== undefined) {
            parent.properties[key] = props[key];
            delete props[key];
          }
        }
      }
      if (el.tagName === 'a' && props.dataPierPort === undefined && typeof props.href === 'string') {
        const traffic = parseTraffic(decodeURI(props.href));
        if (traffic) Object.assign(props, traffic.props);
      }
      if (el.tagName === 'a' && props.dataPierPort !== undefined) {
        delete props.href;
        return;
      }
      const attr = el.tagName === 'img' ? 'src' : el.tagName === 'a' ? 'href' : null;
      if (!attr || typeof props[attr] !== 'string') return;
      const url = props[attr] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) {
        if (el.tagName === 'a') {
          props.target = '_blank';
          props.rel = ['noopener', 'noreferrer'];
        }
        return;
      }
      if (url === '' || url.startsWith('#') || url.startsWith('/') || url.startsWith('?')) return;
      const asset = assetUrl(ctx, url, el.position?.start.line, el.position?.start.column);
      if (asset === null) delete props[attr];
      else props[attr] = asset;
    });
  };
}

/**
 * The assets-route URL of a lesson-relative link, or null when it would leave the lesson
 * folder (`..`, backslashes, NUL). Reports a missing target when the context can check.
 */
function assetUrl(ctx: MarkdownContext, url: string, line: number | undefined, column: number | undefined): string | null {
  const cut = url.search(/[?#]/);
  const rawPath = cut === -1 ? url : url.slice(0, cut);
  const suffix = cut === -1 ? '' : url.slice(cut);
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    report(ctx, line, column, `link "${url}" is not a valid URL path`, 'percent-encode it correctly');
    return null;
  }
  if (decoded.includes('\\') || decoded.includes('\0') || decoded.split('/').includes('..')) {
    report(ctx, line, column, `link "${url}" points outside the lesson folder`, 'keep images and linked files inside the lesson folder and link them without ..');
    return null;
  }
  const rel = path.posix.normalize(path.posix.join(path.posix.dirname(ctx.file), decoded));
  if (rel.startsWith('..') || rel.startsWith('/')) return null;
  if (ctx.lessonDir !== undefined) {
    let ok = false;
    try {
      ok = lstatSync(path.join(ctx.lessonDir, rel)).isFile();
    } catch {
      ok = false;
    }
    if (!ok) report(ctx, line, column, `link target "${rel}" does not exist in the lesson folder`, `add ${rel}, or correct the link`);
  }
  return `/api/lessons/${encodeURIComponent(ctx.lessonId)}/assets/${rel.split('/').map(encodeURIComponent).join('/')}${suffix}`;
}

const processor = unified()
  .use(remarkParse)
  .use(remarkGfm)
  .use(remarkPier)
  .use(remarkRehype, { allowDangerousHtml: true })
  .use(rehypeRaw)
  .use(rehypeMarkers)
  .use(rehypeSanitize, SCHEMA)
  .use(rehypePier)
  .use(rehypeHighlight, { plainText: [...PLAIN_LANGS] })
  .use(rehypeStringify)
  .freeze();

/** Renders lesson Markdown to sanitized HTML. Problems go to `ctx.problems` when given. */
export function renderMarkdown(markdown: string, ctx: MarkdownContext): string {
  const file = processor.processSync({ value: moveFenceActions(markdown), data: { pier: ctx } });
  return String(file);
}

/** A localized string in one language (English when there is no translation). */
export function localize(value: Localized, lang: LessonLang): string {
  return typeof value === 'string' ? value : value[lang];
}

/** Rendered views by lesson id, version and language; small, since lessons are few. */
const cache = new Map<string, LessonView>();
const CACHE_MAX = 64;

/**
 * The lesson as a student sees it in `lang`: titles and HTML of intro, steps and finish.
 * Cached per content version, so a saved edit renders afresh.
 */
export function renderLesson(lesson: LoadedLesson, lang: LessonLang): LessonView {
  const key = `${lesson.id}\0${lesson.version}\0${lang}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const base = { lessonId: lesson.id, nodes: lesson.meta.nodes };
  const fileOf = (en: string) => (lang === 'ko' ? en.replace(/\.md$/, '.ko.md') : en);
  const steps: StepView[] = lesson.steps.map((s) => {
    const text = s.text ?? `step${s.index}.md`;
    return {
      index: s.index,
      title: localize(s.title, lang),
      html: renderMarkdown(s.markdown[lang], { ...base, file: fileOf(text) }),
      hasCheck: s.checkPath !== undefined,
      watch: s.watch,
      node: s.node,
      solutionHtml:
        lesson.meta.solve && s.solutionMarkdown
          ? renderMarkdown(s.solutionMarkdown[lang], { ...base, file: fileOf(text.startsWith(`step${s.index}/`) ? `step${s.index}/solution.md` : `step${s.index}.solution.md`) })
          : null,
    };
  });
  const view: LessonView = {
    id: lesson.id,
    lang,
    version: lesson.version,
    title: localize(lesson.meta.title, lang),
    description: localize(lesson.meta.description, lang),
    time: lesson.meta.time,
    nodes: lesson.meta.nodes,
    solve: lesson.meta.solve,
    introHtml: renderMarkdown(lesson.intro[lang], { ...base, file: 'lesson.md' }),
    finishHtml: renderMarkdown(lesson.finish[lang], { ...base, file: 'finish.md' }),
    steps,
  };
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, view);
  return view;
}
