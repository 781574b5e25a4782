import Link from 'next/link';
import { CreateStudy } from '../components/CreateStudy';
import { Empty, ErrorBox } from '../components/States';
import { when } from '../lib/format';
import { STUDIES } from '../lib/queries';
import { serverClient } from '../lib/server-client';

export const metadata = { title: 'Studies' };

/** The studies, rendered on the server (the first thing a person sees comes with the HTML). */
export default async function StudiesPage() {
  const res = await serverClient().query(STUDIES, {}).toPromise();
  const studies = res.data?.studies ?? [];
  return (
    <>
      <div className="spread">
        <div>
          <h1>Studies</h1>
          <p className="sub">
            Each study pairs pretrained (P-T) and randomly initialised (RI-T) fine-tunes and the analyses that
            explain them.
          </p>
        </div>
        <CreateStudy />
      </div>
      {res.error ? (
        <ErrorBox
          error={
            res.error.graphQLErrors[0]?.message ??
            `Cannot reach the Basin API (${res.error.message}). Is \`basin start\` running?`
          }
        />
      ) : studies.length === 0 ? (
        <Empty title="No studies yet.">
          Create one with “New study” above (or <code>createStudy</code> over the API), then pretrain a model
          and start fine-tunes in it.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="sr-only">Studies, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Study</th>
                <th scope="col">Description</th>
                <th scope="col" className="num">
                  Runs
                </th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {studies.map((s) => (
                <tr key={s.id}>
                  <td>
                    <Link href={`/studies/${s.id}`}>{s.name}</Link>
                  </td>
                  <td>{s.description || <span className="sub">—</span>}</td>
                  <td className="num">{s.runCount}</td>
                  <td>{when(s.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
