'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { compareChart } from '../lib/compare-chart';
import { type CompareSelection, GROUP_FIELDS, selectionQuery } from '../lib/compare-url';
import { initLabel } from '../lib/format';
import { groupLabel } from '../lib/group-label';
import { COMPARE, RUNS, STUDY_NAMES } from '../lib/queries';
import type { RunGroupField } from '../lib/types';
import { Chart } from './Chart';
import { Downloads } from './Downloads';
import { color } from './palette';
import { Empty, ErrorBox, Loading, StatusBadge } from './States';

const FIELD_LABEL: Record<RunGroupField, string> = {
  INIT: 'init (P-T / RI-T)',
  BLOCK_SIZE: 'block size',
  KIND: 'kind',
  STUDY: 'study',
  DATASET: 'dataset',
  MODEL: 'model',
  INIT_CHECKPOINT: 'start checkpoint',
};

function RunPicker({ selected, toggle }: { selected: Set<string>; toggle: (id: string) => void }) {
  const [studyId, setStudyId] = useState('');
  const [studies] = useQuery({ query: STUDY_NAMES });
  const [runs] = useQuery({
    query: RUNS,
    variables: { first: 100, filter: studyId ? { studyId } : null },
  });
  const list = runs.data?.runs.edges.map((e) => e.node) ?? [];
  return (
    <fieldset className="card">
      <legend>Runs</legend>
      <div className="field">
        <label htmlFor="picker-study">From study</label>
        <select id="picker-study" value={studyId} onChange={(e) => setStudyId(e.target.value)}>
          <option value="">every study</option>
          {studies.data?.studies.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {runs.error && !runs.data ? <ErrorBox error={runs.error} /> : null}
      {!runs.data && !runs.error ? <Loading what="runs" /> : null}
      {runs.data && list.length === 0 ? <p className="sub">No runs here yet.</p> : null}
      <fieldset className="picker plain">
        <legend className="sr-only">Runs to compare</legend>
        {list.map((r) => (
          <label key={r.id}>
            <input
              type="checkbox"
              checked={selected.has(r.id)}
              onChange={() => toggle(r.id)}
              data-run={r.id}
            />
            <span>
              {r.name}{' '}
              <span className="sub">
                ({initLabel(r.init, r.kind)}, block {r.blockLabel}, {r.study?.name ?? 'no study'})
              </span>
            </span>
            <StatusBadge status={r.status} />
          </label>
        ))}
      </fieldset>
      {runs.data && runs.data.runs.totalCount > list.length ? (
        <p className="sub">
          Showing the newest {list.length} of {runs.data.runs.totalCount}; pick a study to narrow.
        </p>
      ) : null}
    </fieldset>
  );
}

export function CompareView({ initial }: { initial: CompareSelection }) {
  const [sel, setSel] = useState<CompareSelection>(initial);
  const [keyDraft, setKeyDraft] = useState(initial.key);
  const router = useRouter();
  const fig = useRef<HTMLElement>(null);
  useEffect(() => {
    router.replace(`/compare?${selectionQuery(sel)}`, { scroll: false });
  }, [sel, router]);

  const [res, refetch] = useQuery({
    query: COMPARE,
    variables: {
      runIds: sel.runs,
      key: sel.key,
      buckets: 1000,
      groupBy: sel.group.length ? sel.group : null,
      from: sel.window?.from ?? null,
      to: sel.window?.to ?? null,
    },
    pause: sel.runs.length === 0,
  });
  const cmp = res.data?.compareRuns;
  const selected = useMemo(() => new Set(sel.runs), [sel.runs]);
  const toggle = (id: string) =>
    setSel((s) => ({ ...s, runs: s.runs.includes(id) ? s.runs.filter((r) => r !== id) : [...s.runs, id] }));

  const chart = useMemo(
    () => compareChart(cmp, { group: sel.group, spikes: sel.spikes }),
    [cmp, sel.group, sel.spikes],
  );

  return (
    <>
      <h1>Compare runs</h1>
      <p className="sub">
        Pick runs from any study, choose a metric, and group them (e.g. by init) to see mean ± std across
        seeds. Each run's line is its last value per step bucket; the faint band spans the bucket's min and
        max, so a one-step spike is never averaged away. The address bar keeps the selection: copy it to share
        this view.
      </p>
      <div className="grid two" style={{ gridTemplateColumns: 'minmax(300px, 380px) 1fr' }}>
        <div className="grid">
          <RunPicker selected={selected} toggle={toggle} />
          <fieldset className="card">
            <legend>Metric and grouping</legend>
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (keyDraft.trim()) setSel((s) => ({ ...s, key: keyDraft.trim() }));
              }}
            >
              <div className="field">
                <label htmlFor="metric-key">Metric</label>
                <input
                  id="metric-key"
                  list="metric-keys"
                  value={keyDraft}
                  onChange={(e) => setKeyDraft(e.target.value)}
                />
                <datalist id="metric-keys">
                  {['test/acc', 'test/loss', 'train/acc', 'train/loss'].map((k) => (
                    <option key={k} value={k} />
                  ))}
                </datalist>
              </div>
              <button type="submit" style={{ alignSelf: 'end' }}>
                Show
              </button>
            </form>
            <fieldset className="picker plain">
              <legend className="hint">Group by (bands of mean ± std):</legend>
              {GROUP_FIELDS.map((f) => (
                <label key={f}>
                  <input
                    type="checkbox"
                    checked={sel.group.includes(f)}
                    onChange={() =>
                      setSel((s) => ({
                        ...s,
                        group: s.group.includes(f) ? s.group.filter((g) => g !== f) : [...s.group, f],
                      }))
                    }
                  />
                  {FIELD_LABEL[f]}
                </label>
              ))}
              <label>
                <input
                  type="checkbox"
                  checked={sel.spikes}
                  onChange={() => setSel((s) => ({ ...s, spikes: !s.spikes }))}
                />
                show each run's min/max (spikes)
              </label>
            </fieldset>
          </fieldset>
        </div>
        <div>
          {sel.runs.length === 0 ? (
            <Empty title="No runs selected.">
              Tick runs on the left (from one study or several). Tip: a study page's “Compare runs” opens its
              fine-tunes here.
            </Empty>
          ) : res.error && !cmp ? (
            <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
          ) : !cmp ? (
            <Loading what="the comparison" />
          ) : !chart ? (
            <Empty title={`None of the ${sel.runs.length} selected runs has logged “${sel.key}”.`}>
              Try another metric (train/loss, test/acc …) or other runs.
            </Empty>
          ) : (
            <figure ref={fig} data-chart="compare">
              <figcaption>
                <h3>
                  {cmp.key} · {cmp.series.length} runs
                  {sel.group.length ? ` in ${cmp.groups.length} groups` : ''}
                </h3>
                <span className="sub" data-bucket-width={cmp.bucketWidth}>
                  steps {cmp.from}–{cmp.to},{' '}
                  {cmp.bucketWidth === 1 ? 'every point' : `${cmp.bucketWidth} steps per bucket`}
                  {sel.window ? (
                    <>
                      {' '}
                      <button
                        type="button"
                        className="link"
                        onClick={() => setSel((s) => ({ ...s, window: null }))}
                      >
                        Reset zoom
                      </button>
                    </>
                  ) : (
                    ' · drag across the chart to zoom in'
                  )}
                </span>
                {res.fetching || res.stale ? (
                  <span className="sub" role="status">
                    updating…
                  </span>
                ) : null}
                <Downloads
                  name={`compare-${cmp.key.replace(/\W+/g, '-')}`}
                  title={`${cmp.key} across runs`}
                  figure={fig}
                  csv={chart.csv}
                />
              </figcaption>
              <Chart
                title={`${cmp.key} across ${cmp.series.length} runs`}
                x={chart.x}
                ys={chart.ys}
                series={chart.series}
                bands={chart.bands}
                xLabel="step"
                yLabel={cmp.key}
                height={420}
                onZoom={(w) => setSel((s) => ({ ...s, window: w }))}
              />
              {sel.group.length && cmp.groups.length ? (
                <ul className="legend-dots" aria-label="Groups">
                  {cmp.groups.map((g, i) => (
                    <li key={g.key} style={{ listStyle: 'none' }}>
                      <span className="dot" style={{ background: color(i) }} />
                      <strong>{groupLabel(g.key)}</strong>:{' '}
                      {g.runs.map((r, k) => {
                        const run = cmp.series.find((x) => x.run.id === r.id)?.run;
                        return (
                          <span key={r.id}>
                            {k ? ', ' : ''}
                            <Link href={`/runs/${r.id}`}>{run?.name ?? `run ${r.id}`}</Link>
                          </span>
                        );
                      })}
                    </li>
                  ))}
                </ul>
              ) : (
                <ul className="legend-dots" aria-label="Selected runs">
                  {cmp.series.map((s, i) => (
                    <li key={s.run.id} style={{ listStyle: 'none' }}>
                      <span className="dot" style={{ background: color(i) }} />
                      <Link href={`/runs/${s.run.id}`}>{s.run.name}</Link> ({s.run.study?.name ?? 'no study'})
                    </li>
                  ))}
                </ul>
              )}
            </figure>
          )}
        </div>
      </div>
    </>
  );
}
