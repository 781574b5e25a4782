/**
 * Shaping the findings the API computed (`Study.findings`, `Study.findingsTables`) for the study page. Nothing here
 * computes a number or a verdict: the API does that once, and the CLI and the dashboard show the same fields.
 */
import type {
  AnalysisKind,
  AnalysisSummary,
  Finding,
  FindingStat,
  FindingsTable,
  ResultDataset,
  RunRow,
  Verdict,
} from './types';

/** A verdict in words, with a mark that is not only a colour. */
export const VERDICT_TEXT: Record<Verdict, string> = {
  HOLDS: '✓ holds',
  DOES_NOT_HOLD: '✗ does not hold',
  INCONCLUSIVE: '? inconclusive',
  NOT_MEASURED: 'not measured yet',
};

/** The class a verdict badge gets (its colour; the text says the same). */
export const VERDICT_CLASS: Record<Verdict, string> = {
  HOLDS: 'holds',
  DOES_NOT_HOLD: 'fails',
  INCONCLUSIVE: 'inconclusive',
  NOT_MEASURED: 'unmeasured',
};

/** The findings and tables of one target dataset, in the order the API returned them. */
export interface TargetFindings {
  target: string;
  findings: Finding[];
  tables: FindingsTable[];
}

/** Groups the API's findings and tables by target (targets in the order they first appear, findings first). */
export function groupByTarget(
  findings: readonly Finding[],
  tables: readonly FindingsTable[] = [],
): TargetFindings[] {
  const by = new Map<string, TargetFindings>();
  const at = (target: string) => {
    const g = by.get(target) ?? { target, findings: [], tables: [] };
    by.set(target, g);
    return g;
  };
  for (const f of findings) at(f.target).findings.push(f);
  for (const t of tables) at(t.target).tables.push(t);
  return [...by.values()];
}

/**
 * The analysis kind a claim rests on; null for the P-T vs RI-T claims, which rest on the study's main fine-tunes
 * (compared directly) or, without them, a block-shuffle sweep's unshuffled row.
 */
export const CLAIM_KIND: Record<string, AnalysisKind | null> = {
  'pt-speed': null,
  'pt-final': null,
  'feature-reuse': 'BLOCK_SHUFFLE',
  mistakes: 'MISTAKES',
  cka: 'CKA',
  distance: 'PARAM_DISTANCE',
  'barrier-pt': 'BARRIER',
  'barrier-rit': 'BARRIER',
  criticality: 'MODULE_CRITICALITY',
  checkpoints: 'CHECKPOINT_SWEEP',
};

/** What to start when a claim is not measured yet, and the launch tab that starts it. */
const TODO: Record<string, { text: string; tab: '' | 'sweep' | 'analysis' }> = {
  'pt-speed': {
    text: 'Fine-tune from a pretrained checkpoint (P-T) and from random init (RI-T) on the same target, two seeds or more each.',
    tab: '',
  },
  'pt-final': {
    text: 'Fine-tune from a pretrained checkpoint (P-T) and from random init (RI-T) on the same target, two seeds or more each.',
    tab: '',
  },
  'feature-reuse': {
    text: 'Start a block-shuffle sweep (several block sizes, P-T and RI-T per seed).',
    tab: 'sweep',
  },
  mistakes: { text: 'Run a mistakes analysis on two P-T and two RI-T checkpoints.', tab: 'analysis' },
  cka: { text: 'Run a CKA analysis on two P-T and two RI-T checkpoints.', tab: 'analysis' },
  distance: {
    text: 'Run a parameter-distance analysis on pairs of fine-tuned checkpoints.',
    tab: 'analysis',
  },
  'barrier-pt': { text: 'Run a barrier analysis between two P-T checkpoints.', tab: 'analysis' },
  'barrier-rit': { text: 'Run a barrier analysis between two RI-T checkpoints.', tab: 'analysis' },
  criticality: {
    text: 'Run a module-criticality analysis (initial and final checkpoint of a P-T fine-tune).',
    tab: 'analysis',
  },
  checkpoints: { text: 'Start a checkpoint sweep over the pretraining run’s checkpoints.', tab: 'sweep' },
};

/** An analysis as the study page asks for it: with the dataset its result names. */
export type StudyAnalysis = AnalysisSummary & { result: ResultDataset | null };

/** What the links need to know about a study. */
export interface LinkContext {
  studyId: string;
  runs: readonly RunRow[];
  analyses: readonly StudyAnalysis[];
  /** Dataset names by id (sweeps name their dataset by id only). */
  datasets?: ReadonlyMap<string, string>;
}

/** Where a finding's card points: its detail view when measured, else what to start. */
export interface FindingLink {
  href: string | null;
  /** Set when the claim is not measured yet: what to do. */
  todo: string | null;
}

/** A study's main fine-tunes: finished, unshuffled, not part of a sweep (what the API compares P-T and RI-T on). */
export function mainFineTunes(runs: readonly RunRow[], target?: string): RunRow[] {
  return runs.filter(
    (r) =>
      r.kind === 'FINETUNE' &&
      r.status === 'SUCCEEDED' &&
      r.blockSize === null &&
      !r.sweepAnalysis &&
      (target === undefined || r.dataset.name === target),
  );
}

/**
 * The target dataset an analysis was evaluated on, as the API attributes it: the result's dataset, else the
 * sweep's dataset, else the dataset its fine-tuned inputs were trained on; null when none is known.
 */
export function analysisTarget(a: StudyAnalysis, ctx: Pick<LinkContext, 'runs' | 'datasets'>): string | null {
  const r = a.result;
  const dataset = r && 'dataset' in r ? r.dataset : null;
  if (dataset?.name) return dataset.name;
  const names = new Map<string, string>(ctx.runs.map((run) => [run.dataset.id, run.dataset.name]));
  for (const [id, name] of ctx.datasets ?? []) names.set(id, name);
  const datasetId = r && 'datasetId' in r ? r.datasetId : null;
  if (datasetId) return names.get(datasetId) ?? null;
  const runs = new Map(ctx.runs.map((run) => [run.id, run]));
  for (const i of a.inputs) {
    const run = runs.get(i.run?.id ?? i.checkpoint?.run?.id ?? '');
    if (run?.kind === 'FINETUNE') return run.dataset.name;
  }
  return null;
}

/**
 * The analysis a claim on a target rests on: the study's newest finished analysis of its kind on that target, else
 * the newest finished one of its kind.
 */
export function analysisFor(
  kind: AnalysisKind,
  target: string,
  ctx: Pick<LinkContext, 'runs' | 'analyses' | 'datasets'>,
): StudyAnalysis | undefined {
  const done = ctx.analyses
    .filter((a) => a.kind === kind && a.status === 'SUCCEEDED')
    .sort((x, y) => y.createdAt.localeCompare(x.createdAt) || Number(y.id) - Number(x.id));
  return done.find((a) => analysisTarget(a, ctx) === target) ?? done[0];
}

/** A compare link over some runs, grouped by init. */
const compareLink = (runs: readonly RunRow[], key: string) =>
  `/compare?runs=${runs.map((r) => r.id).join(',')}&key=${encodeURIComponent(key)}&group=INIT`;

/** Where a finding's card links: the detail view of what it rests on, or, not measured yet, how to start it. */
export function findingLink(
  f: Pick<Finding, 'claimId' | 'target' | 'verdict'>,
  ctx: LinkContext,
): FindingLink {
  const todo = TODO[f.claimId] ?? { text: 'Start the runs and analyses this claim needs.', tab: '' };
  if (f.verdict === 'NOT_MEASURED')
    return { href: `/launch?study=${ctx.studyId}${todo.tab ? `&tab=${todo.tab}` : ''}`, todo: todo.text };
  const kind = CLAIM_KIND[f.claimId];
  if (kind === null) {
    const runs = mainFineTunes(ctx.runs, f.target);
    if (runs.length)
      return { href: compareLink(runs, f.claimId === 'pt-speed' ? 'train/acc' : 'test/acc'), todo: null };
    const bs = analysisFor('BLOCK_SHUFFLE', f.target, ctx);
    return { href: bs ? `/analyses/${bs.id}` : null, todo: null };
  }
  const a = kind ? analysisFor(kind, f.target, ctx) : undefined;
  return { href: a ? `/analyses/${a.id}` : null, todo: null };
}

/**
 * A table cell as the CLI prints it (`basin study`): mean ± std over n values, the mean alone for one value, "—"
 * when not measured.
 */
export function formatCell(c: Pick<FindingStat, 'mean' | 'std' | 'n'> | null | undefined): string {
  if (!c || c.mean === null || !Number.isFinite(c.mean)) return '—';
  const f = (x: number) =>
    Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(3);
  return c.n > 1 ? `${f(c.mean)} ± ${f(c.std ?? 0)}` : f(c.mean);
}

/** What a cell is over, for its title. */
export function cellTitle(c: Pick<FindingStat, 'n'> | null | undefined): string {
  return c ? `n = ${c.n}` : 'not measured';
}

/** The study's training setup in words (`config.setup`, written by `basin study`), as its parts; [] when absent. */
export function setupOf(config: Record<string, unknown> | null | undefined): string[] {
  const s = config?.setup;
  if (typeof s !== 'string' || !s.trim()) return [];
  return s
    .split(/;\s+/)
    .map((x) => x.trim())
    .filter(Boolean);
}
