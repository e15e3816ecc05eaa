// /classes/<classId>: the instructor's live dashboard of one class.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EntityId } from '../../../protocol/classroom';
import { Dashboard } from '../../_components/classroom/dashboard';
import { PageFrame } from '../../_components/classroom/page-frame';

/** Not indexed. */
export const metadata: Metadata = { title: 'Class', robots: { index: false } };

/** /classes/<classId> */
export default async function ClassPage({ params }: { params: Promise<{ classId: string }> }) {
  const { classId } = await params;
  if (!EntityId.safeParse(classId).success) notFound();
  return (
    <PageFrame wide>
      <Dashboard classId={classId} />
    </PageFrame>
  );
}
