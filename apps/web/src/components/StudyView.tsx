'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { useQuery, useSubscription } from 'urql';
import {
  cellTitle,
  findingLink,
  formatCell,
  groupByTarget,
  type LinkContext,
  setupOf,
  VERDICT_CLASS,
  VERDICT_TEXT,
} from '../lib/findings';
import { initLabel, kindLabel, pct, slug, when } from '../lib/format';
import { STUDY, STUDY_EVENTS } from '../lib/queries';
import { finalAccuracy } from '../lib/run-summary';
import type { Finding, FindingsTable, StudyData } from '../lib/types';
import { Empty, ErrorBox, Loading, StatusBadge } from './States';

export type { StudyData };

/** One claim on one target: the API's verdict, what it measured, the rule, its warnings, and where to look. */
function FindingCard({ f, ctx }: { f: Finding; ctx: LinkContext }) {
  const link = findingLink(f, ctx);
  const missing = f.verdict === 'NOT_MEASURED';
  return (
    <section
      className={`card finding ${missing ? 'missing' : ''}`}
      data-finding={f.id}
      data-verdict={f.verdict}
      aria-label={`${f.claim} (${f.target})`}
    >
      <span className="q">{f.claim}</span>
      <span className={`verdict ${VERDICT_CLASS[f.verdict]}`}>{VERDICT_TEXT[f.verdict]}</span>
      {missing && f.measured === VERDICT_TEXT.NOT_MEASURED ? null : <span className="a">{f.measured}</span>}
      <span className="criterion">
        <span className="label">Criterion:</span> {f.criterion}
      </span>
      {f.flags.length ? (
        <ul className="flags" aria-label="Warnings">
          {f.flags.map((w) => (
            <li key={w}>
              <span aria-hidden="true">⚠ </span>
              {w}
            </li>
          ))}
        </ul>
      ) : null}
      {link.todo !== null ? (
        <span className="more">
          {link.todo} {link.href ? <Link href={link.href}>Start it →</Link> : null}
        </span>
      ) : link.href ? (
        <Link className="more" href={link.href}>
          See the details →
        </Link>
      ) : null}
    </section>
  );
}

/** One of the paper's tables for one target, cells as the CLI prints them. */
function FindingsTableView({ t }: { t: FindingsTable }) {
  return (
    <div className={`findings-table${t.columns.length > 4 ? ' wide' : ''}`} data-table={t.id}>
      <div className="table-wrap">
        <table>
          <caption>
            {t.title}
            <span className="sr-only"> on {t.target}</span>
          </caption>
          <thead>
            <tr>
              {t.columns.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are positional
                <th key={i} scope="col" className={i ? 'num' : undefined}>
                  {c || (i === 0 ? <span className="sr-only">row</span> : null)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.map((r) => (
              <tr key={r.label}>
                <th scope="row">{r.label}</th>
                {t.columns.slice(1).map((_, i) => {
                  const c = r.cells[i];
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: cells are positional
                    <td key={i} className="num" title={cellTitle(c)}>
                      {formatCell(c)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="sub note">{t.note}</p>
    </div>
  );
}

/**
 * A study at a glance. `initial` is what the server rendered (findings arrive with the HTML); the client query
 * then keeps it fresh, and study events refetch it when a run or analysis changes status. Every number in the
 * findings is the API's (`Study.findings`, `Study.findingsTables`), the same the CLI prints.
 */
export function StudyView({ id, initial }: { id: string; initial?: StudyData | null }) {
  const [res, refetch] = useQuery({ query: STUDY, variables: { id } });
  // a run or analysis changing status changes the findings: refetch then (progress events are left to run pages)
  useSubscription(
    { query: STUDY_EVENTS, variables: { studyId: id } },
    (_prev, ev: { studyEvents: { type: string } }) => {
      if (/STATUS|CHECKPOINT/.test(ev.studyEvents.type)) refetch({ requestPolicy: 'network-only' });
      return ev;
    },
  );
  const data = res.data ?? initial;
  const study = data?.study;
  const datasets = data?.datasets;
  const runs = useMemo(() => study?.runs.edges.map((e) => e.node) ?? [], [study]);
  const groups = useMemo(() => (study ? groupByTarget(study.findings, study.findingsTables) : []), [study]);
  const ctx = useMemo<LinkContext>(
    () => ({
      studyId: id,
      runs,
      analyses: study?.analyses ?? [],
      datasets: new Map((datasets ?? []).map((d) => [d.id, d.name])),
    }),
    [id, runs, study, datasets],
  );

  if (res.error && !study)
    return <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!study) return <Loading what="the study" />;
  const finetunes = runs.filter((r) => r.kind === 'FINETUNE');
  const compareHref = finetunes.length
    ? `/compare?runs=${finetunes.map((r) => r.id).join(',')}&key=test%2Facc&group=INIT`
    : '/compare';
  const setup = setupOf(study.config);
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

      {setup.length ? (
        <section className="setup" aria-labelledby="setup">
          <h2 id="setup">Setup</h2>
          <ul>
            {setup.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </section>
      ) : null}

      <h2 id="findings">What was transferred?</h2>
      {groups.length === 0 ? (
        <div className="state" data-findings-empty="">
          <p className="empty-title">Nothing measured yet.</p>
          <p>
            The paper’s claims are judged per target dataset once fine-tunes on it have finished: fine-tune
            from a pretrained checkpoint (P-T) and from random init (RI-T) on the same target, then compare
            them. <Link href={`/launch?study=${id}`}>Start it →</Link>
          </p>
        </div>
      ) : (
        groups.map((g, k) => {
          const hid = `target-${k}-${slug(g.target)}`;
          return (
            <section key={g.target} className="target" data-target={g.target} aria-labelledby={hid}>
              <h3 id={hid}>
                <span className="sub-label">Target:</span> {g.target}
              </h3>
              <div className="grid findings">
                {g.findings.map((f) => (
                  <FindingCard key={f.id} f={f} ctx={ctx} />
                ))}
              </div>
              {g.tables.length ? (
                <>
                  <h4>The paper’s tables on {g.target}</h4>
                  <div className="grid tables">
                    {g.tables.map((t) => (
                      <FindingsTableView key={t.id} t={t} />
                    ))}
                  </div>
                </>
              ) : null}
            </section>
          );
        })
      )}

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
