// The author preview of a lesson: every page of it (introduction, steps with their
// solutions, finish) on one page, reloaded whenever the author saves a file of the lesson.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { LessonId, LessonLang } from '../../../../protocol/lesson';
import { LessonPreview } from '../../../_components/lesson/lesson-preview';

/** Not indexed: a tool for authors. */
export const metadata: Metadata = { title: 'Lesson preview', robots: { index: false } };

/** /lessons/<lessonId>/preview[?lang=en|ko] */
export default async function LessonPreviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ lessonId: string }>;
  searchParams: Promise<{ lang?: string | string[] }>;
}) {
  const [{ lessonId }, query] = await Promise.all([params, searchParams]);
  if (!LessonId.safeParse(lessonId).success) notFound();
  const lang = LessonLang.safeParse(query.lang);
  return <LessonPreview lessonId={lessonId} lang={lang.success ? lang.data : null} />;
}
