// /classes/<classId>/projector: the join code, link and QR code for the room's projector.
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { EntityId } from '../../../../protocol/classroom';
import { PageFrame } from '../../../_components/classroom/page-frame';
import { ProjectorView } from '../../../_components/classroom/projector';

/** Not indexed. */
export const metadata: Metadata = { title: 'Join', robots: { index: false } };

/** /classes/<classId>/projector */
export default async function ProjectorPage({ params }: { params: Promise<{ classId: string }> }) {
  const { classId } = await params;
  if (!EntityId.safeParse(classId).success) notFound();
  return (
    <PageFrame wide>
      <ProjectorView classId={classId} />
    </PageFrame>
  );
}
