import {
  type Evidence,
  evaluateFindings,
  findingsTables,
  type StudyMeasurements,
} from '@basin/analysis/findings';
import { type DatasetRow, listRuns, type RunRow, type StudyRow } from '@basin/db';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../context';
import { Finding, type FindingStat, FindingsTable, type Verdict } from './finding.type';
import { latestResults, measurementsFrom, referencedRunIds } from './measurements';
import { Study } from './study.type';

/** Measurements are computed once per request and study, however many findings fields ask. */
const memo = new WeakMap<Context, Map<string, Promise<StudyMeasurements>>>();

async function measurements(study: StudyRow, ctx: Context): Promise<StudyMeasurements> {
  let byStudy = memo.get(ctx);
  if (!byStudy) {
    byStudy = new Map();
    memo.set(ctx, byStudy);
  }
  let m = byStudy.get(study.id);
  if (!m) {
    m = load(study, ctx);
    byStudy.set(study.id, m);
  }
  return m;
}

async function load(study: StudyRow, ctx: Context): Promise<StudyMeasurements> {
  const analyses = await ctx.loaders.analysesByStudy.load(study.id);
  const finetunes = (
    await listRuns(
      ctx.sql,
      ctx.identity.teamId,
      { studyId: study.id, kind: 'FINETUNE', unshuffled: true, statuses: ['SUCCEEDED'] },
      { first: 100_000, order: 'OLDEST_FIRST' },
    )
  ).filter((r) => r.sweepAnalysisId === null);
  const runs = new Map<string, RunRow>(finetunes.map((r) => [r.id, r]));
  const wanted = new Set(latestResults(analyses).flatMap((a) => referencedRunIds(a.result!)));
  for (const r of await Promise.all(
    [...wanted].filter((id) => !runs.has(id)).map((id) => ctx.loaders.run.load(id)),
  ))
    if (r) runs.set(r.id, r);
  const datasetIds = new Set([...runs.values()].map((r) => r.datasetId));
  for (const a of analyses) {
    const r = a.result as { datasetId?: unknown; dataset?: { id?: unknown } | null } | null;
    for (const id of [r?.datasetId, r?.dataset?.id]) if (typeof id === 'string' && id) datasetIds.add(id);
  }
  const datasets = new Map<string, DatasetRow>();
  for (const d of await Promise.all([...datasetIds].map((id) => ctx.loaders.dataset.load(id))))
    if (d) datasets.set(d.id, d);
  return measurementsFrom({ analyses, runs, finetunes, datasets });
}

const stat = (e: Evidence): FindingStat => ({
  label: e.label,
  mean: Number.isFinite(e.mean) ? e.mean : null,
  std: e.n ? e.std : null,
  n: e.n,
  values: e.values,
});

@Resolver(() => Study)
export class StudyFindingsResolver {
  @FieldResolver(() => [Finding], {
    description:
      "The paper's claims (P-T trains faster and ends at least as accurate as RI-T, feature reuse, uncommon mistakes, CKA, ℓ2, barriers, module criticality, checkpoints), judged per target on this study's finished runs and analyses with their spread over seeds. Computed here once; the CLI and the dashboard show these.",
  })
  async findings(@Root() study: StudyRow, @Ctx() ctx: Context): Promise<Finding[]> {
    return evaluateFindings(await measurements(study, ctx)).map((f) => ({
      ...f,
      verdict: f.verdict as Verdict,
      evidence: f.evidence.map(stat),
    }));
  }

  @FieldResolver(() => [FindingsTable], {
    description:
      "The paper's tables per target: P-T vs RI-T, CKA and ℓ2 per module per pair kind (its Tables 1 and 2), mistakes per pair kind, barriers, criticality per module, accuracy against block size, accuracy by pretraining checkpoint.",
  })
  async findingsTables(@Root() study: StudyRow, @Ctx() ctx: Context): Promise<FindingsTable[]> {
    return findingsTables(await measurements(study, ctx)).map((t) => ({
      ...t,
      rows: t.rows.map((r) => ({ label: r.label, cells: r.cells.map((c) => (c ? stat(c) : null)) })),
    }));
  }
}
