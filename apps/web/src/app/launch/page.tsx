import { LaunchView } from '../../components/LaunchView';

export const metadata = { title: 'Start work' };

type Search = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

export default async function LaunchPage({ searchParams }: { searchParams: Promise<Search> }) {
  const q = await searchParams;
  const tab = one(q.tab);
  return (
    <LaunchView
      studyId={one(q.study)}
      checkpointId={one(q.checkpoint)}
      tab={tab === 'sweep' || tab === 'analysis' ? tab : 'finetune'}
    />
  );
}
