/**
 * The domain's names, declared once: every status, kind and pair group Basin stores. The API registers its
 * GraphQL enums from these lists, the runner and the CLI import them, and the database's CHECK constraints
 * (db/migrations) spell the same values; `domain.test.ts` holds the two together.
 */

/** Pretraining or fine-tuning. */
export const RUN_KINDS = ['PRETRAIN', 'FINETUNE'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** P-T (from a checkpoint) or RI-T (random init). */
export const RUN_INITS = ['PRETRAINED', 'RANDOM'] as const;
export type RunInit = (typeof RUN_INITS)[number];

/** Lifecycle of a run or an analysis. */
export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Statuses after which a run or analysis never changes again. */
export const TERMINAL_STATUSES: readonly RunStatus[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** True for SUCCEEDED, FAILED and CANCELLED. */
export const isTerminal = (s: string): boolean => (TERMINAL_STATUSES as readonly string[]).includes(s);

/** Dataset kinds Basin can open (the `kind` column's CHECK). */
export const DATASET_KINDS = [
  'MNIST',
  'FASHION_MNIST',
  'SYNTHETIC_DOMAIN',
  'DOMAINNET',
  'CHEXPERT',
  'IMAGE_FOLDER',
] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** One label per image, or several. */
export const DATASET_TASKS = ['MULTICLASS', 'MULTILABEL'] as const;
export type DatasetTask = (typeof DATASET_TASKS)[number];

/** Which analysis produced a result; the `kind` column of `analyses`, in the order the schema lists them. */
export const ANALYSIS_KINDS = [
  'CKA',
  'MISTAKES',
  'PARAM_DISTANCE',
  'BARRIER',
  'MODULE_CRITICALITY',
  'BLOCK_SHUFFLE',
  'CHECKPOINT_SWEEP',
] as const;
export type AnalysisKind = (typeof ANALYSIS_KINDS)[number];

/** Analysis kinds that fan out into child runs (sweeps) instead of running on a runner themselves. */
export const SWEEP_KINDS = ['BLOCK_SHUFFLE', 'CHECKPOINT_SWEEP'] as const satisfies readonly AnalysisKind[];

/** What kind of pair was compared (the paper's P-T/P-T, RI-T/RI-T and P-T/RI-T groups); OTHER otherwise. */
export const PAIR_TYPES = ['PT_PT', 'RIT_RIT', 'PT_RIT', 'OTHER'] as const;
export type PairType = (typeof PAIR_TYPES)[number];

/**
 * A list of names as an enum-like object (`{ QUEUED: 'QUEUED', … }`), for libraries that take one (type-graphql's
 * `registerEnumType`) and for `X.QUEUED`-style references.
 */
export function enumObject<const T extends string>(values: readonly T[]): { readonly [K in T]: K } {
  return Object.freeze(Object.fromEntries(values.map((v) => [v, v]))) as { readonly [K in T]: K };
}
