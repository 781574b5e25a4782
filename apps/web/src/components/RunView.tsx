'use client';

import Link from 'next/link';
import { useMemo, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ACTIVE, useLiveRun } from '../hooks/use-live-run';
import { toCsv } from '../lib/csv';
import { fmt, initLabel, pct, slug, when } from '../lib/format';
import { CANCEL_RUN, RUN } from '../lib/queries';
import { chartGroups, type LivePoints, runChartData } from '../lib/run-charts';
import { finalAccuracy } from '../lib/run-summary';
import type { RunDetail } from '../lib/types';
import { Chart, type ChartSeries } from './Chart';
import { Downloads } from './Downloads';
import { color } from './palette';
import { Empty, ErrorBox, errorMessage, Loading, StatusBadge } from './States';

function MetricChart({
  run,
  keys,
  name,
  live,
  onZoom,
}: {
  run: RunDetail;
  keys: string[];
  name: string;
  live: LivePoints;
  onZoom: (window: { from: number; to: number }) => void;
}) {
  const fig = useRef<HTMLElement>(null);
  const { x, ys } = useMemo(() => runChartData(run.metrics, live, keys), [run.metrics, live, keys]);
  const series: ChartSeries[] = keys.flatMap((k, i) => [
    { label: k, color: color(i), width: 1.6 },
    { label: `${k} min`, color: color(i), bandEdge: true },
    { label: `${k} max`, color: color(i), bandEdge: true },
  ]);
  const bands = keys.map((_, i) => ({ upper: 3 * i + 2, lower: 3 * i + 1, color: color(i) }));
  const title = `${name} of ${run.name}`;
  return (
    <figure ref={fig} data-chart={name}>
      <figcaption>
        <h3>{name}</h3>
        <Downloads
          name={`${slug(run.name)}-${slug(name)}`}
          title={title}
          figure={fig}
          csv={() =>
            toCsv(
              ['step', ...keys.flatMap((k) => [k, `${k} min`, `${k} max`])],
              x.map((s, i) => [s, ...ys.map((y) => y[i])]),
            )
          }
        />
      </figcaption>
      <Chart
        title={title}
        x={x}
        ys={ys}
        series={series}
        bands={bands}
        xLabel="step"
        yLabel={name}
        height={260}
        onZoom={onZoom}
      />
    </figure>
  );
}

export function RunView({ id }: { id: string }) {
  // a step window dragged on any chart: every chart fetches it again, at full resolution once it is short enough
  const [zoom, setZoom] = useState<{ from: number; to: number } | null>(null);
  const [res, refetch] = useQuery({
    query: RUN,
    variables: { id, buckets: 500, from: zoom?.from ?? null, to: zoom?.to ?? null },
  });
  const [cancelRes, cancel] = useMutation(CANCEL_RUN);
  const run = res.data?.run;
  const { live, liveStatus, events, active } = useLiveRun(id, run, () =>
    refetch({ requestPolicy: 'network-only' }),
  );

  const keys = useMemo(() => {
    const all = new Set([...(run?.metricKeys.map((k) => k.key) ?? []), ...Object.keys(live)]);
    return chartGroups([...all]);
  }, [run, live]);

  if (res.error && !run)
    return <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!run) return <Loading what="the run" />;
  const status = liveStatus.status ?? run.status;
  const backend = liveStatus.backend ?? run.backend;
  const error = liveStatus.error ?? run.error;
  const hp = Object.entries(run.hyperparameters);
  const acc = finalAccuracy(run);
  return (
    <>
      <p className="crumbs">
        <Link href="/">Studies</Link> /{' '}
        {run.study ? (
          <>
            <Link href={`/studies/${run.study.id}`}>{run.study.name}</Link> /
          </>
        ) : null}
      </p>
      <div className="spread">
        <div>
          <h1>{run.name}</h1>
          <p className="sub">
            {initLabel(run.init, run.kind)} {run.kind === 'PRETRAIN' ? 'run' : 'fine-tune'} ·{' '}
            <StatusBadge status={status} /> · backend{' '}
            <strong data-field="backend">{backend ?? 'not reported yet'}</strong>
            {acc !== null ? <> · test accuracy {pct(acc)}</> : null}
          </p>
        </div>
        <div className="row">
          {keys.length ? (
            <Link className="button" href={`/compare?runs=${run.id}`}>
              Compare with others
            </Link>
          ) : null}
          {ACTIVE.includes(status) ? (
            <button
              type="button"
              className="danger"
              disabled={cancelRes.fetching || Boolean(run.cancelRequestedAt) || Boolean(cancelRes.data)}
              onClick={() => {
                if (window.confirm(`Cancel ${run.name}? A running run stops at its next check.`))
                  void cancel({ id: run.id });
              }}
            >
              {run.cancelRequestedAt || cancelRes.data
                ? 'Cancel requested'
                : cancelRes.fetching
                  ? 'Cancelling…'
                  : 'Cancel run'}
            </button>
          ) : null}
        </div>
      </div>
      {cancelRes.error ? <ErrorBox error={cancelRes.error} /> : null}
      {error ? (
        <div className="state error" role="alert">
          <strong>The run failed:</strong> <span className="mono">{error}</span>
        </div>
      ) : null}

      <h2>Training curves</h2>
      {active ? (
        <p className="sub" aria-live="polite" data-live-events={events}>
          Live:{' '}
          {events === 0
            ? 'waiting for the runner…'
            : `step ${liveStatus.step ?? '—'}, epoch ${fmt(liveStatus.epoch ?? null, 2)}`}
        </p>
      ) : null}
      {keys.length === 0 ? (
        <Empty title={active ? 'No metrics logged yet.' : 'This run logged no metrics.'}>
          {active
            ? 'Curves appear here as soon as the runner reports its first steps; this page updates by itself.'
            : 'A run that failed before its first step has no curves; see the error above.'}
        </Empty>
      ) : (
        <>
          <p className="sub" data-zoom={zoom ? `${zoom.from}-${zoom.to}` : 'all'}>
            {zoom ? (
              <>
                Steps {zoom.from}–{zoom.to}{' '}
                <button type="button" className="link" onClick={() => setZoom(null)}>
                  Reset zoom
                </button>
              </>
            ) : (
              'Drag across a chart to zoom in: the window is fetched again, down to every logged point.'
            )}
          </p>
          <div className="grid two">
            {keys.map((g) => (
              <MetricChart
                key={g.name}
                run={run}
                keys={g.keys}
                name={g.name}
                live={zoom ? {} : live}
                onZoom={setZoom}
              />
            ))}
          </div>
        </>
      )}

      <div className="grid two">
        <section>
          <h2>Setup</h2>
          <dl className="kv card">
            <dt>Kind</dt>
            <dd>
              {run.kind === 'PRETRAIN'
                ? 'pretraining'
                : `fine-tune, ${run.init === 'PRETRAINED' ? 'P-T (pretrained init)' : 'RI-T (random init)'}`}
            </dd>
            <dt>Started from</dt>
            <dd>
              {run.initCheckpoint ? (
                <Link href={`/checkpoints/${run.initCheckpoint.id}`}>
                  {run.initCheckpoint.run?.name ?? 'checkpoint'} at epoch {fmt(run.initCheckpoint.epoch, 2)}
                </Link>
              ) : (
                'random initialisation'
              )}
            </dd>
            <dt>Dataset</dt>
            <dd>
              {run.dataset.name} ({run.dataset.kind}
              {run.dataset.domain ? `, ${run.dataset.domain}` : ''};{' '}
              {run.dataset.trainSize.toLocaleString('en')} train / {run.dataset.testSize.toLocaleString('en')}{' '}
              test, {run.dataset.imageShape.join('×')}, {run.dataset.classes.length} classes)
            </dd>
            <dt>Model</dt>
            <dd>
              {run.model.name} ({run.model.family}-{run.model.depth}, width {run.model.width})
            </dd>
            <dt>Block shuffle</dt>
            <dd>{run.blockLabel}</dd>
            <dt>Seed</dt>
            <dd>{run.seed}</dd>
            <dt>Created</dt>
            <dd>{when(run.createdAt)}</dd>
            <dt>Started</dt>
            <dd>{when(run.startedAt)}</dd>
            <dt>Finished</dt>
            <dd>{when(run.finishedAt)}</dd>
            <dt>Attempt</dt>
            <dd>{run.attempt}</dd>
          </dl>
        </section>
        <section>
          <h2>Hyperparameters</h2>
          {hp.length === 0 ? (
            <Empty title="None recorded." />
          ) : (
            <dl className="kv card">
              {hp.map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>{k}</dt>
                  <dd className="mono">{typeof v === 'object' ? JSON.stringify(v) : String(v)}</dd>
                </div>
              ))}
            </dl>
          )}
        </section>
      </div>

      <h2 id="checkpoints">Checkpoints</h2>
      {run.checkpoints.length === 0 ? (
        <Empty title={active ? 'No checkpoints saved yet.' : 'No checkpoints.'}>
          {active
            ? 'The runner saves one every few epochs (hyperparameter checkpointEvery) and at the end.'
            : 'This run saved none.'}
        </Empty>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="checkpoints">
            <thead>
              <tr>
                <th scope="col">Checkpoint</th>
                <th scope="col" className="num">
                  Epoch
                </th>
                <th scope="col" className="num">
                  Step
                </th>
                <th scope="col">Metrics at save</th>
                <th scope="col" className="num">
                  Size
                </th>
              </tr>
            </thead>
            <tbody>
              {run.checkpoints.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link href={`/checkpoints/${c.id}`}>#{c.id}</Link>
                  </td>
                  <td className="num">{fmt(c.epoch, 2)}</td>
                  <td className="num">{c.step}</td>
                  <td className="mono">
                    {Object.entries(c.metrics)
                      .map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v) : String(v)}`)
                      .join(', ') || '—'}
                  </td>
                  <td className="num">{(c.blobSize / 1024).toFixed(0)} KiB</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {res.error ? <p className="sub">Last refresh failed: {errorMessage(res.error)}</p> : null}
    </>
  );
}
