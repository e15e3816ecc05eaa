// The start page: what pier is, the button that starts a free playground (or the class-only
// note), this browser's classes and sessions, and the course.
import { CourseList } from './_components/course-list';
import { SiteHeader } from './_components/site-header';
import { HomeClassroom, HomeStart } from './_components/classroom/home-classroom';
import { translate } from './_lib/i18n';
import { requestLang } from './_lib/request-lang';

/** pier's start page. */
export default async function HomePage() {
  const lang = await requestLang();
  const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
  return (
    <div className="flex min-h-dvh flex-col">
      <SiteHeader homeLabel={t('header.home')} />
      <main id="main" tabIndex={-1} className="mx-auto flex w-full max-w-3xl flex-1 flex-col gap-12 px-6 py-16">
        <section className="flex flex-col gap-5">
          <h1 className="font-mono text-5xl font-bold tracking-tight">pier</h1>
          <p className="text-2xl font-medium leading-snug">{t('app.tagline')}</p>
          <p className="max-w-2xl text-muted">{t('home.intro')}</p>
          <HomeStart />
        </section>
        <HomeClassroom />
        <section aria-labelledby="lessons-title" data-testid="lessons" className="flex flex-col gap-3 border-t border-line pt-8">
          <h2 id="lessons-title" className="text-xl font-semibold">
            {t('home.lessonsTitle')}
          </h2>
          <CourseList />
        </section>
      </main>
    </div>
  );
}
