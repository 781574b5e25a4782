import { StudyView } from '../../../components/StudyView';
import { STUDY } from '../../../lib/queries';
import { serverClient } from '../../../lib/server-client';

export const metadata = { title: 'Study' };

/** Rendered on the server with its data (the findings come with the HTML), then kept live in the browser. */
export default async function StudyPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const res = await serverClient().query(STUDY, { id }).toPromise();
  return <StudyView id={id} initial={res.data ?? null} />;
}
