import { LineageView } from '../../../../components/LineageView';

export const metadata = { title: 'Lineage' };

export default async function LineagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <LineageView id={id} />;
}
