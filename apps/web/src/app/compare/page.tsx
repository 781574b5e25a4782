import { CompareView } from '../../components/CompareView';
import { parseSelection } from '../../lib/compare-url';

export const metadata = { title: 'Compare runs' };

export default async function ComparePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  return <CompareView initial={parseSelection(await searchParams)} />;
}
