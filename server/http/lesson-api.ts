// The lesson routes of protocol/lesson.ts: the catalogue with the owner's progress, a
// lesson rendered in the page's language, its version (the author preview polls it), its
// image files, and a session's lesson: state, open a step, check, solve. Parameters and
// bodies are validated here; sessions of other owners answer 404 as everywhere else.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LessonId, LessonLang, WriteRequest, type LessonList, type LessonSummary } from '../../protocol/lesson.js';
import { SessionId } from '../../protocol/http.js';
import { ServerError } from '../errors.js';
import type { LoadedLesson } from '../lessons/model.js';
import { localize, renderLesson } from '../lessons/render.js';
import { AssetError, resolveLessonFile } from '../lessons/runner/assets.js';
import type { SessionManager } from '../sessions/manager.js';
import type { Router, Params } from './router.js';

/** The lessons the API serves (the catalog). */
export interface ApiLessonCatalog {
  /** Every usable lesson in course order, hidden ones included. */
  list(): LoadedLesson[];
  /** One usable lesson, or null. */
  get(id: string): LoadedLesson | null;
}

/** What the lesson routes need. */
export interface LessonApiOptions {
  catalog: ApiLessonCatalog;
  /** An owner's passed steps per lesson id (the store). */
  progressOf: (owner: string) => Map<string, number[]>;
  /** Of those, the steps passed only after Solve. */
  solvedOf: (owner: string) => Map<string, number[]>;
  sessions: Pick<SessionManager<unknown>, 'lessonState' | 'openStep' | 'checkStep' | 'solveStep' | 'writeStep'>;
}

/** What a lesson route reads of api.ts's request. */
interface LessonRequest {
  req: IncomingMessage;
  owner: string;
  params: Params;
  body: unknown;
}

const EmptyBody = z.object({}).strict().optional();
const StepIndex = z.string().regex(/^[1-9][0-9]{0,2}$/).transform(Number);

/** `?lang=` of the request: en or ko (default en). @throws INVALID_REQUEST for anything else */
export function langOf(req: IncomingMessage): LessonLang {
  const raw = new URL(req.url ?? '/', 'http://pier.invalid').searchParams.get('lang');
  if (raw === null) return 'en';
  const r = LessonLang.safeParse(raw);
  if (!r.success) throw new ServerError('INVALID_REQUEST', `lang=${raw}`, { userMessage: 'Invalid request: lang must be en or ko' });
  return r.data;
}

function lessonParam(o: LessonApiOptions, params: Params): LoadedLesson {
  const id = LessonId.safeParse(params.lesson);
  const lesson = id.success ? o.catalog.get(id.data) : null;
  if (lesson === null) throw new ServerError('LESSON_NOT_FOUND', `no lesson ${params.lesson ?? ''}`);
  return lesson;
}

const sessionParam = (params: Params): string => {
  const r = SessionId.safeParse(params.id);
  if (!r.success) throw new ServerError('SESSION_NOT_FOUND', 'malformed session id in path');
  return r.data;
};

const stepParam = (params: Params): number => {
  const r = StepIndex.safeParse(params.step);
  if (!r.success) throw new ServerError('STEP_NOT_FOUND', 'malformed step in path');
  return r.data;
};

function checkEmpty(body: unknown): void {
  if (!EmptyBody.safeParse(body).success) throw new ServerError('INVALID_REQUEST', 'body must be empty', { userMessage: 'Invalid request: this request takes no fields' });
}

/** Adds the lesson routes to the API's router. */
export function addLessonRoutes<R extends LessonRequest>(router: Router<(r: R) => Promise<{ status: number; body?: unknown }>>, o: LessonApiOptions): void {
  router
    .add('GET', '/api/lessons', async ({ req, owner }) => {
      const lang = langOf(req);
      const progress = o.progressOf(owner);
      const solvedOf = o.solvedOf(owner);
      const lessons: LessonSummary[] = o.catalog
        .list()
        .filter((l) => !l.meta.hidden)
        .map((l) => {
          const passed = (progress.get(l.id) ?? []).filter((s) => s <= l.steps.length).length;
          const solved = (solvedOf.get(l.id) ?? []).filter((s) => s <= l.steps.length).length;
          return {
            id: l.id,
            title: localize(l.meta.title, lang),
            description: localize(l.meta.description, lang),
            difficulty: l.meta.difficulty,
            time: l.meta.time,
            steps: l.steps.length,
            requires: l.meta.requires,
            passed,
            solved,
            completed: passed === l.steps.length,
          };
        });
      const list: LessonList = { lessons };
      return { status: 200, body: list };
    })
    .add('GET', '/api/lessons/:lesson', async ({ req, params }) => ({ status: 200, body: renderLesson(lessonParam(o, params), langOf(req)) }))
    .add('GET', '/api/lessons/:lesson/version', async ({ params }) => ({ status: 200, body: { version: lessonParam(o, params).version } }))
    .add('GET', '/api/sessions/:id/lesson', async ({ owner, params }) => ({ status: 200, body: o.sessions.lessonState(sessionParam(params), owner) }))
    .add('POST', '/api/sessions/:id/lesson/steps/:step/open', async ({ req, owner, params, body }) => {
      checkEmpty(body);
      return { status: 200, body: await o.sessions.openStep(sessionParam(params), owner, stepParam(params), langOf(req)) };
    })
    .add('POST', '/api/sessions/:id/lesson/steps/:step/check', async ({ req, owner, params, body }) => {
      checkEmpty(body);
      return { status: 200, body: await o.sessions.checkStep(sessionParam(params), owner, stepParam(params), langOf(req)) };
    })
    .add('POST', '/api/sessions/:id/lesson/steps/:step/solve', async ({ req, owner, params, body }) => {
      checkEmpty(body);
      return { status: 200, body: await o.sessions.solveStep(sessionParam(params), owner, stepParam(params), langOf(req)) };
    })
    .add('POST', '/api/sessions/:id/lesson/steps/:step/write', async ({ owner, params, body }) => {
      // The body names a block of the lesson, never a path or text: what is written, and
      // where, comes from the lesson file; the owner's own session only (404 otherwise).
      const r = WriteRequest.safeParse(body ?? {});
      if (!r.success) throw new ServerError('INVALID_REQUEST', r.error.message, { userMessage: 'Invalid request: give the number of the file block' });
      return { status: 200, body: await o.sessions.writeStep(sessionParam(params), owner, stepParam(params), r.data.block, r.data.lang) };
    });
}

/** Content types of the lesson files the assets route serves; anything else is refused. */
const ASSET_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
};

const ASSET_PREFIX_RE = /^\/api\/lessons\/([^/]+)\/assets\/(.+)$/;

/** Whether `pathname` is a lesson asset request (`/api/lessons/:lesson/assets/<path>`). */
export function isLessonAssetPath(pathname: string): boolean {
  return ASSET_PREFIX_RE.test(pathname);
}

/**
 * Serves a lesson's image or media file. Refuses `..`, absolute names, links that lead out
 * of the lesson folder, and files that are not images or media (scripts and solutions stay
 * private). Answers 404 for all of these.
 */
export function serveLessonAsset(o: LessonApiOptions, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new ServerError('METHOD_NOT_ALLOWED', pathname);
  const m = ASSET_PREFIX_RE.exec(pathname);
  if (!m) throw new ServerError('NOT_FOUND', pathname);
  const lesson = lessonParam(o, { lesson: m[1]! });
  let rel: string;
  try {
    rel = m[2]!.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new ServerError('NOT_FOUND', `malformed asset path ${pathname}`);
  }
  const segments = rel.split('/');
  if (rel.includes('\0') || rel.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..')) throw new ServerError('NOT_FOUND', `asset path ${rel}`);
  const type = ASSET_TYPES[path.extname(rel).toLowerCase()];
  if (type === undefined) throw new ServerError('NOT_FOUND', `not an image or media file: ${rel}`);
  let file: string;
  try {
    file = resolveLessonFile(lesson.dir, rel);
  } catch (err) {
    if (err instanceof AssetError) throw new ServerError('NOT_FOUND', err.message);
    throw err;
  }
  const st = statSync(file);
  if (!st.isFile()) throw new ServerError('NOT_FOUND', `not a file: ${rel}`);
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(st.size),
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    // An SVG opened on its own must not run script in pier's origin.
    'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
