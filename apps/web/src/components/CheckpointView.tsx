'use client';

import Link from 'next/link';
import { useQuery } from 'urql';
import { fmt, kindLabel, when } from '../lib/format';
import { CHECKPOINT } from '../lib/queries';
import { Empty, ErrorBox, Loading, StatusBadge } from './States';

export function CheckpointView({ id }: { id: string }) {
  const [res, refetch] = useQuery({ query: CHECKPOINT, variables: { id } });
  const c = res.data?.checkpoint;
  if (res.error && !c)
    return <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!c) return <Loading what="the checkpoint" />;
  return (
    <>
      <p className="crumbs">
        <Link href="/">Studies</Link> /{' '}
        {c.run?.study ? (
          <>
            <Link href={`/studies/${c.run.study.id}`}>{c.run.study.name}</Link> /{' '}
          </>
        ) : null}
        {c.run ? <Link href={`/runs/${c.run.id}`}>{c.run.name}</Link> : 'imported weights'} /
      </p>
      <h1>
        Checkpoint #{c.id} · epoch {fmt(c.epoch, 2)}
      </h1>
      <dl className="kv card">
        <dt>Saved by</dt>
        <dd>
          {c.run ? <Link href={`/runs/${c.run.id}`}>{c.run.name}</Link> : 'imported (no producing run)'}
        </dd>
        <dt>Started from</dt>
        <dd>
          {c.parent ? (
            <Link href={`/checkpoints/${c.parent.id}`}>
              {c.parent.run?.name ?? 'checkpoint'} @ epoch {fmt(c.parent.epoch, 2)}
            </Link>
          ) : (
            'random initialisation'
          )}
        </dd>
        <dt>Step</dt>
        <dd>{c.step}</dd>
        <dt>Model</dt>
        <dd>
          {c.model.name} ({c.model.family}-{c.model.depth})
        </dd>
        <dt>Metrics at save</dt>
        <dd className="mono">{JSON.stringify(c.metrics)}</dd>
        <dt>Weights</dt>
        <dd className="mono">
          sha256 {c.blobHash} · {(c.blobSize / 1024).toFixed(0)} KiB
        </dd>
        <dt>Saved</dt>
        <dd>{when(c.createdAt)}</dd>
      </dl>
      <h2>Fine-tunes started from it</h2>
      {c.runsStartedFrom.length === 0 ? (
        <Empty
          title="None yet."
          action={{
            href: `/launch?checkpoint=${c.id}${c.run?.study ? `&study=${c.run.study.id}` : ''}`,
            label: 'Fine-tune from this checkpoint',
          }}
        />
      ) : (
        <ul>
          {c.runsStartedFrom.map((r) => (
            <li key={r.id}>
              <Link href={`/runs/${r.id}`}>{r.name}</Link> <StatusBadge status={r.status} />
            </li>
          ))}
        </ul>
      )}
      <h2>Analyses that took it</h2>
      {c.analyses.length === 0 ? (
        <Empty title="None yet." />
      ) : (
        <ul>
          {c.analyses.map((a) => (
            <li key={a.id}>
              <Link href={`/analyses/${a.id}`}>
                {kindLabel(a.kind)}: {a.name}
              </Link>{' '}
              <StatusBadge status={a.status} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
