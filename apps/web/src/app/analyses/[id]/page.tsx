import { AnalysisView } from '../../../components/AnalysisView';

export const metadata = { title: 'Analysis' };

export default async function AnalysisPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AnalysisView id={id} />;
}
