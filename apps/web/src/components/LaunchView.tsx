'use client';

import Link from 'next/link';
import { type KeyboardEvent, useState } from 'react';
import { useQuery } from 'urql';
import { LAUNCH_CONTEXT } from '../lib/queries';
import { AnalysisTab } from './launch/AnalysisTab';
import { FineTuneTab } from './launch/FineTuneTab';
import { SweepTab } from './launch/SweepTab';
import { Empty, ErrorBox, Loading } from './States';

type Tab = 'finetune' | 'sweep' | 'analysis';

const TABS: { id: Tab; label: string }[] = [
  { id: 'finetune', label: 'Fine-tune' },
  { id: 'sweep', label: 'Sweep' },
  { id: 'analysis', label: 'Analysis' },
];

export function LaunchView({
  studyId,
  checkpointId,
  tab: initialTab,
}: {
  studyId: string;
  checkpointId: string;
  tab: Tab;
}) {
  const [tab, setTab] = useState<Tab>(initialTab);
  const [res, refetch] = useQuery({ query: LAUNCH_CONTEXT });
  const ctx = res.data;
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
    if (next === null) return;
    const t = TABS[(next + TABS.length) % TABS.length]!;
    setTab(t.id);
    document.getElementById(`tab-${t.id}`)?.focus();
  };
  return (
    <>
      <p className="crumbs">
        <Link href="/">Studies</Link> /{' '}
        {studyId && ctx?.studies.find((s) => s.id === studyId) ? (
          <>
            <Link href={`/studies/${studyId}`}>{ctx.studies.find((s) => s.id === studyId)!.name}</Link> /
          </>
        ) : null}
      </p>
      <h1>Start work</h1>
      <p className="sub">
        Queue a fine-tune, a sweep of fine-tunes, or an analysis of checkpoints. A runner picks it up.
      </p>
      <div className="tabs" role="tablist" aria-label="What to start" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {res.error && !ctx ? (
          <ErrorBox error={res.error} retry={() => refetch({ requestPolicy: 'network-only' })} />
        ) : !ctx ? (
          <Loading what="datasets, models and checkpoints" />
        ) : ctx.datasets.length === 0 ? (
          <Empty title="No datasets registered yet.">
            Register one first (the API's <code>registerDataset</code> mutation; <code>basin start</code>{' '}
            registers the defaults unless started with <code>--no-study</code>).
          </Empty>
        ) : tab === 'finetune' ? (
          <FineTuneTab ctx={ctx} studyId={studyId} checkpointId={checkpointId} />
        ) : tab === 'sweep' ? (
          <SweepTab ctx={ctx} studyId={studyId} checkpointId={checkpointId} />
        ) : (
          <AnalysisTab ctx={ctx} studyId={studyId} checkpointId={checkpointId} />
        )}
      </div>
    </>
  );
}
