'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { useQuery, useSubscription } from 'urql';
import { fmt, kindLabel, when } from '../lib/format';
import { ANALYSIS, ANALYSIS_EVENTS } from '../lib/queries';
import type { AnalysisResult } from '../lib/types';
import { BarrierView } from './analysis/BarrierView';
import { BlockShuffleView } from './analysis/BlockShuffleView';
import { CkaView } from './analysis/CkaView';
import { CriticalityView } from './analysis/CriticalityView';
import { DistanceView } from './analysis/DistanceView';
import { MistakesView } from './analysis/MistakesView';
import { SweepView } from './analysis/SweepView';
import { Empty, ErrorBox, Loading, StatusBadge } from './States';

function Result({ r }: { r: AnalysisResult }) {
  switch (r.__typename) {
    case 'CkaResult':
      return <CkaView r={r} />;
    case 'MistakesResult':
      return <MistakesView r={r} />;
    case 'ParamDistanceResult':
      return <DistanceView r={r} />;
    case 'BarrierResult':
      return <BarrierView r={r} />;
    case 'ModuleCriticalityResult':
      return <CriticalityView r={r} />;
    case 'BlockShuffleResult':
      return <BlockShuffleView r={r} />;
    case 'CheckpointSweepResult':
      return <SweepView r={r} />;
  }
}

export function AnalysisView({ id }: { id: string }) {
  const [res, refetch] = useQuery({ query: ANALYSIS, variables: { id } });
  const a = res.data?.analysis;
  const pending = a?.status === 'QUEUED' || a?.status === 'RUNNING';
  const studyId = a?.study?.id;
  // live: the study's events say when this analysis moves; without a study, check every few seconds
  const [live] = useSubscription<{
    studyEvents: { type: string; analysisId: string | null; progress: number | null };
  }>({ query: ANALYSIS_EVENTS, variables: { studyId }, pause: !pending || !studyId }, (_prev, ev) => {
    if (ev.studyEvents.analysisId === id && ev.studyEvents.type === 'ANALYSIS_STATUS')
      refetch({ requestPolicy: 'network-only' });
    return ev;
  });
  const progress =
    live.data?.studyEvents.analysisId === id && live.data.studyEvents.progress !== null
      ? live.data.studyEvents.progress
      : (a?.progress ?? 0);
  useEffect(() => {
    if (!pending || studyId) return;
    const t = setInterval(() => refetch({ requestPolicy: 'network-only' }), 5000);
    return () => clearInterval(t);
  }, [pending, studyId, refetch]);

  if (res.error && !a)
    return <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!a) return <Loading what="the analysis" />;
  return (
    <>
      <p className="crumbs">
        <Link href="/">Studies</Link> /{' '}
        {a.study ? (
          <>
            <Link href={`/studies/${a.study.id}`}>{a.study.name}</Link> /
          </>
        ) : null}
      </p>
      <h1>
        {kindLabel(a.kind)}: {a.name}
      </h1>
      <p className="sub">
        <StatusBadge status={a.status} /> · created {when(a.createdAt)}
        {a.finishedAt ? ` · finished ${when(a.finishedAt)}` : ''}
      </p>
      <dl className="kv card">
        <dt>Inputs</dt>
        <dd>
          {a.inputs.length === 0
            ? '—'
            : a.inputs.map((i, k) => (
                <span key={i.position}>
                  {k ? ', ' : ''}
                  {i.role}:{' '}
                  {i.checkpoint ? (
                    <Link href={`/checkpoints/${i.checkpoint.id}`}>
                      {i.checkpoint.run?.name ?? 'checkpoint'} @ epoch {fmt(i.checkpoint.epoch, 2)}
                    </Link>
                  ) : i.run ? (
                    <Link href={`/runs/${i.run.id}`}>{i.run.name}</Link>
                  ) : (
                    '—'
                  )}
                </span>
              ))}
        </dd>
        <dt>Parameters</dt>
        <dd className="mono">{JSON.stringify(a.params)}</dd>
        {a.runs.length ? (
          <>
            <dt>Runs it fanned out</dt>
            <dd>
              {a.runs.length} ({a.runs.filter((r) => r.status === 'SUCCEEDED').length} finished)
            </dd>
          </>
        ) : null}
      </dl>
      <h2>Result</h2>
      {a.status === 'FAILED' ? (
        <div className="state error" role="alert">
          <strong>The analysis failed:</strong> <span className="mono">{a.error ?? 'no message'}</span>
        </div>
      ) : a.status === 'CANCELLED' ? (
        <Empty
          title="This analysis was cancelled."
          action={{
            href: `/launch?tab=analysis${a.study ? `&study=${a.study.id}` : ''}`,
            label: 'Start it again',
          }}
        />
      ) : !a.result ? (
        <Empty
          title={
            a.status === 'QUEUED' ? 'Waiting for a runner.' : `Running: ${Math.round(progress * 100)}% done.`
          }
        >
          The result appears here when it finishes; this page checks every few seconds. Is a runner started (
          <code>basin start --runners 1</code>)?
        </Empty>
      ) : (
        <Result r={a.result} />
      )}
    </>
  );
}
