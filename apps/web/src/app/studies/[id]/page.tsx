import { StudyView } from '../../../components/StudyView';

export const metadata = { title: 'Study' };

export default async function StudyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <StudyView id={id} />;
}
