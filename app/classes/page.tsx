// /classes: the instructor's classes and the "New class" form.
import type { Metadata } from 'next';
import { PageFrame } from '../_components/classroom/page-frame';
import { ClassesPanel } from '../_components/classroom/staff-pages';

/** Not indexed. */
export const metadata: Metadata = { title: 'Classes', robots: { index: false } };

/** /classes */
export default function ClassesPage() {
  return (
    <PageFrame title="classes.title">
      <ClassesPanel />
    </PageFrame>
  );
}
