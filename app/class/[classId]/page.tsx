// /class/<classId>: a student's page of their class (lessons, announcements, hand, sessions).
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EntityId } from '../../../protocol/classroom';
import { PageFrame } from '../../_components/classroom/page-frame';
import { StudentClass } from '../../_components/classroom/student-class';

/** Not indexed. */
export const metadata: Metadata = { title: 'Class', robots: { index: false } };

/** /class/<classId> */
export default async function StudentClassPage({ params }: { params: Promise<{ classId: string }> }) {
  const { classId } = await params;
  if (!EntityId.safeParse(classId).success) notFound();
  return (
    <PageFrame>
      <StudentClass classId={classId} />
    </PageFrame>
  );
}
