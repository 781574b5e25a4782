/**
 * Client-side checks for the launch forms: each returns the GraphQL input, or the errors keyed by the same field
 * names the API uses (so an API error lands on the same field). The API checks again; these save a round trip.
 */

import { expectedText, HYPERPARAMETER_RULES, type NumberRule, satisfies } from '@basin/db/hyperparameters';

export type Errors = Record<string, string>;
export type Checked<T> = { ok: true; input: T } | { ok: false; errors: Errors };

const intIn = (raw: string, min: number, max: number): number | null => {
  if (!/^-?\d+$/.test(raw.trim())) return null;
  const n = Number(raw);
  return n >= min && n <= max ? n : null;
};

/** "none" / "" → null, "*" → 0, "4" → 4. */
export function parseBlock(raw: string): number | null | undefined {
  const s = raw.trim().toLowerCase();
  if (s === '' || s === 'none') return null;
  if (s === '*') return 0;
  const n = intIn(s, 1, 4096);
  return n ?? undefined;
}

/** "0, 1, 2" → [0, 1, 2]; undefined when any item is not an integer in range or the list is empty. */
export function parseIntList(raw: string, min: number, max: number, star = false): number[] | undefined {
  const parts = raw.split(/[\s,]+/).filter(Boolean);
  if (!parts.length) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    const n = star && p === '*' ? 0 : intIn(p, min, max);
    if (n === null) return undefined;
    out.push(n);
  }
  return [...new Set(out)];
}

export interface HyperForm {
  epochs: string;
  batchSize: string;
  learningRate: string;
}

const HYPER_LABELS = { epochs: 'Epochs', batchSize: 'Batch size', learningRate: 'Learning rate' } as const;

/** The form's settings, checked with the rules the API and the runner use (so the bounds and words agree). */
function hyper(h: HyperForm, errors: Errors): Record<keyof HyperForm, number> {
  const out = { epochs: 0, batchSize: 0, learningRate: 0 };
  for (const k of Object.keys(HYPER_LABELS) as (keyof HyperForm)[]) {
    const rule: NumberRule = HYPERPARAMETER_RULES[k];
    const raw = h[k].trim();
    const v = raw === '' ? Number.NaN : Number(raw);
    if (satisfies(rule, v)) out[k] = v;
    else errors[k] = `${HYPER_LABELS[k]}: ${expectedText(rule)}.`;
  }
  return out;
}

export interface FineTuneForm extends HyperForm {
  studyId: string;
  datasetId: string;
  init: 'PRETRAINED' | 'RANDOM';
  initCheckpointId: string;
  modelId: string;
  seed: string;
  blockSize: string;
  name: string;
}

export function checkFineTune(f: FineTuneForm): Checked<Record<string, unknown>> {
  const errors: Errors = {};
  if (!f.datasetId) errors.datasetId = 'Choose the target dataset.';
  if (f.init === 'PRETRAINED' && !f.initCheckpointId)
    errors.initCheckpointId = 'P-T starts from a checkpoint: choose one.';
  if (f.init === 'RANDOM' && !f.initCheckpointId && !f.modelId)
    errors.modelId = 'RI-T needs a model (or a checkpoint whose model to use).';
  const seed = intIn(f.seed, 0, 2 ** 31 - 1);
  if (seed === null) errors.seed = 'Seed: a whole number, 0 or more.';
  const blockSize = parseBlock(f.blockSize);
  if (blockSize === undefined)
    errors.blockSize = 'Block size: empty or "none", "*" (every pixel), or a whole number of pixels.';
  const hyperparameters = hyper(f, errors);
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    input: {
      studyId: f.studyId || null,
      datasetId: f.datasetId,
      init: f.init,
      initCheckpointId: f.init === 'PRETRAINED' ? f.initCheckpointId : null,
      modelId: f.init === 'RANDOM' ? f.modelId || null : null,
      seed,
      blockSize,
      name: f.name.trim() || null,
      hyperparameters,
    },
  };
}

export interface SweepForm extends HyperForm {
  kind: 'BLOCK_SHUFFLE' | 'CHECKPOINT_SWEEP';
  studyId: string;
  datasetId: string;
  pretrainCheckpointId: string;
  pretrainRunId: string;
  blockSizes: string;
  seeds: string;
  name: string;
}

export function checkSweep(f: SweepForm): Checked<Record<string, unknown>> {
  const errors: Errors = {};
  if (!f.datasetId) errors.datasetId = 'Choose the target dataset.';
  const seeds = parseIntList(f.seeds, 0, 2 ** 31 - 1);
  if (!seeds) errors.seeds = 'Seeds: whole numbers separated by commas, e.g. 0, 1, 2.';
  let extra: Record<string, unknown> = {};
  if (f.kind === 'BLOCK_SHUFFLE') {
    if (!f.pretrainCheckpointId)
      errors.pretrainCheckpointId = 'Choose the pretrained checkpoint P-T runs start from.';
    const blockSizes = parseIntList(f.blockSizes, 1, 4096, true);
    if (!blockSizes)
      errors.blockSizes =
        'Block sizes: whole numbers (pixels) or "*", separated by commas, e.g. 1, 2, 4, 8, *.';
    extra = { pretrainCheckpointId: f.pretrainCheckpointId, blockSizes };
  } else {
    if (!f.pretrainRunId)
      errors.pretrainRunId = 'Choose the pretraining run whose checkpoints to fine-tune from.';
    extra = { pretrainRunId: f.pretrainRunId };
  }
  const hyperparameters = hyper(f, errors);
  if (Object.keys(errors).length) return { ok: false, errors };
  return {
    ok: true,
    input: {
      studyId: f.studyId || null,
      datasetId: f.datasetId,
      seeds,
      name: f.name.trim() || null,
      hyperparameters,
      ...extra,
    },
  };
}

export interface AnalysisForm {
  kind: 'CKA' | 'MISTAKES' | 'PARAM_DISTANCE' | 'BARRIER' | 'MODULE_CRITICALITY';
  studyId: string;
  checkpointIds: string[];
  examples: string;
  name: string;
}

export function checkAnalysis(f: AnalysisForm): Checked<Record<string, unknown>> {
  const errors: Errors = {};
  const ids = f.checkpointIds.filter(Boolean);
  if (f.kind === 'MODULE_CRITICALITY') {
    if (ids.length !== 2)
      errors.inputs =
        'Module criticality takes exactly two checkpoints: the initial one, then the final one.';
  } else if (ids.length < 2) errors.inputs = 'Choose at least two checkpoints to compare.';
  if (new Set(ids).size !== ids.length) errors.inputs = 'Each checkpoint can be chosen once.';
  let params: Record<string, unknown> = {};
  if (f.kind !== 'PARAM_DISTANCE' && f.examples.trim()) {
    const n = intIn(f.examples, f.kind === 'CKA' ? 2 : 1, 1_000_000);
    if (n === null) errors.examples = 'Examples: a whole number from 2 to 1,000,000.';
    params = { examples: n };
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  const roles = f.kind === 'MODULE_CRITICALITY' ? ['initial', 'final'] : [];
  return {
    ok: true,
    input: {
      kind: f.kind,
      studyId: f.studyId || null,
      name: f.name.trim() || null,
      params,
      inputs: ids.map((checkpointId, i) => ({ checkpointId, ...(roles[i] ? { role: roles[i] } : {}) })),
    },
  };
}
