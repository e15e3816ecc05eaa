// The browser's calls to the lesson routes of pier's API (protocol/lesson.ts): each answer is
// validated with the shared zod schema; failures come back as results, never thrown.
import { z } from 'zod';
import { CheckResult, LessonList, LessonState, LessonView, WriteResult, type LessonLang } from '../../protocol/lesson';
import { call, type ApiResult } from './api-client';

const lessonPath = (id: string) => `/api/lessons/${encodeURIComponent(id)}`;
const sessionLessonPath = (sessionId: string) => `/api/sessions/${encodeURIComponent(sessionId)}/lesson`;

/** GET /api/lessons: the course in order, with this browser's progress. */
export function listLessons(lang: LessonLang): Promise<ApiResult<LessonList>> {
  return call('GET', `/api/lessons?lang=${lang}`, LessonList);
}

/** GET /api/lessons/:id: the lesson rendered in `lang` (sanitized HTML). */
export function getLesson(id: string, lang: LessonLang): Promise<ApiResult<LessonView>> {
  return call('GET', `${lessonPath(id)}?lang=${lang}`, LessonView);
}

const LessonVersion = z.object({ version: z.string() });

/** GET /api/lessons/:id/version: changes whenever the author saves a file of the lesson. */
export function getLessonVersion(id: string): Promise<ApiResult<z.infer<typeof LessonVersion>>> {
  return call('GET', `${lessonPath(id)}/version`, LessonVersion);
}

/** GET /api/sessions/:id/lesson: where the session's lesson stands. */
export function getLessonState(sessionId: string): Promise<ApiResult<LessonState>> {
  return call('GET', sessionLessonPath(sessionId), LessonState);
}

/** POST …/lesson/steps/:step/open: the student opened a step (starts its scripts once). */
export function openStep(sessionId: string, step: number, lang: LessonLang): Promise<ApiResult<LessonState>> {
  return call('POST', `${sessionLessonPath(sessionId)}/steps/${step}/open?lang=${lang}`, LessonState, {});
}

/** POST …/lesson/steps/:step/check: runs the step's check in the node; its FAIL/HINT lines come in `lang`. */
export function checkStep(sessionId: string, step: number, lang: LessonLang): Promise<ApiResult<CheckResult>> {
  return call('POST', `${sessionLessonPath(sessionId)}/steps/${step}/check?lang=${lang}`, CheckResult, {});
}

/** POST …/lesson/steps/:step/solve: runs the step's solution, then its check. */
export function solveStep(sessionId: string, step: number, lang: LessonLang): Promise<ApiResult<CheckResult>> {
  return call('POST', `${sessionLessonPath(sessionId)}/steps/${step}/solve?lang=${lang}`, CheckResult, {});
}

/** POST …/lesson/steps/:step/write: writes the step's file block `block` (as numbered in `lang`) into its node. */
export function writeStep(sessionId: string, step: number, block: number, lang: LessonLang): Promise<ApiResult<WriteResult>> {
  return call('POST', `${sessionLessonPath(sessionId)}/steps/${step}/write`, WriteResult, { block, lang });
}
