'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { gql, useQuery, useSubscription } from 'urql';
import { type ApiFinding, finalAccuracy, studyFindings, verdictsFor } from '../lib/findings';
import { initLabel, kindLabel, pct, when } from '../lib/format';
import { STUDY } from '../lib/queries';
import type { AnalysisResult, AnalysisSummary, RunRow } from '../lib/types';
import { Empty, ErrorBox, Loading, StatusBadge } from './States';

export interface StudyData {
  study: {
    id: string;
    name: string;
    description: string;
    createdAt: string;
    runCount: number;
    findings: ApiFinding[];
    runs: { totalCount: number; edges: { node: RunRow }[] };
    analyses: (AnalysisSummary & { result: AnalysisResult | null })[];
  };
}

const STUDY_EVENTS = gql`
  subscription StudyEvents($studyId: ID!) { studyEvents(studyId: $studyId) { type runId analysisId status } }
`;

/**
 * A study at a glance. `initial` is what the server rendered (findings arrive with the HTML); the client query
 * then keeps it fresh, and study events refetch it when a run or analysis changes status.
 */
export function StudyView({ id, initial }: { id: string; initial?: StudyData | null }) {
  const [res, refetch] = useQuery<StudyData>({ query: STUDY, variables: { id } });
  // a run or analysis changing status changes the findings: refetch then (progress events are left to run pages)
  useSubscription(
    { query: STUDY_EVENTS, variables: { studyId: id } },
    (_prev, ev: { studyEvents: { type: string } }) => {
      if (/STATUS|CHECKPOINT/.test(ev.studyEvents.type)) refetch({ requestPolicy: 'network-only' });
      return ev;
    },
  );
  const study = res.data?.study ?? initial?.study;
  const runs = useMemo(() => study?.runs.edges.map((e) => e.node) ?? [], [study]);
  const findings = useMemo(() => (study ? studyFindings(study.id, runs, study.analyses) : []), [study, runs]);

  if (res.error && !study)
    return <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!study) return <Loading what="the study" />;
  const finetunes = runs.filter((r) => r.kind === 'FINETUNE');
  const compareHref = finetunes.length
    ? `/compare?runs=${finetunes.map((r) => r.id).join(',')}&key=test%2Facc&group=INIT`
    : '/compare';
  return (
    <>
      <p className="crumbs">
        <Link href="/">Studies</Link> /
      </p>
      <div className="spread">
        <div>
          <h1>{study.name}</h1>
          <p className="sub">
            {study.description || 'No description.'} · {study.runCount} runs · {study.analyses.length}{' '}
            analyses · created {when(study.createdAt)}
          </p>
        </div>
        <div className="row">
          <Link className="button" href={`/studies/${id}/lineage`}>
            Lineage graph
          </Link>
          <Link className="button" href={compareHref}>
            Compare runs
          </Link>
          <Link className="button primary" href={`/launch?study=${id}`}>
            Start work
          </Link>
        </div>
      </div>

      <h2 id="findings">What was transferred?</h2>
      <div className="grid findings">
        {findings.map((f) => (
          <section
            key={f.id}
            className={`card finding ${f.answer ? '' : 'missing'}`}
            data-finding={f.id}
            aria-label={f.question}
          >
            <span className="q">{f.question}</span>
            {verdictsFor(f, study.findings)
              .filter((v) => v.holds !== null)
              .map((v) => (
                <span key={v.id} className={`verdict ${v.holds ? 'holds' : 'fails'}`} title={v.measured}>
                  {v.holds ? '✓ as the paper finds' : '✗ unlike the paper'}: {v.claim}
                </span>
              ))}
            {f.answer ? <span className="a">{f.answer}</span> : <span className="a">Not measured yet.</span>}
            {f.answer && f.href ? (
              <Link className="more" href={f.href}>
                See the details →
              </Link>
            ) : (
              <span className="more">
                {f.todo} {f.href ? <Link href={f.href}>Start it →</Link> : null}
              </span>
            )}
          </section>
        ))}
      </div>

      <h2 id="runs">Runs</h2>
      {runs.length === 0 ? (
        <Empty
          title="No runs in this study yet."
          action={{ href: `/launch?study=${id}`, label: 'Start a fine-tune' }}
        >
          Pretrain a model on the source dataset (or import one), then fine-tune it P-T and RI-T on the
          target.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="runs">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Kind</th>
                <th scope="col">Dataset</th>
                <th scope="col">Block</th>
                <th scope="col" className="num">
                  Seed
                </th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Test accuracy
                </th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link href={`/runs/${r.id}`}>{r.name}</Link>
                  </td>
                  <td>{initLabel(r.init, r.kind)}</td>
                  <td>{r.dataset.name}</td>
                  <td>{r.blockLabel}</td>
                  <td className="num">{r.seed}</td>
                  <td>
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="num">{pct(finalAccuracy(r))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {study.runs.totalCount > runs.length ? (
        <p className="sub">
          Showing the first {runs.length} of {study.runs.totalCount} runs.
        </p>
      ) : null}

      <h2 id="analyses">Analyses</h2>
      {study.analyses.length === 0 ? (
        <Empty
          title="No analyses yet."
          action={{ href: `/launch?study=${id}&tab=analysis`, label: 'Run an analysis' }}
        >
          Once two fine-tunes have finished, compare them: CKA, mistakes, ℓ2 distance, barrier or module
          criticality.
        </Empty>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="analyses">
            <thead>
              <tr>
                <th scope="col">Analysis</th>
                <th scope="col">Kind</th>
                <th scope="col">Inputs</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {study.analyses.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link href={`/analyses/${a.id}`}>{a.name}</Link>
                  </td>
                  <td>{kindLabel(a.kind)}</td>
                  <td>
                    {a.inputs
                      .map((i) => i.run?.name ?? i.checkpoint?.run?.name ?? `checkpoint ${i.checkpoint?.id}`)
                      .join(', ') || '—'}
                  </td>
                  <td>
                    <StatusBadge status={a.status} />
                  </td>
                  <td>{when(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
