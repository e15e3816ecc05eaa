// /classes/<classId>/students/<studentId>: one student's history and recordings (instructor).
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EntityId } from '../../../../../protocol/classroom';
import { PageFrame } from '../../../../_components/classroom/page-frame';
import { StudentHistoryView } from '../../../../_components/classroom/student-history';

/** Not indexed. */
export const metadata: Metadata = { title: 'Student', robots: { index: false } };

/** /classes/<classId>/students/<studentId> */
export default async function StudentPage({ params }: { params: Promise<{ classId: string; studentId: string }> }) {
  const { classId, studentId } = await params;
  if (!EntityId.safeParse(classId).success || !EntityId.safeParse(studentId).success) notFound();
  return (
    <PageFrame>
      <StudentHistoryView classId={classId} studentId={studentId} />
    </PageFrame>
  );
}
