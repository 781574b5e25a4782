import { CheckpointView } from '../../../components/CheckpointView';

export const metadata = { title: 'Checkpoint' };

export default async function CheckpointPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CheckpointView id={id} />;
}
