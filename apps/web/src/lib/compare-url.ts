import type { RunGroupField } from './types';

/** What the compare page shows; all of it lives in the URL so a link restores it. */
export interface CompareSelection {
  runs: string[];
  key: string;
  group: RunGroupField[];
  /** Draw each run's bucket min/max band (spikes). */
  spikes: boolean;
  /** A zoomed step window (fetched again at full resolution), or null for every step. */
  window: { from: number; to: number } | null;
}

export const GROUP_FIELDS: readonly RunGroupField[] = [
  'INIT',
  'BLOCK_SIZE',
  'KIND',
  'STUDY',
  'DATASET',
  'MODEL',
  'INIT_CHECKPOINT',
];
export const DEFAULT_KEY = 'test/acc';

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

const get = (p: Params, k: string): string | undefined => {
  if (p instanceof URLSearchParams) return p.get(k) ?? undefined;
  const v = p[k];
  return Array.isArray(v) ? v[0] : v;
};

export function parseSelection(p: Params): CompareSelection {
  const runs = [
    ...new Set(
      (get(p, 'runs') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => /^\d+$/.test(s)),
    ),
  ];
  const group = (get(p, 'group') ?? '')
    .split(',')
    .filter((g): g is RunGroupField => (GROUP_FIELDS as readonly string[]).includes(g));
  const step = (k: string) => {
    const v = get(p, k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  };
  const from = step('from');
  const to = step('to');
  return {
    runs,
    key: get(p, 'key')?.trim() || DEFAULT_KEY,
    group: [...new Set(group)],
    spikes: get(p, 'spikes') !== '0',
    window: from !== null && to !== null && from <= to ? { from, to } : null,
  };
}

export function selectionQuery(s: CompareSelection): string {
  const q = new URLSearchParams();
  if (s.runs.length) q.set('runs', s.runs.join(','));
  q.set('key', s.key);
  if (s.group.length) q.set('group', s.group.join(','));
  if (!s.spikes) q.set('spikes', '0');
  if (s.window) {
    q.set('from', String(s.window.from));
    q.set('to', String(s.window.to));
  }
  return q.toString().replaceAll('%2C', ',').replaceAll('%2F', '/');
}
