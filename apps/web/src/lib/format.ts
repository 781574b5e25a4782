/** Number and label formatting shared by every view. */

export const fmt = (v: number | null | undefined, digits = 3): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : Number(v.toFixed(digits)).toString();

export const pct = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)}%`;

export const pm = (mean: number, std: number, digits = 3): string =>
  `${fmt(mean, digits)} ± ${fmt(std, digits)}`;

const PAIR_LABELS = {
  PT_PT: 'P-T / P-T',
  RIT_RIT: 'RI-T / RI-T',
  PT_RIT: 'P-T / RI-T',
  OTHER: 'other',
} as const;
export const pairLabel = (t: keyof typeof PAIR_LABELS): string => PAIR_LABELS[t];

export const initLabel = (init: string, kind?: string): string =>
  kind === 'PRETRAIN' ? 'pretrain' : init === 'PRETRAINED' ? 'P-T' : 'RI-T';

const KIND_LABELS: Record<string, string> = {
  CKA: 'CKA',
  MISTAKES: 'Mistakes',
  PARAM_DISTANCE: 'Parameter distance (ℓ2)',
  BARRIER: 'Performance barrier',
  MODULE_CRITICALITY: 'Module criticality',
  BLOCK_SHUFFLE: 'Block shuffle',
  CHECKPOINT_SWEEP: 'Checkpoint sweep',
};
export const kindLabel = (k: string): string => KIND_LABELS[k] ?? k;

export const when = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC' : '—';

/** A file name fragment from free text. */
export const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60) || 'export';
