'use client';

import { useState } from 'react';
import { useSubscription } from 'urql';
import { RUN_PROGRESS } from '../lib/queries';
import type { LivePoints } from '../lib/run-charts';
import type { RunStatus } from '../lib/types';

/** Statuses of a run that can still change: the page listens live while the run is in one. */
export const ACTIVE: RunStatus[] = ['QUEUED', 'RUNNING'];

/** What the live events said about a run since the page loaded (absent fields: nothing new). */
export interface LiveRunStatus {
  status?: RunStatus;
  backend?: string;
  error?: string;
  step?: number;
  epoch?: number;
}

/**
 * Follows a run live while it is active (`active`: QUEUED or RUNNING, by the newest word): metric points as they stream in (appended per key), its status, backend,
 * error and position, and how many events arrived. Calls `refetch` when the stored run changed (a checkpoint was
 * saved, or the run ended) so the page replaces live points with stored ones.
 */
export function useLiveRun(
  runId: string,
  stored: { status: RunStatus } | undefined,
  refetch: () => void,
): { live: LivePoints; liveStatus: LiveRunStatus; events: number; active: boolean } {
  const [live, setLive] = useState<LivePoints>({});
  const [liveStatus, setLiveStatus] = useState<LiveRunStatus>({});
  const [events, setEvents] = useState(0);
  const active = stored ? ACTIVE.includes(liveStatus.status ?? stored.status) : false;

  useSubscription({ query: RUN_PROGRESS, variables: { runId }, pause: !stored || !active }, (_prev, data) => {
    const e = data.runProgress;
    setEvents((n) => n + 1);
    if (e.type === 'RUN_PROGRESS' && e.metrics && e.step !== null) {
      const step = e.step;
      setLive((prev) => {
        const next = { ...prev };
        for (const m of e.metrics ?? []) next[m.key] = [...(next[m.key] ?? []), { step, value: m.value }];
        return next;
      });
      setLiveStatus((s) => ({ ...s, step, epoch: e.epoch ?? s.epoch }));
    }
    if (e.type === 'RUN_STATUS') {
      setLiveStatus((s) => ({
        ...s,
        status: e.status ?? s.status,
        backend: e.backend ?? s.backend,
        error: e.error ?? s.error,
      }));
      if (e.status && !ACTIVE.includes(e.status)) refetch();
    }
    if (e.type === 'CHECKPOINT_SAVED') refetch();
    return data;
  });
  return { live, liveStatus, events, active };
}
