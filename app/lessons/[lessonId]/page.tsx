// /lessons/<id>: a link an instructor hands out. It names the lesson and starts it with one
// click (a GET never starts a sandbox by itself); unknown ids answer 404.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { LessonId } from '../../../protocol/lesson';
import { LessonStart } from '../../_components/lesson/lesson-start';
import { SiteHeader } from '../../_components/site-header';
import { translate } from '../../_lib/i18n';
import { requestLang } from '../../_lib/request-lang';

/** The title in the request's language. */
export async function generateMetadata(): Promise<Metadata> {
  return { title: translate(await requestLang(), 'title.lessonStart') };
}

/** /lessons/<lessonId> */
export default async function LessonPage({ params }: { params: Promise<{ lessonId: string }> }) {
  const { lessonId } = await params;
  if (!LessonId.safeParse(lessonId).success) notFound();
  const lang = await requestLang();
  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader homeLabel={translate(lang, 'header.home')} />
      <main id="main" tabIndex={-1} className="mx-auto flex w-full max-w-2xl flex-1 flex-col gap-6 px-6 py-12">
        <LessonStart lessonId={lessonId} />
      </main>
    </div>
  );
}
