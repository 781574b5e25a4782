import type { RunGroupField } from './types';

/** What the compare page shows; all of it lives in the URL so a link restores it. */
export interface CompareSelection {
  runs: string[];
  key: string;
  group: RunGroupField[];
  /** Draw each run's bucket min/max band (spikes). */
  spikes: boolean;
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
  return {
    runs,
    key: get(p, 'key')?.trim() || DEFAULT_KEY,
    group: [...new Set(group)],
    spikes: get(p, 'spikes') !== '0',
  };
}

export function selectionQuery(s: CompareSelection): string {
  const q = new URLSearchParams();
  if (s.runs.length) q.set('runs', s.runs.join(','));
  q.set('key', s.key);
  if (s.group.length) q.set('group', s.group.join(','));
  if (!s.spikes) q.set('spikes', '0');
  return q.toString().replaceAll('%2C', ',').replaceAll('%2F', '/');
}
